"""The stored trend sums behind forecasts follow every change that moves a check-in's x.

Each test checks the forecast in the answer against hand-computed values and the stored
columns against sums worked out here from the check-ins in the database.
"""

from datetime import UTC, datetime, time

import pytest
import time_machine
from sqlalchemy import select

from okr_app.extensions import db
from okr_app.models import CheckIn, KeyResult
from tests.factories import POINTS, create_key_result, create_objective, record_check_ins


@pytest.fixture
def headers(client, auth):
    """A user's headers, with the clock at 2026-01-11 00:00 UTC."""
    with time_machine.travel(datetime(2026, 1, 11, tzinfo=UTC), tick=False):
        yield auth.user()[2]


def tracked_key_result(client, headers):
    """Return a 2026-Q1 objective and its key result (target 1000) with ``POINTS`` recorded."""
    objective = create_objective(client, headers, period="2026-Q1")
    key_result = create_key_result(client, headers, objective["id"], target_value=1000)
    record_check_ins(client, headers, key_result["id"], POINTS)
    return objective, key_result


def forecast(client, headers, key_result_id):
    """Return the key result's forecast (or its reason) as answered."""
    body = client.get(f"/key-results/{key_result_id}", headers=headers).get_json()
    return body["forecast"] or body["forecast_reason"]


def assert_stored_sums_match_check_ins(app, key_result_id):
    """Compare the stored columns with sums over the key result's check-ins."""
    with app.app_context():
        key_result = db.session.get(KeyResult, key_result_id)
        start = datetime.combine(key_result.objective.start_date, time(), UTC)
        points = [
            ((at - start).total_seconds() / 86400.0, value)
            for at, value in db.session.execute(
                select(CheckIn.at, CheckIn.value).where(CheckIn.key_result_id == key_result_id)
            )
        ]
        xs = [x for x, _ in points]
        expected = {
            "trend_count": len(points),
            "trend_sum_x": sum(xs),
            "trend_sum_y": sum(y for _, y in points),
            "trend_sum_xy": sum(x * y for x, y in points),
            "trend_sum_xx": sum(x * x for x in xs),
            "trend_first_x": min(xs, default=None),
            "trend_last_x": max(xs, default=None),
        }
        stored = {name: getattr(key_result, name) for name in expected}
    assert stored == pytest.approx(expected)


def test_check_ins_in_any_order_give_the_same_trend(app, client, headers):
    objective = create_objective(client, headers, period="2026-Q1")
    in_order = create_key_result(client, headers, objective["id"], target_value=1000)
    late = create_key_result(client, headers, objective["id"], target_value=1000)
    record_check_ins(client, headers, in_order["id"], POINTS)
    record_check_ins(client, headers, late["id"], POINTS[::-1])
    for key_result in (in_order, late):
        assert forecast(client, headers, key_result["id"])["projected_value"] == pytest.approx(
            316.5  # 1.5 + 3.5 * 90
        )
        assert_stored_sums_match_check_ins(app, key_result["id"])


def test_a_new_period_moves_every_check_in(app, client, headers):
    objective, key_result = tracked_key_result(client, headers)
    response = client.patch(
        f"/objectives/{objective['id']}", headers=headers, json={"period": "2025-Q4"}
    )
    assert response.status_code == 200
    # From 1 October 2025 the points sit at x = 92, 93, 94: y = -320.5 + 3.5 x, and the
    # 92-day period ends at x = 92.
    result = forecast(client, headers, key_result["id"])
    assert result["trend_per_day"] == pytest.approx(3.5)
    assert result["projected_value"] == pytest.approx(1.5)
    assert_stored_sums_match_check_ins(app, key_result["id"])
    listed = client.get("/objectives", headers=headers).get_json()
    assert listed[0]["key_results"][0]["forecast"]["projected_value"] == pytest.approx(1.5)


