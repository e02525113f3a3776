"""Every kind of key result over HTTP: progress, check-ins, a change of kind, list and read."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import (
    check_in,
    create_key_result,
    create_objective,
    record_check_ins,
    session_on_jan_1,
)

APRIL_10 = datetime(2025, 4, 10, tzinfo=UTC)
FEB_15 = datetime(2025, 2, 15, tzinfo=UTC)


#: A user on 1 January 2025 with a clock to move.
session = pytest.fixture(session_on_jan_1, name="session")


def listed_key_result(session, key_result_id):
    """Return a key result as GET /objectives lists it."""
    for objective in session.get("/objectives"):
        for key_result in objective["key_results"]:
            if key_result["id"] == key_result_id:
                return key_result
    raise AssertionError(f"key result {key_result_id} is not listed")


def assert_list_and_read_agree(session, objective_id):
    """The objective's list entry equals its single read."""
    single = session.get(f"/objectives/{objective_id}")
    listed = next(item for item in session.get("/objectives") if item["id"] == objective_id)
    assert listed == single
    return single


def issue_example(session, client):
    """Build the issue's 2025-Q1 stay_above 10 example; return the objective and key result."""
    objective = create_objective(client, session.headers, period="2025-Q1")
    key_result = create_key_result(
        client, session.headers, objective["id"], kind="stay_above", threshold=10, current_value=12
    )
    session.at(APRIL_10)
    points = (("2025-01-31T00:00:00Z", 8), ("2025-03-02T00:00:00Z", 11))
    record_check_ins(client, session.headers, key_result["id"], points)
    return objective, key_result


def test_the_issue_example_is_66_67(client, session):
    objective, key_result = issue_example(session, client)
    body = session.get(f"/key-results/{key_result['id']}")
    assert body["kind"] == "stay_above"
    assert body["threshold"] == 10
    assert body["start_value"] is None and body["target_value"] is None
    assert body["progress"] == pytest.approx(66.67, abs=0.01)
    assert body["in_band"] is True
    assert body["done"] is None
    # The period is over: holding the current value changes nothing.
    assert body["forecast"]["projected_progress"] == pytest.approx(66.67, abs=0.01)
    assert body["forecast"]["projected_value"] == 11
    assert "11" in body["forecast_reason"] and "in band" in body["forecast_reason"]
    assert listed_key_result(session, key_result["id"]) == body
    single = assert_list_and_read_agree(session, objective["id"])
    assert single["progress"] == pytest.approx(66.67, abs=0.01)


def test_a_stay_forecast_reason_states_the_value_with_all_its_digits(client, session):
    objective = create_objective(client, session.headers, period="2025-Q1")
    key_result = create_key_result(
        client,
        session.headers,
        objective["id"],
        kind="stay_above",
        threshold=1e6,
        current_value=1312345.678,
    )
    body = session.get(f"/key-results/{key_result['id']}")
    assert body["forecast_reason"] == (
        "Projected to the period end if the current value 1,312,345.678 (in band) holds until then."
    )


def test_a_late_check_in_changes_the_band_history(client, session):
    _objective, key_result = issue_example(session, client)
    response = check_in(client, session.headers, key_result["id"], value=15, at="2025-02-15T00:00Z")
    assert response.status_code == 201
    body = session.get(f"/key-results/{key_result['id']}")
    # In band: Jan 1 - 31 (30), Feb 15 - Mar 2 (15), Mar 2 - 31 (30): 75 of 90 days.
    assert body["progress"] == round(75 / 90 * 100, 2)
    assert body["current_value"] == 11
    # A late value out of band takes days away: Mar 1 - Mar 2 at 9.
    check_in(client, session.headers, key_result["id"], value=9, at="2025-03-01T00:00Z")
    body = session.get(f"/key-results/{key_result['id']}")
    assert body["progress"] == round(74 / 90 * 100, 2)
    assert listed_key_result(session, key_result["id"]) == body


def test_the_span_ends_now_while_the_period_runs(client, session):
    objective = create_objective(client, session.headers, period="2025-Q1")
    key_result = create_key_result(
        client, session.headers, objective["id"], kind="stay_below", threshold=3, current_value=2.5
    )
    session.at(datetime(2025, 1, 21, tzinfo=UTC))
    check_in(client, session.headers, key_result["id"], value=3.5, at="2025-01-11T00:00Z")
    body = session.get(f"/key-results/{key_result['id']}")
    # Below 3 for 10 of the 20 days so far; out of band now.
    assert body["progress"] == pytest.approx(50.0)
    assert body["in_band"] is False
    # If 3.5 holds to Mar 31: 10 of 90 days.
    assert body["forecast"]["projected_progress"] == round(100 / 9, 2)
    assert "out of band" in body["forecast_reason"]
    assert body["pace_status"] == "at_risk"  # stay_* expects 100
    assert_list_and_read_agree(session, objective["id"])


def test_in_band_all_along_is_exactly_100_and_done(client, session):
    objective = create_objective(client, session.headers, period="2025-Q1")
    session.at(datetime(2025, 2, 15, 12, tzinfo=UTC))
    key_result = create_key_result(
        client, session.headers, objective["id"], kind="stay_above", threshold=5, current_value=10
    )
    # A late check-in at a moment whose SQL and Python day offsets differ in the last bits.
    check_in(client, session.headers, key_result["id"], value=7, at="2025-01-03T00:37:00Z")
    body = session.get(f"/key-results/{key_result['id']}")
    assert body["progress"] == 100.0 and body["in_band"] is True
    assert body["pace_status"] == "done"
    assert body["forecast"]["projected_progress"] == 100.0
    assert listed_key_result(session, key_result["id"]) == body


