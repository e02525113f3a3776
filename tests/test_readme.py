"""The README's examples about query parameters, dates, rounding and errors hold, as quoted.

Each test quotes the README (the quote must still be there) and checks the live answer.
"""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

README = (Path(__file__).parent.parent / "README.md").read_text()


def quoted(*texts):
    """Fail unless the README still says each of ``texts`` (line breaks aside)."""
    flat = " ".join(README.split())
    for text in texts:
        assert " ".join(text.split()) in flat, text


@pytest.fixture
def headers(auth):
    """The bearer header of a new user."""
    return auth.user()[2]


def post(client, headers, path, body):
    """POST ``body`` and return the JSON answer, which must be a success."""
    response = client.post(path, headers=headers, json=body)
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def test_the_quarters_journey_answers_the_rounded_figures_the_readme_shows(client, auth):
    quoted(
        '"forecast": {"projected_value": 4566.67, "projected_progress": 89.17, "trend_per_day": '
        '38.1, "required_rate": 65.75}',
        '`"progress": 40.0`, `"projected_progress": 72.78`',
        "40 % done with 60.87 % of the quarter gone",
        '"grade": 0.4, "final_progress": 40.0',
        "its key results at 2600 and 2.2, each carried value a check-in dated at the new "
        "period's start, `2027-01-01T00:00:00+00:00`",
    )
    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=UTC), tick=False):
        _, _, headers = auth.user()
        objective = post(
            client, headers, "/objectives", {"title": "Grow the newsletter", "period": "2026-Q4"}
        )
        subscribers = {"title": "Subscribers", "metric": "people", "start_value": 1000}
        first = post(
            client,
            headers,
            "/key-results",
            {"objective_id": objective["id"], **subscribers, "target_value": 5000, "weight": 2},
        )
        rate = {"title": "Unsubscribe rate", "metric": "%", "start_value": 3, "target_value": 1}
        second = post(client, headers, "/key-results", {"objective_id": objective["id"], **rate})
        path = f"/key-results/{first['id']}/check-ins"
        post(
            client, headers, path, {"value": 1800, "at": "2026-10-20T09:00:00Z", "confidence": 0.6}
        )
        post(client, headers, path, {"value": 2600, "at": "2026-11-10T09:00:00Z"})
        post(client, headers, f"/key-results/{second['id']}/check-ins", {"value": 2.2})

        seen = client.get(f"/objectives/{objective['id']}", headers=headers).get_json()
        growth, unsubscribes = seen["key_results"]
        assert growth["progress"] == 40.0
        assert growth["forecast"] == {
            "projected_value": 4566.67,
            "projected_progress": 89.17,
            "trend_per_day": 38.1,
            "required_rate": 65.75,
        }
        assert (unsubscribes["progress"], unsubscribes["forecast"]) == (40.0, None)
        assert (seen["progress"], seen["projected_progress"]) == (40.0, 72.78)
        pace = client.get("/stats?period=2026-Q4", headers=headers).get_json()["pace"][0]
        assert (pace["status"], pace["progress"], pace["expected_progress"]) == (
            "at_risk",
            40.0,
            60.87,
        )
        body = {"outcome": "missed", "retrospective": "Growth came late."}
        closed = post(client, headers, f"/objectives/{objective['id']}/close", body)
        assert (closed["closing"]["grade"], closed["closing"]["final_progress"]) == (0.4, 40.0)
        copy = post(
            client,
            headers,
            f"/objectives/{objective['id']}/copy?carry_values=true",
            {"period": "2027-Q1"},
        )
        assert [item["current_value"] for item in copy["key_results"]] == [2600.0, 2.2]
        carried = client.get(
            f"/key-results/{copy['key_results'][0]['id']}/check-ins", headers=headers
        ).get_json()
        assert [item["at"] for item in carried] == ["2027-01-01T00:00:00+00:00"]