def test_other_changes_to_the_objective_keep_the_sums(app, client, headers):
    objective, key_result = tracked_key_result(client, headers)
    response = client.patch(
        f"/objectives/{objective['id']}", headers=headers, json={"title": "Renamed"}
    )
    assert response.status_code == 200
    assert forecast(client, headers, key_result["id"])["projected_value"] == pytest.approx(316.5)
    assert_stored_sums_match_check_ins(app, key_result["id"])


def test_a_key_result_moved_to_another_period_counts_from_its_start(app, client, headers):
    first = create_objective(client, headers, period="2026-Q1")
    earlier = create_objective(client, headers, period="2025-Q4")
    key_result = create_key_result(client, headers, first["id"], target_value=1000)
    record_check_ins(client, headers, key_result["id"], POINTS)
    response = client.patch(
        f"/key-results/{key_result['id']}", headers=headers, json={"objective_id": earlier["id"]}
    )
    assert response.status_code == 200
    assert response.get_json()["forecast"]["projected_value"] == pytest.approx(1.5)
    assert forecast(client, headers, key_result["id"])["projected_value"] == pytest.approx(1.5)
    assert_stored_sums_match_check_ins(app, key_result["id"])


def test_a_move_with_a_new_value_counts_every_point_from_the_new_start(app, client, headers):
    _objective, key_result = tracked_key_result(client, headers)
    earlier = create_objective(client, headers, period="2025-Q4")
    response = client.patch(
        f"/key-results/{key_result['id']}",
        headers=headers,
        json={"objective_id": earlier["id"], "current_value": 12},
    )
    assert response.status_code == 200
    assert response.get_json()["current_value"] == 12
    assert_stored_sums_match_check_ins(app, key_result["id"])


def test_a_value_stated_on_creation_is_the_first_point(app, client, headers):
    objective = create_objective(client, headers, period="2026-Q1")
    key_result = create_key_result(client, headers, objective["id"], current_value=5)
    assert key_result["forecast_reason"].startswith("Only 1 check-in")
    assert_stored_sums_match_check_ins(app, key_result["id"])


def test_a_copy_carrying_values_starts_with_one_point(app, client, headers):
    objective, _key_result = tracked_key_result(client, headers)
    response = client.post(
        f"/objectives/{objective['id']}/copy?carry_values=true",
        headers=headers,
        json={"period": "2026-Q2"},
    )
    assert response.status_code == 201, response.get_json()
    (copied,) = response.get_json()["key_results"]
    assert copied["forecast_reason"].startswith("Only 1 check-in")
    assert_stored_sums_match_check_ins(app, copied["id"])


def test_imported_check_ins_carry_their_trend(app, client, headers):
    _objective, key_result = tracked_key_result(client, headers)
    document = client.get("/export", headers=headers).get_json()
    response = client.post("/import", headers=headers, json=document)
    assert response.status_code == 201, response.get_json()
    (new_objective,) = response.get_json()["objective_ids"]
    imported = client.get(f"/objectives/{new_objective}", headers=headers).get_json()
    (copy,) = imported["key_results"]
    assert copy["forecast"] == forecast(client, headers, key_result["id"])
    assert_stored_sums_match_check_ins(app, copy["id"])


def test_demo_data_has_its_sums(app, runner):
    result = runner.invoke(args=["seed-demo", "--users", "1", "--objectives", "2", "--days", "30"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        ids = db.session.scalars(select(KeyResult.id)).all()
    assert ids
    for key_result_id in ids:
        assert_stored_sums_match_check_ins(app, key_result_id)


def test_a_forecast_read_twice_follows_a_change_in_between(app, client, headers):
    _objective, key_result = tracked_key_result(client, headers)
    with app.app_context():
        row = db.session.get(KeyResult, key_result["id"])
        assert row.forecast["projected_progress"] == pytest.approx(31.65)
        row.target_value = 500
        assert row.forecast["projected_progress"] == pytest.approx(63.3)
        row.objective.end_date = row.objective.start_date
        assert row.forecast["projected_value"] == pytest.approx(5.0)  # 1.5 + 3.5 * 1 day
        db.session.rollback()