def test_a_value_stated_moments_ago_is_not_in_band_all_along(client, session):
    objective = create_objective(client, session.headers, period="2025-Q1")
    session.at(FEB_15)
    out = create_key_result(
        client, session.headers, objective["id"], kind="stay_below", threshold=10, current_value=50
    )
    inside = create_key_result(
        client, session.headers, objective["id"], kind="stay_below", threshold=10, current_value=5
    )
    # Milliseconds later the measured span is far below the tolerance of out-of-band time.
    session.at(FEB_15 + timedelta(milliseconds=5))
    for key_result in (out, inside):
        body = session.get(f"/key-results/{key_result['id']}")
        assert body["progress"] == 0.0
        assert listed_key_result(session, key_result["id"]) == body
    assert assert_list_and_read_agree(session, objective["id"])["progress"] == 0.0
    session.at(FEB_15 + timedelta(seconds=1))
    assert session.get(f"/key-results/{out['id']}")["progress"] == 0.0
    assert session.get(f"/key-results/{inside['id']}")["progress"] == 100.0
    assert assert_list_and_read_agree(session, objective["id"])["progress"] == 50.0


def test_stay_in_range_counts_its_bounds(client, session):
    objective = create_objective(client, session.headers, period="2025-Q1")
    key_result = create_key_result(
        client,
        session.headers,
        objective["id"],
        kind="stay_in_range",
        range_min=2,
        range_max=5,
        current_value=5,
    )
    session.at(datetime(2025, 1, 11, tzinfo=UTC))
    check_in(client, session.headers, key_result["id"], value=1.5, at="2025-01-06T00:00Z")
    body = session.get(f"/key-results/{key_result['id']}")
    assert (body["range_min"], body["range_max"]) == (2, 5)
    assert body["progress"] == pytest.approx(50.0)
    check_in(client, session.headers, key_result["id"], value=2)
    session.at(datetime(2025, 1, 21, tzinfo=UTC))
    body = session.get(f"/key-results/{key_result['id']}")
    assert body["in_band"] is True
    assert body["progress"] == pytest.approx(75.0)  # 5 + 10 of 20 days
    assert_list_and_read_agree(session, objective["id"])


def test_a_milestone_is_done_or_not(client, session):
    objective = create_objective(client, session.headers, period="2025-Q1")
    key_result = create_key_result(
        client, session.headers, objective["id"], kind="milestone", due_on="2025-02-01"
    )
    assert key_result["progress"] == 0.0
    assert key_result["done"] is False
    assert key_result["due_on"] == "2025-02-01"
    assert key_result["forecast"] is None
    assert "milestone" in key_result["forecast_reason"]
    path = f"/key-results/{key_result['id']}/check-ins"
    response = client.post(path, headers=session.headers, json={"delta": 1})
    assert response.status_code == 422
    assert "delta" in response.get_json()["errors"]["json"]
    response = client.post(path, headers=session.headers, json={"value": 0.5})
    assert response.status_code == 422
    assert "value" in response.get_json()["errors"]["json"]
    response = client.post(path, headers=session.headers, json={"done": True})
    assert response.status_code == 201
    assert response.get_json()["key_result"]["progress"] == 100.0
    assert response.get_json()["progress"] == 100.0
    response = client.post(path, headers=session.headers, json={"value": 0})
    assert response.get_json()["key_result"]["done"] is False
    assert response.get_json()["key_result"]["progress"] == 0.0
    batch = {"check_ins": [{"key_result_id": key_result["id"], "done": True}]}
    response = client.post("/check-ins", headers=session.headers, json=batch)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["key_results"][0]["progress"] == 100.0
    batch = {"check_ins": [{"key_result_id": key_result["id"], "delta": 1}]}
    response = client.post("/check-ins", headers=session.headers, json=batch)
    assert response.status_code == 422
    assert_list_and_read_agree(session, objective["id"])


def test_a_milestone_past_due_and_not_done_is_at_risk(client, session):
    objective = create_objective(client, session.headers, period="2025-Q1")
    key_result = create_key_result(
        client, session.headers, objective["id"], kind="milestone", due_on="2025-02-01"
    )
    session.at(datetime(2025, 2, 1, 12, tzinfo=UTC))
    assert session.get(f"/key-results/{key_result['id']}")["pace_status"] == "on_track"
    session.at(datetime(2025, 2, 2, tzinfo=UTC))
    assert session.get(f"/key-results/{key_result['id']}")["pace_status"] == "at_risk"
    check_in(client, session.headers, key_result["id"], done=True)
    assert session.get(f"/key-results/{key_result['id']}")["pace_status"] == "done"


def test_the_objective_is_the_weighted_mean_whatever_the_kinds(client, session):
    objective = create_objective(client, session.headers, period="2025-Q1")
    create_key_result(client, session.headers, objective["id"], current_value=40)
    create_key_result(
        client,
        session.headers,
        objective["id"],
        kind="decrease",
        start_value=10,
        target_value=0,
        current_value=5,
        weight=2,
    )
    milestone = create_key_result(client, session.headers, objective["id"], kind="milestone")
    check_in(client, session.headers, milestone["id"], done=True)
    body = assert_list_and_read_agree(session, objective["id"])
    assert body["progress"] == pytest.approx((40 + 2 * 50 + 100) / 4)
