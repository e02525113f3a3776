"""Personal access tokens on every route: scopes, restrictions, and revocation everywhere."""

import pytest

from okr_app import create_app
from tests.conftest import AuthActions, bearer, make_config
from tests.factories import check_in, create_key_result, create_objective, create_token
from tests.webhooks.conftest import LOOPBACK

WRITES = {"post", "put", "patch", "delete"}
#: The operations a token restricted to key results may call, for those key results.
KEY_RESULT_OPERATIONS = {
    ("get", "/key-results/{key_result_id}"),
    ("get", "/key-results/{key_result_id}/check-ins"),
    ("post", "/key-results/{key_result_id}/check-ins"),
    ("post", "/check-ins"),
}

#: The writes that open a way to read the account: a token needs ``read`` for them too.
OPENS_READS = {
    ("post", "/calendar/feed"),
    ("post", "/objectives/{objective_id}/share"),
    ("post", "/webhooks"),
    ("patch", "/webhooks/{webhook_id}"),
}


@pytest.fixture
def world(app, client, auth):
    """A user with an objective and two key results, and the ids to fill paths with."""
    profile, _, headers = auth.user()
    objective = create_objective(client, headers)
    mine = create_key_result(client, headers, objective["id"])
    other = create_key_result(client, headers, objective["id"])
    check_in(client, headers, mine["id"], value=5)
    app.config.update(LOOPBACK)
    hook = {"url": "http://127.0.0.1:9/okr", "events": ["*"]}
    webhook = client.post("/webhooks", headers=headers, json=hook)
    assert webhook.status_code == 201, webhook.get_json()
    return {
        "headers": headers,
        "objective_id": objective["id"],
        "key_result_id": mine["id"],
        "other_key_result_id": other["id"],
        "token_id": 1,
        "delivery_id": 1,
        "user_id": profile["id"],
        "webhook_id": webhook.get_json()["id"],
        "share_id": 1,
    }


def secured_operations(client):
    """Yield ``(method, path template, operation)`` of every operation needing a token."""
    for template, operations in client.get("/openapi.json").get_json()["paths"].items():
        for method, operation in operations.items():
            if method != "parameters" and operation.get("security"):
                yield method, template, operation


def filled(template, ids, key_result_id=None):
    """Return ``template`` with its ids, the key result's being ``key_result_id`` if given."""
    values = {**ids, "key_result_id": key_result_id or ids["key_result_id"], "entity": "objectives"}
    for name in (
        "entity",
        "objective_id",
        "key_result_id",
        "token_id",
        "user_id",
        "webhook_id",
        "delivery_id",
        "share_id",
    ):
        template = template.replace("{" + name + "}", str(values[name]))
    assert "{" not in template, template
    return template


def test_every_operation_declares_its_scope_and_writes_take_a_key(client):
    operations = list(secured_operations(client))
    assert len(operations) >= 25
    for method, template, operation in operations:
        schemes = {name for requirement in operation["security"] for name in requirement}
        if "personalToken" in schemes:
            expected = ["write"] if method in WRITES else ["read"]
            if (method, template) in OPENS_READS:
                expected = ["read", "write"]
            assert operation["x-token-scopes"] == expected, (method, template)
            assert "403" in operation["responses"]
        else:
            assert "refused" in operation["description"], (method, template)
        headers = [item["name"] for item in operation.get("parameters", [])]
        assert ("Idempotency-Key" in headers) == (method in WRITES), (method, template)


def test_a_read_only_token_is_refused_on_every_write(client, world):
    token = bearer(create_token(client, world["headers"], scopes=["read"])["token"])
    writes = [
        (method, template) for method, template, _ in secured_operations(client) if method in WRITES
    ]
    assert len(writes) >= 15
    for method, template in writes:
        response = client.open(filled(template, world), method=method, headers=token, json={})
        assert response.status_code == 403, (method, template, response.get_json())
    assert client.get(f"/key-results/{world['key_result_id']}", headers=token).status_code == 200
    history = client.get(f"/key-results/{world['key_result_id']}/check-ins", headers=token)
    assert [item["value"] for item in history.get_json()] == [5]


def test_a_write_only_token_may_not_read(client, world):
    token = bearer(create_token(client, world["headers"], scopes=["write"])["token"])
    reads = [(m, t) for m, t, _ in secured_operations(client) if m == "get"]
    for method, template in reads:
        response = client.open(filled(template, world), method=method, headers=token)
        assert response.status_code == 403, (method, template)
    path = f"/key-results/{world['key_result_id']}/check-ins"
    assert client.post(path, headers=token, json={"delta": 1}).get_json()["value"] == 6
    # Nor make a way to read: a feed, a share link, a webhook.
    for method, template in OPENS_READS:
        body = {"url": "http://127.0.0.1:9/other", "events": ["*"]} if "webhook" in template else {}
        response = client.open(filled(template, world), method=method, headers=token, json=body)
        assert response.status_code == 403, (method, template)
        assert response.get_json()["message"] == "This token lacks the read scope."
    both = bearer(create_token(client, world["headers"], scopes=["read", "write"])["token"])
    assert client.post("/calendar/feed", headers=both).status_code == 201


def test_a_restricted_token_is_refused_outside_its_key_results(client, world):
    created = create_token(client, world["headers"], key_result_ids=[world["key_result_id"]])
    token = bearer(created["token"])
    other = world["other_key_result_id"]
    bodies = {
        ("post", "/key-results/{key_result_id}/check-ins"): {"value": 7},
        ("post", "/check-ins"): {"check_ins": [{"key_result_id": other, "value": 7}]},
    }
    for method, template, _ in secured_operations(client):
        body = bodies.get((method, template), {} if method in WRITES else None)
        response = client.open(
            filled(template, world, other), method=method, headers=token, json=body
        )
        assert response.status_code == 403, (method, template, response.get_json())
    for method, template in sorted(KEY_RESULT_OPERATIONS):
        body = bodies.get((method, template))
        if template == "/check-ins":
            body = {"check_ins": [{"key_result_id": world["key_result_id"], "value": 8}]}
        response = client.open(filled(template, world), method=method, headers=token, json=body)
        assert response.status_code in (200, 201), (method, template, response.get_json())
    history = client.get(f"/key-results/{world['key_result_id']}/check-ins", headers=token)
    sources = {item["value"]: item["source"] for item in history.get_json()}
    assert sources == {5: None, 7: "cron", 8: "cron"}


@pytest.mark.concurrent
def test_a_revoked_token_is_refused_by_another_instance_at_once(app, client):
    other = create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"]))
    elsewhere = other.test_client()
    _, _, headers = AuthActions(client).user()
    first, second = (create_token(client, headers, name=name) for name in ("a", "b"))
    for created in (first, second):
        assert elsewhere.get("/auth/me", headers=bearer(created["token"])).status_code == 200
    assert client.delete(f"/auth/tokens/{first['id']}", headers=headers).status_code == 204
    assert elsewhere.get("/auth/me", headers=bearer(first["token"])).status_code == 401
    assert elsewhere.get("/auth/me", headers=bearer(second["token"])).status_code == 200
    changed = client.post(
        "/auth/change-password",
        headers=headers,
        json={"current_password": "a perfectly long passphrase", "new_password": "x" * 20},
    )
    assert changed.status_code == 200
    assert elsewhere.get("/auth/me", headers=bearer(second["token"])).status_code == 401
    with other.app_context():
        from okr_app.extensions import db

        db.engine.dispose()
