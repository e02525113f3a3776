"""GET /stats with closed objectives: frozen progress, grades per period, no pace."""

import pytest

from tests.stats.conftest import NO_KINDS, count_queries, stats


@pytest.fixture
def graded(frozen, build):
    """Five objectives, four closed at some point; comments give progress and grade.

    G1 2025-Q4 closed achieved: A 0->100 at 62.5 -> 62.5, grade 0.63 (halves up)
    G2 2025-Q4 closed missed: B 0->10 at 3 (w1) = 30, C 200->100 at 180 (w3) = 20
       -> (30 + 3 * 20) / 4 = 22.5, grade 0.23
    G3 2025-Q4 active: D at 10 -> 10 (50 expected on 15 November: at risk)
    G4 2025-Q4 closed cancelled at 80, then reopened: active, no grade (ahead)
    G5 2025-Q3 closed achieved: F at 100 -> grade 1.0
    """
    g1 = build.objective("2025-Q4", "G1")
    a = build.key_result(g1)
    build.check_in(a, 62.5, "2025-11-14T09:00:00Z")
    build.close(g1, "achieved")
    g2 = build.objective("2025-Q4", "G2")
    b = build.key_result(g2, target=10)
    c = build.key_result(g2, start=200, target=100, weight=3)
    build.check_in(b, 3, "2025-11-14T09:00:00Z")
    build.check_in(c, 180, "2025-11-14T09:00:00Z")
    build.close(g2, "missed")
    g3 = build.objective("2025-Q4", "G3")
    build.check_in(build.key_result(g3), 10, "2025-11-14T09:00:00Z")
    g4 = build.objective("2025-Q4", "G4")
    build.check_in(build.key_result(g4), 80, "2025-11-14T09:00:00Z")
    build.close(g4, "cancelled")
    build.reopen(g4)
    g5 = build.objective("2025-Q3", "G5")
    build.check_in(build.key_result(g5), 100, "2025-09-14T09:00:00Z")
    build.close(g5, "achieved")
    return build, {"g1": g1, "g2": g2, "g3": g3, "g4": g4, "g5": g5, "a": a, "c": c}


def test_periods_carry_the_mean_grade_of_their_closed_objectives(graded):
    build, _ = graded
    assert (
        stats(build)["periods"]
        == [
            # (62.5 + 22.5 + 10 + 80) / 4 = 43.75; grades (0.63 + 0.23) / 2 = 0.43
            {"period": "2025-Q4", "count": 4, "average_progress": 43.75, "average_grade": 0.43},
            {"period": "2025-Q3", "count": 1, "average_progress": 100.0, "average_grade": 1.0},
        ][::-1]
    )


def test_closed_objectives_are_left_out_of_pace_and_at_risk(graded):
    build, ids = graded
    body = stats(build)
    pace = {entry["objective_id"]: entry for entry in body["pace"]}
    assert set(pace) == {ids["g3"], ids["g4"]}
    assert (pace[ids["g3"]]["delta"], pace[ids["g3"]]["status"]) == (-40.0, "at_risk")
    assert (pace[ids["g4"]]["delta"], pace[ids["g4"]]["status"]) == (30.0, "ahead")
    assert body["objectives"] == {
        "total": 5,
        "by_status": {"active": 2, "completed": 2, "missed": 1, "cancelled": 0, "archived": 0},
        "average_progress": 55.0,  # (62.5 + 22.5 + 10 + 80 + 100) / 5
        "completed": 1,
        "not_started": 0,
        "at_risk": 1,
        "top_level": 5,
        "roll_ups": 0,
        "counted_once": 5,
        "counted_once_average_progress": 55.0,
    }


def test_later_edits_leave_the_closed_figures_alone(graded):
    build, ids = graded
    build.check_in(ids["a"], 100, "2025-11-15T09:00:00Z")
    response = build.client.delete(f"/key-results/{ids['c']}", headers=build.headers)
    assert response.status_code == 204
    body = stats(build)
    assert body["periods"][1] == {
        "period": "2025-Q4",
        "count": 4,
        "average_progress": 43.75,
        "average_grade": 0.43,
    }
    # Key results are counted as they are now: A 100, B 30, D 10, G4's 80, F 100.
    assert body["key_results"] == {
        "total": 5,
        "average_progress": 64.0,
        "completed": 2,
        "not_started": 0,
        "overdue": 0,
        "stale": 0,
        "at_risk": 0,
        "by_kind": {**NO_KINDS, "increase": 5},
    }


def test_a_period_filter_keeps_its_grade(graded):
    build, _ = graded
    assert stats(build, period="2025-Q3")["periods"] == [
        {"period": "2025-Q3", "count": 1, "average_progress": 100.0, "average_grade": 1.0}
    ]
    assert stats(build, status="missed")["periods"][0]["average_grade"] == 0.23


def test_closings_add_no_query(app, frozen, client, build):
    objective = build.objective("2025-Q4")
    build.check_in(build.key_result(objective), 10, "2025-11-01T09:00:00Z", confidence=0.5)
    small = count_queries(app, client, build.headers)
    for index in range(6):
        objective = build.objective("2025-Q4")
        build.check_in(build.key_result(objective), index, "2025-11-02T09:00:00Z")
        build.close(objective, "missed")
        if index % 2:
            build.reopen(objective)
    assert count_queries(app, client, build.headers) == small
