"""Registering webhooks: secrets shown once, SSRF refused, owners only, every change audited."""

import base64
import json
import socket
import threading
import time

import pytest

from okr_app.extensions import db
from okr_app.models import AuditRow
from tests.webhooks.conftest import LOOPBACK, register

pytestmark = pytest.mark.settings(**LOOPBACK)


def test_a_webhook_is_created_with_its_secret_shown_once(client, auth, receiver):
    _, _, headers = auth.user()
    webhook = register(
        client, headers, receiver, events=["check_in.created", "ping"], description=" mine "
    )
    assert set(webhook) == {
        "id",
        "url",
        "events",
        "description",
        "active",
        "secret",
        "failing_since",
        "created_at",
        "updated_at",
    }
    assert (webhook["events"], webhook["description"], webhook["active"]) == (
        ["check_in.created", "ping"],
        "mine",
        True,
    )
    assert webhook["secret"].startswith("whsec_")
    assert len(base64.b64decode(webhook["secret"][6:])) == 32
    path = f"/webhooks/{webhook['id']}"
    for answer in (
        client.get(path, headers=headers).get_json(),
        client.get("/webhooks", headers=headers).get_json()[0],
        client.patch(path, headers=headers, json={"description": "x"}).get_json(),
    ):
        assert "secret" not in answer
    rotated = client.post(f"{path}/rotate-secret", headers=headers)
    assert rotated.status_code == 200
    assert rotated.get_json()["secret"] not in (webhook["secret"], None)


def test_secrets_never_reach_the_audit_trail(app, client, auth, receiver):
    _, _, headers = auth.user()
    webhook = register(client, headers, receiver)
    rotated = client.post(f"/webhooks/{webhook['id']}/rotate-secret", headers=headers).get_json()
    client.delete(f"/webhooks/{webhook['id']}", headers=headers)
    with app.app_context():
        rows = db.session.scalars(db.select(AuditRow).where(AuditRow.action.like("webhook.%")))
        trail = {row.action: json.dumps(row.details) for row in rows}
    assert set(trail) == {"webhook.created", "webhook.secret_rotated", "webhook.deleted"}
    for text in trail.values():
        assert webhook["secret"] not in text and rotated["secret"] not in text
        assert "whsec_" not in text


#: The reason each kind of URL is refused for, as the answer words it.
INTERNAL = "resolves to an address webhooks may not reach"


# Not named ``settings``: a parameter of that name would replace the fixture, and with it
# the module's LOOPBACK settings (http allowed), so every http case would fail on its scheme.
@pytest.mark.parametrize(
    ("url", "overrides", "reason"),
    [
        ("http://127.0.0.1:9/x", {}, INTERNAL),  # loopback, no allow-list
        ("http://localhost:9/x", {}, INTERNAL),  # a name resolving to loopback
        ("http://[::1]:9/x", {}, INTERNAL),
        ("http://[::ffff:127.0.0.1]:9/x", {}, INTERNAL),  # IPv4-mapped loopback
        ("http://[2002:7f00:1::1]:9/x", {}, INTERNAL),  # 6to4 wrapping 127.0.0.1
        ("http://[2002:a9fe:a9fe::1]/x", {}, INTERNAL),  # 6to4 wrapping 169.254.169.254
        ("http://[2002:c0a8:101::1]/x", {}, INTERNAL),  # 6to4 wrapping 192.168.1.1
        ("http://10.1.2.3/x", {}, INTERNAL),  # private
        ("http://169.254.169.254/latest/meta-data", {}, INTERNAL),  # link-local (metadata)
        ("http://224.0.0.1/x", {}, INTERNAL),  # multicast
        ("http://0.0.0.0:9/x", {}, INTERNAL),
        ("https://1.1.1.1:0/x", {"OKR_WEBHOOK_ALLOWED_NETWORKS": "1.1.1.1/32"}, "port 0"),
        ("http://localhost:9/x", {"OKR_WEBHOOK_ALLOW_HTTP": False}, "Must be an https URL."),
        ("ftp://example.com/x", {}, "Must be http or https."),
        ("https://user:pass@example.com/x", {}, "user name or password"),
        ("https://name-that-does-not-resolve.invalid/x", {}, "does not resolve"),
        ("not a url", {}, "Must be http or https."),
    ],
)
def test_unsafe_urls_are_refused_at_registration(app, client, auth, url, overrides, reason):
    app.config.update({"OKR_WEBHOOK_ALLOWED_NETWORKS": "", **overrides})
    _, _, headers = auth.user()
    response = client.post("/webhooks", headers=headers, json={"url": url, "events": ["*"]})
    assert response.status_code == 422, url
    assert reason in response.get_json()["errors"]["json"]["url"][0]
    webhook = client.get("/webhooks", headers=headers).get_json()
    assert webhook == []


