"""Closing and reopening objectives: the frozen snapshot, the grade, the status, the history."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from okr_app.extensions import db
from okr_app.models import AuditRow, ObjectiveClosing


@pytest.fixture
def planned(owner):
    """An objective with two key results; its progress is (1 * 60 + 3 * 50) / 4 = 52.5.

    Signups 0 -> 200 (weight 1) at 120: 60 %, last confidence 0.5 (the latest check-in has
    none). Churn 8 -> 5 (weight 3, decreasing) at 6.5: 50 %, confidence 0.9.
    """
    objective = owner.objective(title="Grow", period="2026-Q1")
    signups = owner.key_result(objective["id"], title="Signups", metric="people", target_value=200)
    churn = owner.key_result(
        objective["id"], title="Churn", metric="%", start_value=8, target_value=5, weight=3
    )
    owner.check_in(signups["id"], value=50, confidence=0.5, at="2026-01-10T00:00:00Z")
    owner.check_in(signups["id"], value=120, at="2026-01-20T00:00:00Z")
    owner.check_in(churn["id"], value=6.5, confidence=0.9, at="2026-01-15T00:00:00Z")
    return objective, signups, churn


#: What a closing freezes of an increase or decrease beyond start and target: nothing.
UNUSED_KIND_FIELDS = dict.fromkeys(("threshold", "range_min", "range_max", "due_on", "in_band"))
EXPECTED_KEY_RESULTS = [
    {
        "title": "Signups",
        "metric": "people",
        **UNUSED_KIND_FIELDS,
        "kind": "increase",
        "start_value": 0.0,
        "target_value": 200.0,
        "weight": 1.0,
        "final_value": 120.0,
        "progress": 60.0,
        "confidence": 0.5,
    },
    {
        "title": "Churn",
        "metric": "%",
        **UNUSED_KIND_FIELDS,
        "kind": "decrease",
        "start_value": 8.0,
        "target_value": 5.0,
        "weight": 3.0,
        "final_value": 6.5,
        "progress": 50.0,
        "confidence": 0.9,
    },
]


def test_close_freezes_the_key_results_and_grades(owner, planned):
    objective, signups, churn = planned
    etag = owner.get(f"/objectives/{objective['id']}").headers["ETag"]
    before = datetime.now(UTC)
    response = owner.post(
        f"/objectives/{objective['id']}/close",
        {"outcome": "achieved", "retrospective": "  Churn was harder than planned.  "},
    )
    assert response.status_code == 200, response.get_json()
    assert response.headers["ETag"] != etag
    body = response.get_json()
    assert owner.get(f"/objectives/{objective['id']}").get_json() == body
    assert body["status"] == "completed"
    closing = body["closing"]
    assert closing["outcome"] == "achieved"
    assert closing["retrospective"] == "Churn was harder than planned."
    assert closing["final_progress"] == 52.5
    assert closing["grade"] == 0.53  # 52.5 / 100, halves up
    assert closing["reopened_at"] is None
    assert before <= datetime.fromisoformat(closing["closed_at"]) <= datetime.now(UTC)
    assert [item.pop("id") for item in closing["key_results"]] == [signups["id"], churn["id"]]
    assert closing["key_results"] == EXPECTED_KEY_RESULTS


def test_outcomes_set_their_statuses(owner):
    for outcome, status in (("missed", "missed"), ("cancelled", "cancelled")):
        objective = owner.objective()
        response = owner.post(f"/objectives/{objective['id']}/close", {"outcome": outcome})
        assert response.get_json()["status"] == status
        # Without key results, progress and grade are 0.
        assert response.get_json()["closing"]["grade"] == 0.0
        assert response.get_json()["closing"]["key_results"] == []


def test_the_snapshot_never_changes_afterwards(owner, planned):
    objective, signups, churn = planned
    path = f"/objectives/{objective['id']}"
    closed = owner.post(f"{path}/close", {"outcome": "missed"}).get_json()["closing"]
    owner.check_in(signups["id"], value=200)
    edited = owner.client.patch(
        f"/key-results/{signups['id']}", headers=owner.headers, json={"title": "Renamed"}
    )
    assert edited.status_code == 200
    deleted = owner.client.delete(f"/key-results/{churn['id']}", headers=owner.headers)
    assert deleted.status_code == 204
    body = owner.get(path).get_json()
    assert body["progress"] == 100.0  # the key results live on
    assert body["closing"] == closed
    assert owner.get(f"{path}/closings").get_json() == [closed]


def test_closing_twice_or_reopening_an_open_objective_is_409(owner, planned):
    objective, _, _ = planned
    path = f"/objectives/{objective['id']}"
    assert owner.post(f"{path}/reopen").status_code == 409
    assert owner.post(f"{path}/close", {"outcome": "achieved"}).status_code == 200
    again = owner.post(f"{path}/close", {"outcome": "missed"})
    assert again.status_code == 409
    assert again.get_json()["message"].startswith("The objective is closed already")
    assert owner.get(path).get_json()["closing"]["outcome"] == "achieved"


def test_reopening_keeps_the_history(owner, planned):
    objective, signups, _ = planned
    path = f"/objectives/{objective['id']}"
    first = owner.post(f"{path}/close", {"outcome": "missed"}).get_json()["closing"]
    reopened = owner.post(f"{path}/reopen")
    assert reopened.status_code == 200
    assert reopened.get_json()["status"] == "active"
    assert reopened.get_json()["closing"] is None
    owner.check_in(signups["id"], value=200)  # Signups 100 %: (100 + 3 * 50) / 4 = 62.5
    second = owner.post(f"{path}/close", {"outcome": "achieved"}).get_json()["closing"]
    assert (second["final_progress"], second["grade"]) == (62.5, 0.63)
    history = owner.get(f"{path}/closings").get_json()
    assert [item["id"] for item in history] == [first["id"], second["id"]]
    assert history[0]["reopened_at"] is not None
    assert {**history[0], "reopened_at": None} == first
    assert history[1] == second


def test_if_match_is_honoured(owner, planned):
    objective, _, _ = planned
    path = f"/objectives/{objective['id']}"
    stale = owner.get(path).headers["ETag"]
    owner.client.patch(path, headers=owner.headers, json={"title": "New title"})
    refused = owner.post(f"{path}/close", {"outcome": "achieved"}, **{"If-Match": stale})
    assert refused.status_code == 412
    assert owner.get(path).get_json()["closing"] is None
    current = owner.get(path).headers["ETag"]
    closed = owner.post(f"{path}/close", {"outcome": "achieved"}, **{"If-Match": current})
    assert closed.status_code == 200
    assert owner.post(f"{path}/reopen", **{"If-Match": current}).status_code == 412
    latest = closed.headers["ETag"]
    assert owner.post(f"{path}/reopen", **{"If-Match": latest}).status_code == 200


def test_a_closed_objective_keeps_its_status_until_reopened(owner, planned):
    objective, _, _ = planned
    path = f"/objectives/{objective['id']}"
    owner.post(f"{path}/close", {"outcome": "achieved"})
    patch = owner.client.patch
    assert patch(path, headers=owner.headers, json={"status": "active"}).status_code == 409
    assert patch(path, headers=owner.headers, json={"title": "Grown"}).status_code == 200
    put = owner.client.put
    body = {"title": "Grown", "period": "2026-Q1"}
    assert put(path, headers=owner.headers, json=body).status_code == 409  # status: active
    done = put(path, headers=owner.headers, json={**body, "status": "completed"})
    assert done.status_code == 200
    assert done.get_json()["closing"]["outcome"] == "achieved"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"outcome": "done"},
        {"outcome": "achieved", "retrospective": "x" * 2001},
        {"outcome": "achieved", "grade": 1},
    ],
)
def test_bad_close_bodies_are_422(owner, body):
    objective = owner.objective()
    response = owner.post(f"/objectives/{objective['id']}/close", body)
    assert response.status_code == 422
    assert owner.get(f"/objectives/{objective['id']}").get_json()["closing"] is None


def test_other_users_objectives_answer_404(owner, auth, client):
    objective = owner.objective()
    _, _, stranger = auth.user()
    path = f"/objectives/{objective['id']}"
    assert (
        client.post(f"{path}/close", headers=stranger, json={"outcome": "missed"}).status_code
        == 404
    )
    assert client.post(f"{path}/reopen", headers=stranger).status_code == 404
    assert client.get(f"{path}/closings", headers=stranger).status_code == 404
    assert owner.get(path).get_json()["closing"] is None


def test_closings_are_audited_and_go_with_their_objective(app, owner, planned):
    objective, _, _ = planned
    path = f"/objectives/{objective['id']}"
    closing = owner.post(f"{path}/close", {"outcome": "missed"}).get_json()["closing"]
    owner.post(f"{path}/reopen")
    with app.app_context():
        rows = db.session.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(2)).all()
        assert [row.action for row in rows] == ["objective.reopened", "objective.closed"]
        assert rows[1].details == {
            "closing_id": closing["id"],
            "outcome": "missed",
            "grade": 0.53,
            "changes": {"status": {"old": "active", "new": "missed"}},
        }
        assert rows[0].details["changes"] == {"status": {"old": "missed", "new": "active"}}
    assert owner.client.delete(path, headers=owner.headers).status_code == 204
    with app.app_context():
        assert db.session.scalars(select(ObjectiveClosing)).all() == []


def test_the_grade_is_that_of_the_final_progress_answered(owner):
    """52.496 % is answered 52.5 and grades 0.53, as 52.5 does: never 0.52 beside it."""
    objective = owner.objective(title="Edge", period="2026-Q1")
    owner.key_result(objective["id"], title="Readers", metric="people", current_value=52.496)
    path = f"/objectives/{objective['id']}/close"
    closed = owner.post(path, {"outcome": "missed"}).get_json()["closing"]
    assert (closed["final_progress"], closed["grade"]) == (52.5, 0.53)
