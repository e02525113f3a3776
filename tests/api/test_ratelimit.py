"""The per-user API rate limit (OKR_API_RATE_LIMIT)."""

import time

import pytest

from okr_app import create_app
from okr_app.extensions import db
from okr_app.models import AuditRow
from tests.conftest import PASSWORD, bearer, make_config


@pytest.mark.settings(OKR_API_RATE_LIMIT="5 per minute")
def test_each_user_has_a_budget_over_the_whole_api(client, auth):
    _, _, headers = auth.user("alice@example.com")
    # register and login spent two of the address's five; the user's own budget is fresh
    statuses = [client.get("/auth/me", headers=headers).status_code for _ in range(3)]
    statuses += [client.get("/audit", headers=headers).status_code for _ in range(2)]
    assert statuses == [200] * 5
    refused = client.get("/auth/me", headers=headers)
    assert refused.status_code == 429
    assert refused.get_json()["code"] == 429
    assert refused.get_json()["message"] == "5 per 1 minute"
    assert 0 < int(refused.headers["Retry-After"]) <= 60


@pytest.mark.settings(OKR_API_RATE_LIMIT="3 per minute")
def test_rate_limit_headers_are_sent_only_when_asked_for(client, auth):
    _, _, headers = auth.user()
    answered = client.get("/auth/me", headers=headers)
    assert answered.status_code == 200
    assert not [name for name, _ in answered.headers if name.startswith("X-RateLimit")]
    assert "Retry-After" not in answered.headers


@pytest.mark.settings(OKR_API_RATE_LIMIT="3 per minute", OKR_RATE_LIMIT_HEADERS=True)
def test_rate_limit_headers_when_enabled(client, auth):
    _, _, headers = auth.user()
    answered = client.get("/auth/me", headers=headers)
    assert answered.headers["X-RateLimit-Limit"] == "3"
    assert answered.headers["X-RateLimit-Remaining"] == "2"
    for _ in range(2):
        client.get("/auth/me", headers=headers)
    refused = client.get("/auth/me", headers=headers)
    assert refused.status_code == 429
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert int(refused.headers["X-RateLimit-Reset"]) - time.time() <= 61


@pytest.mark.settings(OKR_API_RATE_LIMIT="3 per minute")
def test_budgets_are_per_user_not_shared(client, auth):
    _, _, alice = auth.user("alice@example.com")
    for _ in range(3):
        client.get("/auth/me", headers=alice)
    assert client.get("/auth/me", headers=alice).status_code == 429
    elsewhere = {"REMOTE_ADDR": "10.1.1.1"}
    body = {"email": "bob@example.com", "password": PASSWORD}
    assert client.post("/auth/register", json=body, environ_base=elsewhere).status_code == 201
    login = client.post("/auth/login", json=body, environ_base=elsewhere)
    bob = bearer(login.get_json()["access_token"])
    assert client.get("/auth/me", headers=bob).status_code == 200
    assert client.get("/auth/me", headers=alice).status_code == 429


@pytest.mark.settings(OKR_API_RATE_LIMIT="3 per minute")
def test_a_refresh_token_spends_its_owners_budget_and_opens_nothing_else(client, auth):
    _, tokens, headers = auth.user()
    refresh = bearer(tokens["refresh_token"])
    # Valid for the budget's key, yet no access token: refused, and charged to the user.
    assert client.get("/auth/me", headers=refresh).status_code == 401
    assert client.get("/auth/me", headers=headers).status_code == 200
    assert client.post("/auth/refresh", headers=refresh).status_code == 200
    assert client.get("/auth/me", headers=headers).status_code == 429
    elsewhere = {"REMOTE_ADDR": "10.1.1.2"}
    assert client.get("/auth/me", headers=headers, environ_base=elsewhere).status_code == 429


@pytest.mark.settings(OKR_API_RATE_LIMIT="2 per minute")
def test_forged_tokens_spend_the_address_budget(app, client, auth):
    forged = bearer("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.bad")
    assert client.get("/auth/me", headers=forged).status_code == 401
    assert client.get("/auth/me", headers=forged).status_code == 401
    assert client.get("/auth/me", headers=forged).status_code == 429


@pytest.mark.settings(OKR_API_RATE_LIMIT="1 per minute")
def test_probes_and_docs_are_exempt(client):
    for _ in range(3):
        assert client.get("/health").status_code == 200
        assert client.get("/openapi.json").status_code == 200
        assert client.get("/docs").status_code == 200


def test_default_is_600_per_minute(app):
    assert app.config["OKR_API_RATE_LIMIT"] == "600 per minute"


@pytest.mark.settings(OKR_API_RATE_LIMIT="4 per minute")
def test_personal_tokens_spend_their_owners_budget(client, auth):
    _, _, headers = auth.user("alice@example.com")
    made = [
        client.post("/auth/tokens", headers=headers, json={"name": name, "scopes": ["read"]})
        for name in ("a", "b")
    ]
    first, second = (bearer(answer.get_json()["token"]) for answer in made)
    assert client.get("/auth/me", headers=first).status_code == 200
    assert client.get("/auth/me", headers=second).status_code == 200
    # Two token creations and two reads: the account's four are spent, whatever sends them.
    for sender in (first, second, headers):
        refused = client.get("/auth/me", headers=sender)
        assert refused.status_code == 429
        assert "Retry-After" in refused.headers
    elsewhere = {"REMOTE_ADDR": "10.2.2.2"}
    unknown = bearer("okr_pat_" + "B" * 48)
    assert client.get("/auth/me", headers=unknown, environ_base=elsewhere).status_code == 401


