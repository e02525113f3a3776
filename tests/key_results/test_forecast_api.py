"""Forecasts in key result and objective responses, against hand-computed values."""

from datetime import UTC, datetime

import pytest
import time_machine

from tests.factories import (
    POINTS,
    check_in,
    create_key_result,
    create_objective,
    record_check_ins,
)

NEEDS = "a forecast needs at least 2 check-ins over at least 1 day."


@pytest.fixture
def clock():
    """Freeze the clock at 2026-01-11 00:00 UTC: 80 days of 2026-Q1 are left."""
    with time_machine.travel(datetime(2026, 1, 11, tzinfo=UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def user(clock, client, auth):
    """A user's headers and a 2026-Q1 objective (90 days)."""
    _, _, headers = auth.user()
    return headers, create_objective(client, headers, period="2026-Q1")


def test_the_trend_of_three_check_ins(client, user):
    headers, objective = user
    key_result = create_key_result(client, headers, objective["id"], target_value=1000)
    record_check_ins(client, headers, key_result["id"], POINTS)
    body = client.get(f"/key-results/{key_result['id']}", headers=headers).get_json()
    assert body["forecast_reason"] is None
    assert body["forecast"] == pytest.approx(
        {
            "projected_value": 316.5,  # 1.5 + 3.5 * 90, at the end of 31 March
            "projected_progress": 31.65,
            "required_rate": 12.39,  # (1000 - 9) / 80 days left = 12.3875, rounded
            "trend_per_day": 3.5,
        }
    )


def test_fractional_days_count(client, user):
    headers, objective = user
    key_result = create_key_result(client, headers, objective["id"], target_value=1000)
    # Noon is half a day: (0.5, 0), (1.5, 10) -> y = -5 + 10 x, 895 at x = 90.
    points = (("2026-01-01T12:00:00Z", 0), ("2026-01-02T12:00:00+00:00", 10))
    record_check_ins(client, headers, key_result["id"], points)
    body = client.get(f"/key-results/{key_result['id']}", headers=headers).get_json()
    assert body["forecast"]["projected_value"] == pytest.approx(895)
    assert body["forecast"]["projected_progress"] == pytest.approx(89.5)


def test_not_enough_history_gives_null_and_the_reason(client, user):
    headers, objective = user
    key_result = create_key_result(client, headers, objective["id"])
    reasons = []
    for point in (
        ("2026-01-05T08:00:00Z", 10),  # one check-in
        ("2026-01-05T20:00:00Z", 12),  # two, 12 hours apart
    ):
        record_check_ins(client, headers, key_result["id"], [point])
        body = client.get(f"/key-results/{key_result['id']}", headers=headers).get_json()
        assert body["forecast"] is None
        reasons.append(body["forecast_reason"])
    assert reasons == [f"Only 1 check-in: {NEEDS}", f"The check-ins span less than 1 day: {NEEDS}"]
    fresh = create_key_result(client, headers, objective["id"])
    assert (fresh["forecast"], fresh["forecast_reason"]) == (None, f"No check-ins yet: {NEEDS}")


def test_the_objective_carries_the_weighted_projection(client, user):
    headers, objective = user
    trending = create_key_result(client, headers, objective["id"], target_value=1000)
    record_check_ins(client, headers, trending["id"], POINTS)
    body = client.get(f"/objectives/{objective['id']}", headers=headers).get_json()
    assert body["projected_progress"] == pytest.approx(31.65)
    # One check-in (the stated value) is no trend: it counts at its 50 %.
    create_key_result(client, headers, objective["id"], weight=3, current_value=50)
    body = client.get(f"/objectives/{objective['id']}", headers=headers).get_json()
    assert body["projected_progress"] == 45.41  # (31.65 + 3 * 50) / 4 = 45.4125, rounded
    listed = client.get("/objectives", headers=headers).get_json()
    assert listed[0]["projected_progress"] == body["projected_progress"]
    assert listed[0]["key_results"] == body["key_results"]
    empty = create_objective(client, headers)
    assert empty["projected_progress"] is None


def test_every_key_result_response_carries_the_forecast(client, user):
    headers, objective = user
    key_result = create_key_result(client, headers, objective["id"], target_value=1000)
    record_check_ins(client, headers, key_result["id"], POINTS[:1])
    created = check_in(client, headers, key_result["id"], value=4, at="2026-01-02T00:00:00Z")
    # (0, 2), (1, 4): y = 2 + 2 x, 182 at the end of the quarter.
    assert created.get_json()["key_result"]["forecast"]["projected_value"] == pytest.approx(182)
    path = f"/key-results/{key_result['id']}"
    responses = [
        client.get(path, headers=headers).get_json(),
        client.get("/key-results", headers=headers).get_json()[0],
        client.patch(path, headers=headers, json={"title": "Renamed"}).get_json(),
    ]
    for body in responses:
        assert body["forecast"]["projected_value"] == pytest.approx(182)
    # A move to another period projects to that period's end: 2026-Q2 ends on day 181.
    later = create_objective(client, headers, period="2026-Q2")
    moved = client.patch(path, headers=headers, json={"objective_id": later["id"]}).get_json()
    assert moved["forecast"]["projected_value"] == pytest.approx(2 + 2 * 181)


@pytest.mark.settings(OKR_ACCESS_TOKEN_SECONDS=10**8, OKR_REFRESH_TOKEN_SECONDS=10**8)
def test_after_the_period_no_rate_is_required(clock, client, user):
    headers, objective = user
    key_result = create_key_result(client, headers, objective["id"], target_value=1000)
    record_check_ins(client, headers, key_result["id"], POINTS[:2])
    clock.move_to(datetime(2026, 4, 1, 0, 0, tzinfo=UTC))
    body = client.get(f"/key-results/{key_result['id']}", headers=headers).get_json()
    assert body["forecast"]["required_rate"] is None
    assert body["forecast"]["projected_value"] == pytest.approx(182)
