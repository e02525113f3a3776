"""The rules a generated client relies on: strict types, required bodies, rounding, dates."""

import pytest
from marshmallow import ValidationError

from okr_app.webhooks.schemas import WebhookPatchSchema
from tests.factories import check_in, create_key_result, create_objective


@pytest.fixture
def owner(client, auth):
    """A user with an objective of 2026-Q1 and a key result from 0 to 30."""
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"], target_value=30)
    return headers, objective, key_result


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"value": "42"}, "value"),
        ({"value": True}, "value"),
        ({"progress": "40"}, "progress"),
        ({"value": 4, "confidence": "0.5"}, "confidence"),
    ],
)
def test_a_string_or_boolean_for_a_number_is_422(client, owner, body, field):
    headers, _, key_result = owner
    response = check_in(client, headers, key_result["id"], **body)
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"][field] == ["Not a valid number."]


def test_a_string_for_a_boolean_is_422_in_a_body_not_in_a_query(client, owner):
    headers, objective, _ = owner
    with pytest.raises(ValidationError) as refused:
        WebhookPatchSchema().load({"active": "yes"})
    assert refused.value.messages == {"active": ["Not a valid boolean."]}
    assert WebhookPatchSchema().load({"active": False}) == {"active": False}
    copied = client.post(
        f"/objectives/{objective['id']}/copy?carry_values=true",
        headers=headers,
        json={"period": "2026-Q2"},
    )
    assert copied.status_code == 201  # a query string is text: read as it always was


def test_a_repeated_scalar_query_parameter_is_422(client, owner):
    headers, _, _ = owner
    response = client.get("/objectives?page_size=5&page_size=6", headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"query": {"page_size": ["Give this parameter once."]}}
    assert client.get("/objectives?page_size=5", headers=headers).status_code == 200


@pytest.mark.parametrize("method", ["PATCH", "PUT", "POST"])
def test_a_write_without_its_body_is_422(client, owner, method):
    headers, objective, _ = owner
    path = f"/objectives/{objective['id']}" if method != "POST" else "/objectives"
    response = client.open(path, method=method, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"json": {"_schema": ["A JSON body is required."]}}


def test_invalid_json_is_400_in_the_error_shape(client, owner):
    headers, _, _ = owner
    response = client.post(
        "/objectives", headers=headers, data="{oops", content_type="application/json"
    )
    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == 400 and body["status"] == "Bad Request" and body["message"]
    assert body["errors"] == {"json": {"_schema": ["Invalid JSON body."]}}


def test_computed_numbers_are_rounded_to_two_decimals(client, owner):
    headers, objective, key_result = owner
    first = check_in(client, headers, key_result["id"], value=12, at="2026-01-01T00:00:00Z")
    assert first.status_code == 201
    answer = check_in(client, headers, key_result["id"], value=13, at="2026-01-04T00:00:00Z")
    progress = answer.get_json()["key_result"]["progress"]
    assert progress == 43.33  # 13 / 30 = 43.333...
    forecast = answer.get_json()["key_result"]["forecast"]
    for name in ("projected_value", "projected_progress", "trend_per_day"):
        assert forecast[name] == round(forecast[name], 2), name
    assert forecast["trend_per_day"] == 0.33
    fetched = client.get(f"/objectives/{objective['id']}", headers=headers).get_json()
    assert fetched["progress"] == 43.33


def test_a_check_in_before_the_period_is_422_after_its_end_is_allowed(client, owner):
    headers, _, key_result = owner
    early = check_in(client, headers, key_result["id"], value=1, at="2025-12-31T23:59:59Z")
    assert early.status_code == 422
    assert early.get_json()["errors"]["json"]["at"] == [
        "The objective's period starts on 2026-01-01: no check-in before."
    ]
    late = check_in(client, headers, key_result["id"], value=2, at="2026-05-02T09:00:00Z")
    assert late.status_code == 201


def test_a_carried_value_is_dated_at_the_new_period_start(client, owner):
    headers, objective, key_result = owner
    check_in(client, headers, key_result["id"], value=6, at="2026-02-01T00:00:00Z")
    copy = client.post(
        f"/objectives/{objective['id']}/copy?carry_values=true",
        headers=headers,
        json={"period": "2025-Q4"},
    ).get_json()
    carried = copy["key_results"][0]
    history = client.get(f"/key-results/{carried['id']}/check-ins", headers=headers).get_json()
    assert [(item["at"], item["value"]) for item in history] == [("2025-10-01T00:00:00+00:00", 6.0)]


def test_a_date_alone_as_until_includes_that_whole_day(client, owner):
    headers, _, key_result = owner
    for at in ("2026-02-24T09:00:00Z", "2026-02-25T09:00:00Z", "2026-02-26T00:00:00Z"):
        assert check_in(client, headers, key_result["id"], value=1, at=at).status_code == 201
    path = f"/key-results/{key_result['id']}/check-ins?since=2026-02-25&until=2026-02-25"
    listed = client.get(path, headers=headers).get_json()
    assert [item["at"] for item in listed] == ["2026-02-25T09:00:00+00:00"]
    audit = client.get("/audit?until=2999-12-31", headers=headers)
    assert audit.status_code == 200 and audit.get_json()