@pytest.mark.settings(OKR_API_RATE_LIMIT="3 per minute")
def test_a_revoked_sessions_token_spends_its_senders_address_budget(client, auth):
    _, tokens, headers = auth.user("owner@example.com")
    old_refresh = bearer(tokens["refresh_token"])
    assert client.post("/auth/logout", headers=headers).status_code in (200, 204)
    attacker = {"REMOTE_ADDR": "10.6.6.6"}
    statuses = [
        client.post("/auth/refresh", headers=old_refresh, environ_base=attacker).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]  # the attacker's address budget ran out
    # The owner logs in again from elsewhere: of their own budget only the logout is spent.
    elsewhere = {"REMOTE_ADDR": "10.1.1.1"}
    body = {"email": "owner@example.com", "password": PASSWORD}
    login = client.post("/auth/login", json=body, environ_base=elsewhere)
    fresh = bearer(login.get_json()["access_token"])
    assert [client.get("/auth/me", headers=fresh).status_code for _ in range(2)] == [200] * 2


def audit_rows(app):
    """Return the number of audit rows."""
    with app.app_context():
        return db.session.query(AuditRow).count()


@pytest.mark.settings(OKR_API_RATE_LIMIT="5 per minute")
def test_unknown_routes_and_wrong_methods_are_counted_and_not_audited(app, client):
    before = audit_rows(app)
    flood = {"REMOTE_ADDR": "10.9.9.9"}
    statuses = [client.post("/no-such-path", environ_base=flood).status_code for _ in range(3)]
    statuses += [client.delete("/objectives", environ_base=flood).status_code for _ in range(2)]
    assert statuses == [404, 404, 404, 405, 405]
    refused = client.post("/no-such-path", environ_base=flood)
    assert refused.status_code == 429
    assert refused.content_type == "application/json"
    assert client.post("/auth/register", json={}, environ_base=flood).status_code == 429
    assert audit_rows(app) == before
    # Other addresses keep their budget.
    assert client.post("/no-such-path").status_code == 404


@pytest.mark.settings(OKR_API_RATE_LIMIT="3 per minute")
def test_writes_refused_by_the_limit_write_no_row(app, client, auth):
    _, _, headers = auth.user()
    body = {"title": "Grow", "period": "2026-Q1"}
    assert [
        client.post("/objectives", json=body, headers=headers).status_code for _ in range(3)
    ] == [201] * 3
    before = audit_rows(app)
    assert client.post("/objectives", json=body, headers=headers).status_code == 429
    assert audit_rows(app) == before


@pytest.mark.settings(OKR_API_RATE_LIMIT="1 per minute", OKR_RATE_LIMIT_HEADERS=True)
def test_an_exempt_request_tells_no_budget_even_after_a_refusal(app, client):
    with app.app_context():  # one application context, so one ``g``, for every request
        assert client.post("/no-such-path").status_code == 404
        assert client.post("/no-such-path").status_code == 429
        health = client.get("/health")
    assert health.status_code == 200
    assert "Retry-After" not in health.headers
    assert not [name for name, _ in health.headers if name.startswith("X-RateLimit")]


@pytest.mark.settings(OKR_API_RATE_LIMIT="10 per minute; 3 per hour")
def test_every_limit_of_the_setting_is_spent(client, auth):
    _, _, headers = auth.user()
    assert [client.get("/auth/me", headers=headers).status_code for _ in range(3)] == [200] * 3
    refused = client.get("/auth/me", headers=headers)
    assert refused.status_code == 429
    assert refused.get_json()["message"] == "3 per 1 hour"
    assert int(refused.headers["Retry-After"]) > 60


@pytest.mark.settings(OKR_API_RATE_LIMIT="")
def test_an_empty_setting_is_no_limit(client, auth):
    _, _, headers = auth.user()
    assert {client.get("/auth/me", headers=headers).status_code for _ in range(30)} == {200}


def test_a_setting_that_is_no_limit_stops_the_app_at_once(tmp_path):
    config = make_config(f"sqlite:///{tmp_path}/bad.sqlite3", OKR_API_RATE_LIMIT="plenty")
    with pytest.raises(RuntimeError, match="OKR_API_RATE_LIMIT: 'plenty'"):
        create_app(config)
    # The per-address login throttle, read at every login, is checked at start too.
    config = make_config(f"sqlite:///{tmp_path}/bad.sqlite3", OKR_LOGIN_IP_LIMIT="bogus")
    with pytest.raises(RuntimeError, match="OKR_LOGIN_IP_LIMIT: 'bogus'"):
        create_app(config)


@pytest.mark.parametrize(
    "name",
    [
        "RATELIMIT_DEFAULT",
        "RATELIMIT_APPLICATION",
        "RATELIMIT_META",
        "RATELIMIT_IN_MEMORY_FALLBACK",
    ],
)
def test_flask_limiters_app_wide_limits_stop_the_app_rather_than_go_unchecked(tmp_path, name):
    config = make_config(f"sqlite:///{tmp_path}/bad.sqlite3", **{name: "100 per minute"})
    with pytest.raises(RuntimeError, match=f"{name} is not read"):
        create_app(config)


def test_with_the_database_down_a_personal_token_spends_its_addresss_budget(tmp_path):
    app = create_app(make_config(f"sqlite:///{tmp_path}/missing-dir/none.sqlite3"))
    client = app.test_client()
    token = bearer("okr_pat_" + "C" * 48)
    # The key falls back to the address; the request goes on to its own answer.
    assert client.post("/no-such-path", headers=token).status_code == 404
    assert client.get("/auth/me", headers=token).status_code == 503
