"""Hostile input: every attempt gets its exact refusal and leaves the database unchanged."""

import json

import pytest
from sqlalchemy import select

from okr_app.extensions import db
from okr_app.models import CheckIn, KeyResult, Objective, User
from tests.factories import create_key_result, create_objective, raw_json

DATA = (User, Objective, KeyResult, CheckIn)


def snapshot(app):
    """Return every row of the data tables (the audit trail grows by design)."""
    with app.app_context():
        return {
            model.__tablename__: sorted(
                tuple(str(getattr(row, column.key)) for column in model.__table__.columns)
                for row in db.session.scalars(select(model))
            )
            for model in DATA
        }


@pytest.fixture
def owner(client, auth):
    """A user with one objective and one key result: ``(headers, objective, key_result)``."""
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    return headers, objective, create_key_result(client, headers, objective["id"])


def refused(app, send, status):
    """Send a request and assert its status, its JSON error and an unchanged database."""
    before = snapshot(app)
    response = send()
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    assert response.get_json()["code"] == status
    assert snapshot(app) == before
    return response.get_json()


def test_malformed_json(app, client, owner):
    headers, _, _ = owner
    for text in ('{"title": ', "{'title': 'x'}", '{"title": "x",}', "\x00", ""):
        refused(
            app,
            lambda text=text: raw_json(client, "POST", "/objectives", headers, text),
            400 if text else 422,
        )


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/xml"],
)
def test_wrong_content_types(app, client, owner, content_type):
    headers, _, _ = owner
    body = json.dumps({"title": "x", "period": "2026"})
    refused(
        app,
        lambda: client.post("/objectives", data=body, headers=headers, content_type=content_type),
        415,
    )


def test_huge_body(app, client, owner):
    headers, _, _ = owner
    body = {"title": "x", "period": "2026", "description": "d" * 70_000}
    refused(app, lambda: client.post("/objectives", json=body, headers=headers), 413)


@pytest.mark.parametrize("depth", [2_000, 30_000])
def test_deeply_nested_body(app, client, owner, depth):
    headers, _, _ = owner
    text = '{"title": ' + "[" * depth + "]" * depth + ', "period": "2026"}'
    status = 413 if len(text) > 64 * 1024 else 400
    refused(app, lambda: raw_json(client, "POST", "/objectives", headers, text), status)


@pytest.mark.parametrize(
    "literal", ["1e400", "-1e400", "9" * 400, "NaN", "Infinity", "-Infinity", "1e16", "-1e16"]
)
def test_huge_and_special_numbers_name_the_field(app, client, owner, literal):
    headers, objective, _ = owner
    text = (
        f'{{"objective_id": {objective["id"]}, "title": "x", "metric": "m", '
        f'"target_value": {literal}}}'
    )
    body = refused(app, lambda: raw_json(client, "POST", "/key-results", headers, text), 422)
    assert "target_value" in body["errors"]["json"]


def test_huge_integers_in_ids(app, client, owner):
    headers, _, _ = owner
    for path in (
        "/objectives/99999999999999999999",
        "/key-results/9223372036854775808",
        "/objectives/2147483648",
    ):
        refused(app, lambda path=path: client.get(path, headers=headers), 404)
        refused(app, lambda path=path: client.delete(path, headers=headers), 404)
    body = {"objective_id": 2**63, "title": "x", "metric": "m"}
    refused(app, lambda: client.post("/key-results", json=body, headers=headers), 422)


@pytest.mark.parametrize(
    "path", ["/objectives/-1", "/objectives/abc", "/objectives/1.5", "/key-results/0x10"]
)
def test_path_parameters_out_of_range(app, client, owner, path):
    headers, _, _ = owner
    refused(app, lambda: client.patch(path, json={"title": "x"}, headers=headers), 404)


def test_nul_characters_are_refused_everywhere(app, client, owner, auth):
    headers, objective, _ = owner
    body = refused(
        app,
        lambda: client.post(
            "/objectives", json={"title": "a\x00b", "period": "2026"}, headers=headers
        ),
        422,
    )
    assert body["errors"]["json"]["title"] == ["NUL characters are not allowed."]
    refused(app, lambda: client.get("/objectives?q=a%00b", headers=headers), 422)
    refused(app, lambda: client.get("/audit?action=auth%00", headers=headers), 422)
    refused(app, lambda: auth.login("a\x00@example.com", "x"), 422)
    refused(
        app,
        lambda: client.patch(
            f"/objectives/{objective['id']}", json={"description": "\x00"}, headers=headers
        ),
        422,
    )


def test_invalid_utf8_is_400(app, client, owner):
    headers, _, _ = owner
    data = b'{"title": "\xff\xfe", "period": "2026"}'
    refused(
        app,
        lambda: client.post(
            "/objectives", data=data, headers=headers, content_type="application/json"
        ),
        400,
    )


@pytest.mark.parametrize(
    "text",
    [
        "'; DROP TABLE objectives; --",
        "1 OR 1=1",
        "<script>alert(document.cookie)</script>",
        '<img src=x onerror="alert(1)">',
        "%' OR title LIKE '%",
        "control \x07\x1b\x7f characters and \u202e right-to-left",
    ],
)
def test_injection_strings_are_stored_and_returned_verbatim(app, client, owner, text):
    headers, objective, _ = owner
    response = client.patch(
        f"/objectives/{objective['id']}", json={"description": text}, headers=headers
    )
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert (
        client.get(f"/objectives/{objective['id']}", headers=headers).get_json()["description"]
        == text
    )
    found = client.get("/objectives", query_string={"q": text}, headers=headers)
    assert found.status_code == 200
    assert found.get_json() == []
    with app.app_context():
        assert db.session.get(Objective, objective["id"]).description == text
        assert db.session.scalar(select(Objective.id).limit(1)) is not None  # table still there


def test_owner_and_server_fields_in_bodies_are_refused(app, client, owner, auth):
    headers, objective, key_result = owner
    other, _, _ = auth.user()
    for field, value in [
        ("user_id", other["id"]),
        ("id", 999),
        ("progress", 50),
        ("created_at", "2020-01-01T00:00:00Z"),
        ("version", 7),
        ("owner", other["id"]),
        ("start_date", "2026-01-01"),
    ]:
        for method, path in [("POST", "/objectives"), ("PATCH", f"/objectives/{objective['id']}")]:
            body = {"title": "x", "period": "2026", field: value}
            response = refused(
                app,
                lambda method=method, path=path, body=body: client.open(
                    path, method=method, json=body, headers=headers
                ),
                422,
            )
            assert field in response["errors"]["json"]
    body = refused(
        app,
        lambda: client.patch(
            f"/key-results/{key_result['id']}", json={"user_id": other["id"]}, headers=headers
        ),
        422,
    )
    assert "user_id" in body["errors"]["json"]


def test_pagination_limits(app, client, owner):
    headers, _, _ = owner
    for query in ("page_size=101", "page_size=0", "page=0", "page=-1", "page_size=abc"):
        refused(app, lambda query=query: client.get(f"/objectives?{query}", headers=headers), 422)
    assert client.get("/objectives?page_size=100", headers=headers).status_code == 200
    far = client.get("/objectives?page=1000000", headers=headers)
    assert far.status_code == 200
    assert far.get_json() == []
