"""Inputs a database driver, the password hasher, the JSON parser or the calendar refuse.

Each answers a 4xx naming the field, changes nothing, and never a 500.
"""

import pytest

from tests.factories import create_key_result, create_objective, raw_json

HUGE = "1" + "0" * 5000  # more digits than Python converts
WIDE = "1" + "0" * 400  # converts, but no float or 64-bit column holds it


def assert_refused(response, field, status=422):
    """Check the answer is ``status`` with ``field`` named in its errors."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/json"
    errors = response.get_json()["errors"]
    assert field in str(errors), errors


@pytest.mark.parametrize(
    "title",
    [r'"\ud800"', r'"ok \udfff then"'],
    ids=["lone high surrogate", "lone low surrogate"],
)
def test_lone_surrogates_are_refused_by_field(client, auth, title):
    _, _, headers = auth.user()
    body = f'{{"title": {title}, "period": "2026-Q1"}}'
    assert_refused(raw_json(client, "POST", "/objectives", headers, body), "title")
    assert client.get("/objectives", headers=headers).get_json() == []


def test_a_lone_surrogate_password_is_refused(client):
    body = r'{"email": "s@example.com", "password": "\ud800 long enough password"}'
    assert_refused(raw_json(client, "POST", "/auth/register", {}, body), "password")


@pytest.mark.parametrize("number", [HUGE, WIDE, "-" + WIDE, "1e400", "NaN"])
def test_numbers_no_column_holds_are_refused_by_field(client, auth, number):
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"])
    path = f"/key-results/{key_result['id']}/check-ins"
    assert_refused(raw_json(client, "POST", path, headers, f'{{"value": {number}}}'), "value")
    body = f'{{"check_in_every_days": {number}}}'
    path = f"/objectives/{objective['id']}"
    response = raw_json(client, "PATCH", path, headers | {"If-Match": "*"}, body)
    assert response.status_code in (412, 422, 428)
    if response.status_code == 422:
        assert_refused(response, "check_in_every_days")


@pytest.mark.parametrize("page", ["9223372036854775808", "99999999999999999999999", "1000001"])
def test_page_numbers_past_the_databases_range_are_refused(client, auth, page):
    _, _, headers = auth.user()
    for path in ("/objectives", "/audit", "/key-results"):
        assert_refused(client.get(f"{path}?page={page}", headers=headers), "page")


@pytest.mark.parametrize(
    "query",
    [
        "since=9999-12-31T23:59:59-01:00",
        "since=0001-01-01T00:00:00%2B01:00",
        "until=0001-01-01T00:00:00Z",
        "since=1900-01-01T00:30:00%2B01:00",
    ],
)
def test_audit_filters_at_the_calendars_edges_are_refused(client, auth, query):
    _, _, headers = auth.user()
    assert_refused(client.get(f"/audit?{query}", headers=headers), query.split("=")[0])


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01"])
def test_stats_days_at_the_calendars_edges_are_refused(client, auth, day):
    _, _, headers = auth.user()
    create_objective(client, headers)
    assert_refused(client.get(f"/stats?on={day}", headers=headers), "on")


def test_a_moment_is_checked_in_utc_so_what_is_stored_imports_again(client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers, period="1900")
    key_result = create_key_result(client, headers, objective["id"])
    path = f"/key-results/{key_result['id']}/check-ins"
    # Midnight on 1 January 1900 at +01:00 is 1899 in UTC: outside the accepted years.
    response = client.post(path, headers=headers, json={"value": 1, "at": "1900-01-01T00:30+01:00"})
    assert_refused(response, "at")
    response = client.post(path, headers=headers, json={"value": 1, "at": "1900-01-01T01:30+01:00"})
    assert response.status_code == 201
    assert response.get_json()["at"].startswith("1900-01-01T00:30:00")
    document = client.get("/export", headers=headers).get_json()
    _, _, fresh = auth.user()
    imported = client.post("/import", headers=fresh, json=document)
    assert imported.status_code in (200, 201), imported.get_json()
