"""GET /stats: every figure against hand-computed values."""

import pytest

from tests.admin.conftest import make_admin
from tests.stats.conftest import NO_KINDS, count_queries, stats


@pytest.fixture
def scenario(frozen, build):
    """Five objectives; the numbers in comments are their progress.

    O1 2025-Q4 active: A 0->100 (w1) at 58, B 50->10 decreasing (w3) at 30 = 50 % -> 52
    O2 2025-11 active: C 0->10, no check-in -> 0
    O3 2026-Q1 active (future): D 0->100 at 100 -> 100
    O4 2025-Q3 completed: E 0->4 at 2 -> 50
    O5 2025-Q4 archived: F at 100 (left out by default)
    """
    o1 = build.objective("2025-Q4", "Grow")
    a = build.key_result(o1)
    b = build.key_result(o1, start=50, target=10, weight=3)
    build.check_in(a, 40, "2025-11-10T09:00:00Z", confidence=0.5)
    build.check_in(a, 58, "2025-11-14T09:00:00Z", confidence=0.8)
    build.check_in(b, 30, "2025-11-13T09:00:00Z", confidence=0.6)
    o2 = build.objective("2025-11", "Ship")
    build.key_result(o2, target=10)
    # Checked in this quarter, then moved to the next: no check-in may predate its period.
    o3 = build.objective("2025-Q4", "Plan")
    d = build.key_result(o3)
    build.check_in(d, 100, "2025-11-15T08:00:00Z", confidence=0.9)
    moved = build.client.patch(
        f"/objectives/{o3}", json={"period": "2026-Q1"}, headers=build.headers
    )
    assert moved.status_code == 200, moved.get_json()
    o4 = build.objective("2025-Q3", "Learn", status="completed")
    e = build.key_result(o4, target=4)
    build.check_in(e, 2, "2025-09-30T09:00:00Z")
    o5 = build.objective("2025-Q4", "Old", status="archived")
    f = build.key_result(o5)
    build.check_in(f, 100, "2025-11-12T09:00:00Z", confidence=0.1)
    return build, {"o1": o1, "o2": o2, "o3": o3, "o4": o4, "o5": o5}


def test_empty(frozen, build):
    body = stats(build)
    assert body["on"] == "2025-11-15"
    assert body["objectives"] == {
        "total": 0,
        "by_status": {"active": 0, "completed": 0, "missed": 0, "cancelled": 0, "archived": 0},
        "average_progress": 0.0,
        "completed": 0,
        "not_started": 0,
        "at_risk": 0,
        "top_level": 0,
        "roll_ups": 0,
        "counted_once": 0,
        "counted_once_average_progress": 0.0,
    }
    assert body["key_results"] == {
        "total": 0,
        "average_progress": 0.0,
        "completed": 0,
        "not_started": 0,
        "overdue": 0,
        "stale": 0,
        "at_risk": 0,
        "by_kind": {**NO_KINDS},
    }
    assert body["periods"] == []
    assert body["pace"] == []
    assert body["check_ins"] == {
        "last_7_days": 0,
        "last_30_days": 0,
        "current_streak_days": 0,
        "longest_streak_days": 0,
    }
    assert body["confidence"] is None


def test_default_covers_every_objective_but_archived(scenario):
    build, _ = scenario
    body = stats(build)
    assert body["objectives"] == {
        "total": 4,
        "by_status": {"active": 3, "completed": 1, "missed": 0, "cancelled": 0, "archived": 0},
        "average_progress": 50.5,  # (52 + 0 + 100 + 50) / 4
        "completed": 1,
        "not_started": 1,
        "at_risk": 1,
        "top_level": 4,
        "roll_ups": 0,
        "counted_once": 4,
        "counted_once_average_progress": 50.5,
    }
    # A 58, B 50, C 0, D 100, E 50
    assert body["key_results"] == {
        "total": 5,
        "average_progress": 51.6,
        "completed": 1,
        "not_started": 1,
        "overdue": 0,
        "stale": 0,
        "at_risk": 0,
        "by_kind": {**NO_KINDS, "increase": 4, "decrease": 1},
    }
    # None of them was closed, so no period has a grade.
    assert body["periods"] == [
        {"period": "2025-Q3", "count": 1, "average_progress": 50.0, "average_grade": None},
        {"period": "2025-Q4", "count": 1, "average_progress": 52.0, "average_grade": None},
        {"period": "2025-11", "count": 1, "average_progress": 0.0, "average_grade": None},
        {"period": "2026-Q1", "count": 1, "average_progress": 100.0, "average_grade": None},
    ]
    # check-in days: 09-30, 11-10, 11-13, 11-14, 11-15 (the archived one is left out)
    assert body["check_ins"] == {
        "last_7_days": 4,
        "last_30_days": 4,
        "current_streak_days": 3,
        "longest_streak_days": 3,
    }
    assert body["confidence"] == pytest.approx((0.8 + 0.6 + 0.9) / 3, abs=1e-4)