def test_a_changed_url_is_checked_too(app, client, auth, receiver):
    _, _, headers = auth.user()
    webhook = register(client, headers, receiver)
    app.config["OKR_WEBHOOK_ALLOWED_NETWORKS"] = ""
    response = client.patch(
        f"/webhooks/{webhook['id']}", headers=headers, json={"url": "http://127.0.0.2:8/"}
    )
    assert response.status_code == 422
    assert "url" in response.get_json()["errors"]["json"]


@pytest.mark.parametrize(
    "body",
    [
        {"url": "https://example.com/x"},
        {"url": "https://example.com/x", "events": []},
        {"url": "https://example.com/x", "events": ["nothing.happened"]},
        {"url": "https://example.com/x", "events": ["*"], "secret": "mine"},
        {"events": ["*"]},
    ],
)
def test_bad_bodies_are_422(client, auth, body):
    _, _, headers = auth.user()
    assert client.post("/webhooks", headers=headers, json=body).status_code == 422


def test_others_webhooks_answer_404(client, auth, receiver):
    _, _, owner = auth.user()
    webhook = register(client, owner, receiver)
    _, _, stranger = auth.user()
    path = f"/webhooks/{webhook['id']}"
    answers = [
        client.get(path, headers=stranger),
        client.patch(path, headers=stranger, json={"active": False}),
        client.post(f"{path}/rotate-secret", headers=stranger),
        client.post(f"{path}/test", headers=stranger),
        client.get(f"{path}/deliveries", headers=stranger),
        client.post(f"{path}/deliveries/1/retry", headers=stranger),
        client.delete(path, headers=stranger),
    ]
    assert [answer.status_code for answer in answers] == [404] * len(answers)
    assert client.get("/webhooks", headers=stranger).get_json() == []
    assert client.get(path, headers=owner).get_json()["active"] is True


@pytest.mark.settings(**LOOPBACK, OKR_WEBHOOK_MAX_PER_USER=2)
def test_an_account_has_a_limited_number_of_webhooks(client, auth, receiver):
    _, _, headers = auth.user()
    register(client, headers, receiver)
    register(client, headers, receiver)
    third = client.post("/webhooks", headers=headers, json={"url": receiver.url(), "events": ["*"]})
    assert third.status_code == 409


def test_a_name_server_that_does_not_answer_costs_the_deadline_only(app, client, auth, monkeypatch):
    """A lookup left hanging by the name server (stood in for here) is given up at the deadline.

    Lookups given up on hold no other: a name that resolves still does, at once.
    """
    app.config.update(OKR_WEBHOOK_TIMEOUT_SECONDS=0.3, OKR_WEBHOOK_ALLOWED_NETWORKS="")
    _, _, headers = auth.user()
    answered = threading.Event()
    real = socket.getaddrinfo

    def hanging(host, *args, **kwargs):
        if host == "hanging.example":
            answered.wait(10)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", hanging)
    try:
        started = time.monotonic()
        body = {"url": "https://hanging.example/x", "events": ["*"]}
        hung = [client.post("/webhooks", headers=headers, json=body) for _ in range(6)]
        took = time.monotonic() - started
        body = {"url": "http://localhost:9/x", "events": ["*"]}
        resolved = client.post("/webhooks", headers=headers, json=body)
    finally:
        answered.set()
    for response in hung:
        assert response.status_code == 422
        assert "did not resolve in time" in response.get_json()["errors"]["json"]["url"][0]
    assert took < 5
    assert INTERNAL in resolved.get_json()["errors"]["json"]["url"][0]
