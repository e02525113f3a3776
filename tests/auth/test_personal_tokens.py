"""Personal access tokens: created once, listed without the secret, deleted, revoked."""

import base64
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import text
from sqlalchemy.engine import make_url

from okr_app.extensions import db
from okr_app.models import PersonalToken
from tests.conftest import BACKEND, bearer
from tests.factories import create_key_result, create_objective, create_token


def test_a_token_is_shown_once_and_listed_without_it(client, auth):
    _, _, headers = auth.user()
    response = client.post(
        "/auth/tokens", headers=headers, json={"name": " Home Assistant ", "scopes": ["read"]}
    )
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    created = response.get_json()
    token = created["token"]
    assert re.fullmatch(r"okr_pat_[A-Za-z0-9_-]{48}", token)
    # 36 random bytes: 288 bits, of which the 12-character prefix shows 24.
    assert len(base64.urlsafe_b64decode(token[8:] + "==")) == 36
    assert created["prefix"] == token[:12]
    assert (created["name"], created["scopes"], created["key_result_ids"]) == (
        "Home Assistant",
        ["read"],
        None,
    )
    assert (created["expires_at"], created["last_used_at"]) == (None, None)
    listed = client.get("/auth/tokens", headers=headers).get_json()
    assert listed == [{key: value for key, value in created.items() if key != "token"}]
    second = create_token(client, headers, name="n8n")
    assert second["token"] != token
    assert [item["name"] for item in client.get("/auth/tokens", headers=headers).get_json()] == [
        "n8n",
        "Home Assistant",
    ]


def test_a_token_is_created_from_what_the_listing_shows(client, auth):
    """Null expiry and key results, as listed, mean "never" and "all", as left out does."""
    _, _, headers = auth.user()
    body = {"name": "copy", "scopes": ["read"], "expires_at": None, "key_result_ids": None}
    response = client.post("/auth/tokens", headers=headers, json=body)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert (created["expires_at"], created["key_result_ids"]) == (None, None)


