"""GET /audit: who sees which rows, filters and pagination."""

import json
from datetime import UTC, datetime, timedelta

from tests.admin.conftest import make_admin


def actions(response):
    """Return the actions of a listing response."""
    assert response.status_code == 200, response.get_json()
    return [row["action"] for row in response.get_json()]


def test_users_see_only_their_own_rows(client, auth):
    alice, _, alice_headers = auth.user("alice@example.com")
    bob, _, bob_headers = auth.user("bob@example.com")
    auth.login("bob@example.com", "wrong password here")
    alice_rows = client.get("/audit", headers=alice_headers).get_json()
    assert alice_rows
    assert all(alice["id"] in (row["actor_id"], row["owner_id"]) for row in alice_rows)
    assert actions(client.get("/audit", headers=alice_headers)) == [
        "auth.login.succeeded",
        "auth.registered",
    ]
    bob_actions = actions(client.get("/audit", headers=bob_headers))
    assert "auth.login.succeeded" in bob_actions
    bob_rows = client.get("/audit", headers=bob_headers).get_json()
    assert all(alice["id"] not in (row["actor_id"], row["owner_id"]) for row in bob_rows)
    assert any(row["action"] == "auth.login.failed" for row in bob_rows)
    assert bob["id"] != alice["id"]


def test_a_login_sent_with_a_token_is_not_its_senders_act(client, auth):
    """Failed logins carrying the sender's own token stay nobody's rows (the web: test_accounts).

    Otherwise the sender read them in GET /audit, and with them whether an e-mail has an
    account (and its id).
    """
    auth.user("victim@example.com")
    mallory, _, headers = auth.user("mallory@example.com")
    wrong = "not the right password"
    for email in ("victim@example.com", "nobody@example.com"):
        body = {"email": email, "password": wrong}
        assert client.post("/auth/login", headers=headers, json=body).status_code == 401
    rows = client.get("/audit?page_size=100", headers=headers).get_json()
    assert [row["action"] for row in rows if row["action"].startswith("auth.login.failed")] == []
    assert all(row["owner_id"] == mallory["id"] for row in rows)
    registered = client.post(
        "/auth/register", headers=headers, json={"email": "new@example.com", "password": wrong}
    )
    assert registered.status_code == 201
    rows = client.get("/audit?page_size=100", headers=headers).get_json()
    assert all(row["owner_id"] == mallory["id"] for row in rows)


def test_rows_are_newest_first_with_every_field(client, auth):
    _, _, headers = auth.user()
    rows = client.get("/audit", headers=headers).get_json()
    assert [row["id"] for row in rows] == sorted((row["id"] for row in rows), reverse=True)
    assert set(rows[0]) == {
        "id",
        "chain_key",
        "seq",
        "at",
        "actor_id",
        "owner_id",
        "action",
        "resource_type",
        "resource_id",
        "outcome",
        "status_code",
        "method",
        "path",
        "ip",
        "user_agent",
        "request_id",
        "token_id",
        "details",
        "prev_hash",
        "hash",
    }
    assert rows[0]["ip"] == "127.0.0.1"
    assert rows[0]["at"].endswith("+00:00")
    assert rows[0]["token_id"] is None


def test_request_id_of_the_row_is_the_one_returned(client, auth):
    auth.register("alice@example.com")
    response = auth.login("alice@example.com")
    headers = {"Authorization": f"Bearer {response.get_json()['access_token']}"}
    newest = client.get("/audit", headers=headers).get_json()[0]
    assert newest["request_id"] == response.headers["X-Request-ID"]


def test_filters(client, auth):
    _, _, headers = auth.user("alice@example.com")
    client.post("/auth/logout", headers=headers)
    tokens = auth.login("alice@example.com").get_json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert actions(client.get("/audit?action=auth.login", headers=headers)) == [
        "auth.login.succeeded",
        "auth.login.succeeded",
    ]
    assert actions(client.get("/audit?action=auth.logout", headers=headers)) == ["auth.logout"]
    # A prefix of the action as written, on SQLite (whose LIKE ignores case) as on PostgreSQL.
    assert actions(client.get("/audit?action=AUTH.", headers=headers)) == []
    assert actions(client.get("/audit?outcome=denied", headers=headers)) == []
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert actions(client.get("/audit", headers=headers, query_string={"since": future})) == []
    assert actions(client.get("/audit", headers=headers, query_string={"until": future}))
    assert client.get("/audit?outcome=maybe", headers=headers).status_code == 422
    # A window ending before it starts is refused, as the check-ins' and calibration's are.
    inverted = client.get(
        "/audit", headers=headers, query_string={"since": future, "until": "2026-01-01"}
    )
    assert inverted.status_code == 422
    assert inverted.get_json()["errors"]["query"]["until"] == ["Must not be earlier than since."]


def test_pagination_header(client, auth):
    _, _, headers = auth.user()
    for _ in range(3):
        auth.login("nobody@example.com", "x")
    response = client.get("/audit?page_size=1", headers=headers)
    assert len(response.get_json()) == 1
    assert json.loads(response.headers["X-Pagination"])["total"] == 2


def test_admin_sees_all_and_filters_by_user(app, client, auth):
    alice, _, _ = auth.user("alice@example.com")
    auth.user("bob@example.com")
    _, admin_headers = make_admin(app, auth, "root@example.com")
    everything = client.get("/audit?page_size=100", headers=admin_headers).get_json()
    assert {row["actor_id"] for row in everything} >= {alice["id"]}
    only_alice = client.get(f"/audit?user_id={alice['id']}", headers=admin_headers).get_json()
    assert only_alice
    assert all(alice["id"] in (row["actor_id"], row["owner_id"]) for row in only_alice)


def test_users_cannot_filter_by_another_user(client, auth):
    alice, _, _ = auth.user("alice@example.com")
    _, _, bob_headers = auth.user("bob@example.com")
    assert client.get(f"/audit?user_id={alice['id']}", headers=bob_headers).status_code == 403


def test_the_trail_is_read_only(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/audit"):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}


def test_requires_a_token(client):
    assert client.get("/audit").status_code == 401