def test_pace_of_active_objectives(scenario):
    build, ids = scenario
    pace = {entry["objective_id"]: entry for entry in stats(build)["pace"]}
    assert set(pace) == {ids["o1"], ids["o2"], ids["o3"]}
    assert pace[ids["o1"]] == {
        "objective_id": ids["o1"],
        "title": "Grow",
        "period": "2025-Q4",
        "progress": 52.0,
        "expected_progress": 50.0,
        "delta": 2.0,
        "status": "ahead",
        "completion_date": "2025-12-28",  # 48 more points at 52/46 a day: 43 days
        "forecast_date": "2025-12-28",
    }
    assert pace[ids["o2"]]["expected_progress"] == 50.0  # 15 of 30 November days
    assert pace[ids["o2"]]["delta"] == -50.0
    assert pace[ids["o2"]]["status"] == "at_risk"
    assert pace[ids["o2"]]["forecast_date"] is None
    assert pace[ids["o2"]]["completion_date"] is None
    # a period in the future expects nothing yet
    assert pace[ids["o3"]]["expected_progress"] == 0.0
    assert pace[ids["o3"]]["status"] == "done"


def test_filter_by_period(scenario):
    build, ids = scenario
    body = stats(build, period="2025-Q4")
    assert body["objectives"]["total"] == 1
    assert [entry["objective_id"] for entry in body["pace"]] == [ids["o1"]]
    assert body["key_results"]["total"] == 2
    assert body["confidence"] == pytest.approx(0.7)  # A 0.8, B 0.6


def test_on_a_later_day(scenario):
    build, ids = scenario
    body = stats(build, on="2025-11-30")
    assert body["objectives"]["total"] == 2  # Q4 and November contain the day
    pace = {entry["objective_id"]: entry for entry in body["pace"]}
    assert pace[ids["o1"]]["expected_progress"] == 66.3  # 61 of 92 days
    assert pace[ids["o1"]]["delta"] == -14.3
    assert pace[ids["o1"]]["status"] == "at_risk"
    assert pace[ids["o2"]]["expected_progress"] == 100.0
    assert body["objectives"]["at_risk"] == 2
    assert body["check_ins"] == {
        "last_7_days": 0,
        "last_30_days": 3,
        "current_streak_days": 0,
        "longest_streak_days": 2,
    }


def test_period_boundaries_with_on(scenario):
    build, _ = scenario
    assert stats(build, on="2025-09-30")["objectives"]["total"] == 1  # the last day of Q3
    assert stats(build, on="2025-10-01")["objectives"]["total"] == 1  # the first day of Q4
    assert stats(build, on="2025-12-31")["objectives"]["total"] == 1
    assert stats(build, on="2026-01-01")["objectives"]["total"] == 1  # 2026-Q1


def test_period_and_on_together_must_both_match(scenario):
    build, _ = scenario
    assert stats(build, period="2025-Q4", on="2025-11-20")["objectives"]["total"] == 1
    assert stats(build, period="2025-Q4", on="2026-01-05")["objectives"]["total"] == 0


def test_status_filter_includes_archived_when_asked(scenario):
    build, _ = scenario
    body = stats(build, status="archived")
    assert body["objectives"]["total"] == 1
    assert body["objectives"]["by_status"]["archived"] == 1
    assert body["pace"] == []
    assert body["confidence"] == pytest.approx(0.1)


def test_bad_queries_are_422(frozen, build):
    for query in (
        {"period": "2025-Q5"},
        {"on": "2025-13-01"},
        {"status": "done"},
        {"period": "3000"},
        {"period": "2026\n"},  # a regular expression's $ matches before a final newline
    ):
        response = build.client.get("/stats", query_string=query, headers=build.headers)
        assert response.status_code == 422, query


def test_other_users_data_never_counts(scenario, client, auth):
    _, _, headers = auth.user()
    body = client.get("/stats", headers=headers).get_json()
    assert body["objectives"]["total"] == 0
    assert body["check_ins"]["last_30_days"] == 0


def test_admins_may_read_another_users_stats(app, scenario, client, auth):
    build, _ = scenario
    user_id = client.get("/auth/me", headers=build.headers).get_json()["id"]
    _, _, other = auth.user()
    assert client.get(f"/stats?user_id={user_id}", headers=other).status_code == 403
    _, admin = make_admin(app, auth, "root@example.com")
    body = client.get(f"/stats?user_id={user_id}", headers=admin).get_json()
    assert body["objectives"]["total"] == 4
    assert client.get("/stats?user_id=999999", headers=admin).status_code == 404


def test_query_count_does_not_grow_with_the_data(app, frozen, client, build):
    objective = build.objective("2025-Q4")
    build.check_in(build.key_result(objective), 10, "2025-11-01T09:00:00Z", confidence=0.5)
    small = count_queries(app, client, build.headers)
    for index in range(12):
        objective = build.objective("2025-Q4" if index % 2 else "2025-11")
        for _ in range(3):
            key_result = build.key_result(objective)
            for day in (3, 4, 5):
                build.check_in(key_result, day * 5, f"2025-11-{day:02d}T09:00:00Z", 0.5)
    large = count_queries(app, client, build.headers)
    assert small == large
    assert large <= 5