def test_unknown_and_repeated_query_parameters_are_422_as_the_readme_says(client, headers):
    quoted(
        '`?colour=red` answers `{"errors": {"query": {"colour": ["Unknown field."]}}}`',
        '`?page_size=5&page_size=6` answers `{"errors": {"query": {"page_size": '
        '["Give this parameter once."]}}}`',
        "Unknown query parameters are refused with 422",
    )
    unknown = client.get("/objectives?colour=red", headers=headers)
    assert unknown.status_code == 422
    assert unknown.get_json()["errors"] == {"query": {"colour": ["Unknown field."]}}
    twice = client.get("/objectives?page_size=5&page_size=6", headers=headers)
    assert twice.status_code == 422
    assert twice.get_json()["errors"] == {"query": {"page_size": ["Give this parameter once."]}}


def test_a_date_alone_as_until_keeps_that_days_check_in(client, headers):
    quoted("`until=2026-10-25` keeps that day's 09:00 check-in")
    objective = post(client, headers, "/objectives", {"title": "Read", "period": "2026-Q4"})
    body = {"objective_id": objective["id"], "title": "Books", "metric": "books"}
    key_result = post(client, headers, "/key-results", body)
    path = f"/key-results/{key_result['id']}/check-ins"
    post(client, headers, path, {"value": 1, "at": "2026-10-25T09:00:00Z"})
    listed = client.get(f"{path}?until=2026-10-25", headers=headers).get_json()
    assert [item["at"] for item in listed] == ["2026-10-25T09:00:00+00:00"]


def test_wrong_types_missing_bodies_and_bad_json_answer_as_the_readme_says(client, headers):
    quoted(
        '`{"value": "42"}` or `{"value": true}` is 422 `{"errors": {"json": {"value": '
        '["Not a valid number."]}}}`',
        '422 `{"errors": {"json": {"_schema": ["A JSON body is required."]}}}`',
        'malformed JSON is 400 `{"errors": {"json": {"_schema": ["Invalid JSON body."]}}}`',
        "The objective's period starts on 2026-10-01: no check-in before.",
    )
    objective = post(client, headers, "/objectives", {"title": "Run", "period": "2026-Q4"})
    body = {"objective_id": objective["id"], "title": "Km", "metric": "km"}
    key_result = post(client, headers, "/key-results", body)
    path = f"/key-results/{key_result['id']}/check-ins"
    for value in ("42", True):
        response = client.post(path, headers=headers, json={"value": value})
        assert response.status_code == 422
        assert response.get_json()["errors"] == {"json": {"value": ["Not a valid number."]}}
    early = client.post(path, headers=headers, json={"value": 1, "at": "2026-09-30T09:00:00Z"})
    assert early.get_json()["errors"] == {
        "json": {"at": ["The objective's period starts on 2026-10-01: no check-in before."]}
    }
    empty = client.patch(f"/objectives/{objective['id']}", headers=headers)
    assert empty.status_code == 422
    assert empty.get_json()["errors"] == {"json": {"_schema": ["A JSON body is required."]}}
    bad = client.post("/objectives", headers=headers, data="{", content_type="application/json")
    assert bad.status_code == 400
    assert bad.get_json()["errors"] == {"json": {"_schema": ["Invalid JSON body."]}}


def test_a_wrong_current_password_is_403_as_the_readme_says(client, headers):
    quoted(
        'a wrong `current_password` is 403 `{"message": "The current password is wrong.", '
        '"errors": {"json": {"current_password": [...]}}}`'
    )
    body = {"current_password": "not the password", "new_password": "a brand new passphrase"}
    response = client.post("/auth/change-password", headers=headers, json=body)
    assert response.status_code == 403
    assert response.get_json()["message"] == "The current password is wrong."
    assert list(response.get_json()["errors"]["json"]) == ["current_password"]


def test_rounding_is_documented_where_clients_read_it(client):
    quoted("rounded to 2 decimals, halves up", '`"progress": 43.33`')
    description = client.get("/openapi.json").get_json()["info"]["description"]
    assert "rounded to 2 decimals, halves up" in description
