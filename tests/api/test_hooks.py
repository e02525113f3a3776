"""Trusted proxies: the app sees the real client address, and a client cannot forge it."""

import pytest
from flask import request
from sqlalchemy import select

from okr_app import create_app
from okr_app.extensions import db
from okr_app.models import AuditRow
from tests.conftest import make_config

PROXY = "10.0.0.2"  # the address the app sees the request come from: nginx


def register_from(client, email, forwarded_for=None):
    """Register ``email`` through the proxy; return the audited client address."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = client.post(
        "/auth/register",
        json={"email": email, "password": "a perfectly long passphrase"},
        headers=headers,
        environ_base={"REMOTE_ADDR": PROXY},
    )
    assert response.status_code == 201
    return db.session.scalars(
        select(AuditRow.ip).where(AuditRow.path == "/auth/register").order_by(AuditRow.id.desc())
    ).first()


@pytest.mark.settings(OKR_TRUSTED_PROXIES=1)
def test_one_trusted_hop_takes_the_address_the_proxy_appended(app, client):
    with app.app_context():
        assert register_from(client, "a@example.com", "203.0.113.7") == "203.0.113.7"


@pytest.mark.settings(OKR_TRUSTED_PROXIES=1)
def test_a_forged_entry_before_the_proxys_one_is_ignored(app, client):
    with app.app_context():
        forged = register_from(client, "a@example.com", "198.51.100.66, 203.0.113.7")
        assert forged == "203.0.113.7"


@pytest.mark.settings(OKR_TRUSTED_PROXIES=2)
def test_two_trusted_hops_look_one_entry_further(app, client):
    with app.app_context():
        address = register_from(client, "a@example.com", "198.51.100.66, 203.0.113.7, 10.0.0.9")
        assert address == "203.0.113.7"


def test_without_trusted_proxies_the_header_is_ignored(app, client):
    assert app.config["OKR_TRUSTED_PROXIES"] == 0
    with app.app_context():
        assert register_from(client, "a@example.com", "203.0.113.7") == PROXY


@pytest.mark.parametrize("hops", [0, 1])
def test_forwarded_proto_is_trusted_only_with_the_address(tmp_path, hops):
    app = create_app(make_config(f"sqlite:///{tmp_path}/p.sqlite3", OKR_TRUSTED_PROXIES=hops))
    app.add_url_rule("/scheme", "scheme", lambda: {"scheme": request.scheme})
    response = app.test_client().get("/scheme", headers={"X-Forwarded-Proto": "https"})
    assert response.get_json()["scheme"] == ("https" if hops else "http")


@pytest.mark.settings(OKR_TRUSTED_PROXIES=1, OKR_LOGIN_IP_LIMIT="2 per minute")
def test_the_login_throttle_counts_the_real_address_not_the_forged_one(client):
    def login(forwarded_for, email):
        return client.post(
            "/auth/login",
            json={"email": email, "password": "not the right password"},
            headers={"X-Forwarded-For": forwarded_for},
            environ_base={"REMOTE_ADDR": PROXY},
        ).status_code

    assert login("203.0.113.7", "one@example.com") == 401
    assert login("203.0.113.7", "two@example.com") == 401
    # A new forged first entry each time does not make the client someone else.
    assert login("192.0.2.1, 203.0.113.7", "three@example.com") == 429
    assert login("192.0.2.2, 203.0.113.7", "four@example.com") == 429
    assert login("203.0.113.8", "five@example.com") == 401