def test_a_token_acts_as_its_owner(client, auth):
    profile, _, headers = auth.user()
    token = create_token(client, headers)["token"]
    me = client.get("/auth/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.get_json()["id"] == profile["id"]


BAD_REQUESTS = [
    ({"scopes": ["read"]}, "name"),
    ({"name": " ", "scopes": ["read"]}, "name"),
    ({"name": "x" * 101, "scopes": ["read"]}, "name"),
    ({"name": "x"}, "scopes"),
    ({"name": "x", "scopes": []}, "scopes"),
    ({"name": "x", "scopes": ["read", "read"]}, "scopes"),
    ({"name": "x", "scopes": ["admin"]}, "scopes"),
    ({"name": "x", "scopes": ["read"], "key_result_ids": []}, "key_result_ids"),
    ({"name": "x", "scopes": ["read"], "expires_at": "2020-01-01T00:00:00Z"}, "expires_at"),
    ({"name": "x", "scopes": ["read"], "token": "okr_pat_mine"}, "token"),
]


def test_bad_token_requests_name_the_field(client, auth):
    _, _, headers = auth.user()
    for body, field in BAD_REQUESTS:
        response = client.post("/auth/tokens", headers=headers, json=body)
        assert response.status_code == 422, body
        names = {name.split(".")[0] for name in response.get_json()["errors"]["json"]}
        assert field in names, body
    assert client.get("/auth/tokens", headers=headers).get_json() == []


def test_a_token_may_only_be_restricted_to_own_key_results(client, auth):
    _, _, other = auth.user()
    theirs = create_key_result(client, other, create_objective(client, other)["id"])
    _, _, headers = auth.user()
    mine = create_key_result(client, headers, create_objective(client, headers)["id"])
    body = {"name": "x", "scopes": ["write"], "key_result_ids": [mine["id"], theirs["id"]]}
    response = client.post("/auth/tokens", headers=headers, json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["key_result_ids"]
    restricted = create_token(client, headers, key_result_ids=[mine["id"]])
    assert restricted["key_result_ids"] == [mine["id"]]


@pytest.mark.settings(OKR_PERSONAL_TOKEN_MAX_DAYS=30)
def test_expiry_lies_in_the_future_within_the_setting(client, auth):
    _, _, headers = auth.user()
    now = datetime.now(UTC)
    too_late = (now + timedelta(days=31)).isoformat()
    response = client.post(
        "/auth/tokens",
        headers=headers,
        json={"name": "x", "scopes": ["read"], "expires_at": too_late},
    )
    assert response.status_code == 422
    assert "30 days" in response.get_json()["errors"]["json"]["expires_at"][0]
    fine = (now + timedelta(days=29)).isoformat()
    token = create_token(client, headers, expires_at=fine)
    assert datetime.fromisoformat(token["expires_at"]) == datetime.fromisoformat(fine)


def test_expired_deleted_and_unknown_tokens_get_a_json_401(client, auth):
    _, _, headers = auth.user()
    soon = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    expiring = create_token(client, headers, expires_at=soon)["token"]
    deleted = create_token(client, headers)
    assert client.get("/auth/me", headers=bearer(expiring)).status_code == 200
    assert client.delete(f"/auth/tokens/{deleted['id']}", headers=headers).status_code == 204
    refusals = [client.get("/auth/me", headers=bearer(deleted["token"]))]
    refusals.append(client.get("/auth/me", headers=bearer("okr_pat_" + "A" * 48)))
    with time_machine.travel(datetime.now(UTC) + timedelta(days=2)):
        refusals.append(client.get("/auth/me", headers=bearer(expiring)))
    for response in refusals:
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert set(response.get_json()) == {"code", "status", "message"}
    assert "expired" in refusals[-1].get_json()["message"]
    assert client.delete(f"/auth/tokens/{deleted['id']}", headers=headers).status_code == 404


def test_another_users_token_answers_404(client, auth):
    _, _, owner = auth.user()
    token = create_token(client, owner)
    _, _, intruder = auth.user()
    assert client.delete(f"/auth/tokens/{token['id']}", headers=intruder).status_code == 404
    assert client.get("/auth/tokens", headers=intruder).get_json() == []
    assert client.get("/auth/me", headers=bearer(token["token"])).status_code == 200


def test_creating_and_deleting_are_audited_and_rows_carry_the_token(client, auth):
    _, _, headers = auth.user()
    token = create_token(client, headers, name="n8n")
    objective = client.post(
        "/objectives", headers=bearer(token["token"]), json={"title": "Run", "period": "2026"}
    )
    assert objective.status_code == 201
    assert client.delete(f"/auth/tokens/{token['id']}", headers=headers).status_code == 204
    rows = client.get("/audit", headers=headers).get_json()
    deleted, made_with_token, created = rows[0], rows[1], rows[2]
    assert (deleted["action"], deleted["resource_id"]) == ("auth.token.revoked", str(token["id"]))
    assert deleted["details"]["deleted"]["name"] == "n8n"
    assert (made_with_token["action"], made_with_token["token_id"]) == (
        "objective.created",
        token["id"],
    )
    assert (created["action"], created["resource_type"]) == ("auth.token.created", "personal_token")
    assert created["details"]["scopes"] == ["read", "write"]
    assert deleted["token_id"] is None and created["token_id"] is None


def test_last_used_at_is_kept_to_the_minute(app, client, auth):
    _, _, headers = auth.user()
    token = create_token(client, headers)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)

    def last_used():
        return client.get("/auth/tokens", headers=headers).get_json()[0]["last_used_at"]

    with time_machine.travel(start, tick=False) as clock:
        assert client.get("/auth/me", headers=bearer(token["token"])).status_code == 200
        first = last_used()
        assert datetime.fromisoformat(first) == start
        clock.shift(timedelta(seconds=50))
        client.get("/auth/me", headers=bearer(token["token"]))
        assert last_used() == first
        clock.shift(timedelta(seconds=20))
        client.get("/auth/me", headers=bearer(token["token"]))
        assert datetime.fromisoformat(last_used()) == start + timedelta(seconds=70)


def test_an_account_holds_at_most_100_tokens(app, client, auth):
    profile, _, headers = auth.user()
    with app.app_context():
        db.session.add_all(
            PersonalToken(
                user_id=profile["id"],
                name=f"t{number}",
                prefix="okr_pat_xxxx",
                secret_hash=f"{number:064x}",
                scopes=["read"],
            )
            for number in range(99)
        )
        db.session.commit()
    create_token(client, headers)
    refused = client.post("/auth/tokens", headers=headers, json={"name": "x", "scopes": ["read"]})
    assert refused.status_code == 409


def database_text(app):
    """Return every value stored in the database as text, and the SQLite files' bytes."""
    parts = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(table.select()):
                parts.append(repr(tuple(row)))
        if BACKEND == "postgresql":
            dump = db.session.execute(
                text("SELECT string_agg(row_to_json(t)::text, ' ') FROM personal_tokens t")
            ).scalar()
            parts.append(dump or "")
    if BACKEND == "sqlite":
        # The file, its write-ahead log and the log's index: a token in a freed page too.
        database = Path(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
        files = list(database.parent.glob(database.name + "*"))
        assert database in files
        parts.extend(path.read_bytes().decode("latin-1") for path in files)
    return "\n".join(parts)


def test_the_token_is_nowhere_in_the_database(app, client, auth):
    _, _, headers = auth.user()
    created = create_token(client, headers)
    token = created["token"]
    assert client.get("/auth/me", headers=bearer(token)).status_code == 200
    objective = {"title": "Automated", "period": "2026"}
    assert client.post("/objectives", headers=bearer(token), json=objective).status_code == 201
    stored = database_text(app)
    assert created["prefix"] in stored  # the search does see the tokens' rows
    assert token not in stored
    assert token[len(created["prefix"]) :] not in stored


def test_an_id_beyond_the_database_is_404(client, auth):
    _, _, headers = auth.user()
    response = client.delete("/auth/tokens/916240403846215013236736", headers=headers)
    assert response.status_code == 404
    assert response.get_json()["message"] == "No such token."
