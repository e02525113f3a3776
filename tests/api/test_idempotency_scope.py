"""Whose an Idempotency-Key is (a user, a restricted token, an address), and what never replays."""

import pytest

from okr_app.models import CheckIn, IdempotencyKey, Objective, User
from tests.api.test_idempotency import KEY, OBJECTIVE, count
from tests.conftest import PASSWORD, bearer
from tests.factories import create_key_result, create_objective, create_token


def test_keys_belong_to_their_user(app, client, auth):
    _, _, alice = auth.user()
    _, _, bob = auth.user()
    first = client.post("/objectives", headers={**alice, **KEY}, json=OBJECTIVE)
    second = client.post("/objectives", headers={**bob, **KEY}, json={**OBJECTIVE, "title": "B"})
    assert (first.status_code, second.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in second.headers
    assert count(app, Objective) == 2


def test_a_token_restricted_to_key_results_replays_only_its_own_answers(app, client, auth):
    """Another token's answer under the same key stays out of reach: the view refuses."""
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    mine, other = (create_key_result(client, headers, objective["id"]) for _ in range(2))
    restricted = bearer(create_token(client, headers, key_result_ids=[mine["id"]])["token"])
    elsewhere = {"check_ins": [{"key_result_id": other["id"], "value": 7, "note": "private"}]}
    assert client.post("/check-ins", headers={**headers, **KEY}, json=elsewhere).status_code == 201
    refused = client.post("/check-ins", headers={**restricted, **KEY}, json=elsewhere)
    assert refused.status_code == 403
    assert "private" not in refused.get_data(as_text=True)
    # Its own keys replay as anyone's do.
    own = {"check_ins": [{"key_result_id": mine["id"], "value": 3}]}
    token_key = {**restricted, "Idempotency-Key": "nightly"}
    first = client.post("/check-ins", headers=token_key, json=own)
    again = client.post("/check-ins", headers=token_key, json=own)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(app, CheckIn) == 2


def test_a_logout_is_never_answered_from_another_sessions_key(client, auth):
    """Each session's logout ends that session, whatever key it carries."""
    profile, _, first = auth.user()
    second = bearer(auth.login(profile["email"]).get_json()["access_token"])
    for headers in (first, second):
        answer = client.post("/auth/logout", headers={**headers, **KEY})
        assert answer.status_code == 204
        assert "Idempotent-Replayed" not in answer.headers
        assert client.get("/auth/me", headers=headers).status_code == 401


def test_registration_keys_belong_to_the_client_address(app, client):
    body = {"email": "ada@example.com", "password": PASSWORD}
    here, there = {"REMOTE_ADDR": "10.0.0.1"}, {"REMOTE_ADDR": "10.0.0.2"}
    first = client.post("/auth/register", headers=KEY, json=body, environ_base=here)
    again = client.post("/auth/register", headers=KEY, json=body, environ_base=here)
    elsewhere = client.post("/auth/register", headers=KEY, json=body, environ_base=there)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert elsewhere.status_code == 409  # not a replay: the address has no such key
    assert count(app, User) == 1


def test_answers_holding_credentials_are_never_kept(app, client, auth):
    profile = auth.register().get_json()
    body = {"email": profile["email"], "password": PASSWORD}
    first = client.post("/auth/login", headers=KEY, json=body)
    second = client.post("/auth/login", headers=KEY, json=body)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.get_json()["access_token"] != second.get_json()["access_token"]
    assert "Idempotent-Replayed" not in second.headers
    assert count(app, IdempotencyKey, IdempotencyKey.key == KEY["Idempotency-Key"]) == 0


@pytest.mark.settings(OKR_WEBHOOK_ALLOW_HTTP=True, OKR_WEBHOOK_ALLOWED_NETWORKS="127.0.0.0/8")
def test_answers_holding_secrets_are_never_kept(app, client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    hook = client.post(
        "/webhooks", headers=headers, json={"url": "http://127.0.0.1:9/", "events": ["*"]}
    ).get_json()
    writes = [
        ("/calendar/feed", None, "url"),
        (f"/objectives/{objective['id']}/share", {}, "url"),
        ("/webhooks", {"url": "http://127.0.0.1:9/b", "events": ["*"]}, "secret"),
        (f"/webhooks/{hook['id']}/rotate-secret", None, "secret"),
    ]
    for number, (path, body, secret) in enumerate(writes):
        key = {**headers, "Idempotency-Key": f"secret-{number}"}
        first, second = (client.post(path, headers=key, json=body) for _ in range(2))
        assert (first.status_code, second.status_code) in ((201, 201), (200, 200)), path
        assert first.get_json()[secret] != second.get_json()[secret], path
        assert "Idempotent-Replayed" not in second.headers
        assert count(app, IdempotencyKey, IdempotencyKey.key == f"secret-{number}") == 0
