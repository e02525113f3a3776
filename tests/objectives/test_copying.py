"""Carrying objectives over: copies of the key results, from the start or the final values."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from okr_app.extensions import db
from okr_app.models import AuditRow

COPIED_FIELDS = ("title", "metric", "start_value", "target_value", "weight")


@pytest.fixture
def original(owner):
    """A 2026-Q1 objective: Revenue 10 -> 50 (weight 2) at 30, Churn 8 -> 5 at 7."""
    objective = owner.objective(title="Grow", period="2026-Q1", description="Year one")
    revenue = owner.key_result(
        objective["id"], title="Revenue", metric="kEUR", start_value=10, target_value=50, weight=2
    )
    churn = owner.key_result(
        objective["id"], title="Churn", metric="%", start_value=8, target_value=5
    )
    owner.check_in(revenue["id"], value=30, at="2026-02-01T00:00:00Z")
    owner.check_in(churn["id"], value=7, at="2026-02-01T00:00:00Z")
    return owner.get(f"/objectives/{objective['id']}").get_json()


def copy(owner, objective_id, query="", **body):
    """POST a copy request and return the response."""
    return owner.post(f"/objectives/{objective_id}/copy{query}", body)


def history(owner, key_result_id):
    """Return a key result's check-ins."""
    return owner.get(f"/key-results/{key_result_id}/check-ins").get_json()


def test_a_copy_starts_from_the_start_values_by_default(owner, original):
    response = copy(owner, original["id"], period="2026-Q2")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/objectives/{body['id']}")
    assert response.headers["ETag"]
    assert body["id"] != original["id"]
    assert (body["title"], body["description"], body["status"]) == ("Grow", "Year one", "active")
    assert (body["period"], body["start_date"], body["end_date"]) == (
        "2026-Q2",
        "2026-04-01",
        "2026-06-30",
    )
    assert body["copied_from_id"] == original["id"]
    assert body["closing"] is None
    for copied, source in zip(body["key_results"], original["key_results"], strict=True):
        assert copied["id"] != source["id"]
        assert copied["objective_id"] == body["id"]
        assert {name: copied[name] for name in COPIED_FIELDS} == {
            name: source[name] for name in COPIED_FIELDS
        }
        assert copied["current_value"] == source["start_value"]
        assert history(owner, copied["id"]) == []
    assert body["progress"] == 0.0
    assert owner.get(f"/objectives/{original['id']}").get_json() == original


def test_carried_values_are_the_current_ones_and_recorded(owner, original):
    body = copy(owner, original["id"], "?carry_values=true", period="2026-Q2").get_json()
    revenue, churn = body["key_results"]
    assert (revenue["current_value"], churn["current_value"]) == (30.0, 7.0)
    # Revenue (30 - 10) / 40 = 50 %, Churn (7 - 8) / -3 = 33.3 %: (2 * 50 + 33.3) / 3
    assert body["progress"] == 44.44  # rounded to 2 decimals
    for key_result, value in ((revenue, 30.0), (churn, 7.0)):
        (check_in,) = history(owner, key_result["id"])
        assert (check_in["value"], check_in["note"]) == (value, "Carried over from 2026-Q1.")
        # Dated at the new period's start, so it bends no forecast of the quarter it leaves.
        assert datetime.fromisoformat(check_in["at"]) == datetime(2026, 4, 1, tzinfo=UTC)
    assert owner.get(f"/objectives/{original['id']}").get_json() == original


def test_a_closed_objective_carries_its_frozen_final_values(owner, original):
    path = f"/objectives/{original['id']}"
    assert owner.post(f"{path}/close", {"outcome": "missed"}).status_code == 200
    revenue = original["key_results"][0]
    owner.check_in(revenue["id"], value=45)  # after the closing: not carried
    # Added after the closing: no frozen value, so its current value is carried.
    owner.key_result(original["id"], title="Late", metric="n", current_value=4)
    body = copy(owner, original["id"], "?carry_values=1", period="2026-Q2").get_json()
    assert [item["current_value"] for item in body["key_results"]] == [30.0, 7.0, 4.0]
    assert [item["title"] for item in body["key_results"]] == ["Revenue", "Churn", "Late"]
    without = copy(owner, original["id"], "?carry_values=false", period="2026-Q3").get_json()
    assert [item["current_value"] for item in without["key_results"]] == [10.0, 8.0, 0.0]


@pytest.mark.parametrize("closed", [False, True])
def test_a_stay_key_result_without_a_value_carries_none(owner, closed):
    first = owner.objective(title="Steady", period="2026-Q1")
    for title in ("Blank", "Set"):
        stay = {"title": title, "kind": "stay_above", "threshold": -5, "current_value": 12}
        owner.key_result(first["id"], **stay)
    # A copy without carry_values: its stay_above key results have no value yet.
    objective = copy(owner, first["id"], period="2026-Q2").get_json()
    blank, valued = objective["key_results"]
    assert blank["in_band"] is None
    owner.check_in(valued["id"], value=3, at="2026-05-01T00:00:00Z")
    path = f"/objectives/{objective['id']}"
    if closed:
        assert owner.post(f"{path}/close", {"outcome": "missed"}).status_code == 200
        # A value after the closing: the frozen one (none) is carried, not this one.
        owner.check_in(blank["id"], value=7)
    body = copy(owner, objective["id"], "?carry_values=true", period="2026-Q3").get_json()
    copied_blank, copied_valued = body["key_results"]
    # No value, as a copy without carry_values has: not the placeholder 0, which lies in band.
    assert (copied_blank["in_band"], copied_blank["progress"]) == (None, 0.0)
    assert history(owner, copied_blank["id"]) == []
    assert (copied_valued["current_value"], copied_valued["in_band"]) == (3.0, True)
    (carried,) = history(owner, copied_valued["id"])
    assert (carried["value"], carried["note"]) == (3.0, "Carried over from 2026-Q2.")


@pytest.mark.parametrize(
    ("query", "body"),
    [
        ("", {}),
        ("", {"period": "2026-Q5"}),
        ("", {"period": "2026-Q2", "title": "Other"}),
        ("?carry_values=maybe", {"period": "2026-Q2"}),
    ],
)
def test_bad_copy_requests_are_422(owner, original, query, body):
    response = owner.post(f"/objectives/{original['id']}/copy{query}", body)
    assert response.status_code == 422
    assert len(owner.get("/objectives").get_json()) == 1


def test_copies_of_others_objectives_answer_404(owner, original, auth, client):
    _, _, stranger = auth.user()
    response = client.post(
        f"/objectives/{original['id']}/copy", headers=stranger, json={"period": "2026-Q2"}
    )
    assert response.status_code == 404
    assert client.get("/objectives", headers=stranger).get_json() == []


def test_a_copy_is_audited(app, owner, original):
    body = copy(owner, original["id"], "?carry_values=true", period="2027").get_json()
    with app.app_context():
        row = db.session.scalar(select(AuditRow).order_by(AuditRow.id.desc()).limit(1))
        assert (row.action, row.resource_id, row.status_code) == (
            "objective.copied",
            str(body["id"]),
            201,
        )
        assert row.details == {
            "copied_from_id": original["id"],
            "period": "2027",
            "carry_values": True,
            "with_children": False,
            "children": [],
        }


def test_a_new_key_result_never_takes_the_id_of_a_frozen_one(owner, original):
    path = f"/objectives/{original['id']}"
    owner.post(f"{path}/close", {"outcome": "missed"})
    churn = original["key_results"][1]  # the newest key result: SQLite would reuse its id
    assert (
        owner.client.delete(f"/key-results/{churn['id']}", headers=owner.headers).status_code == 204
    )
    late = owner.key_result(original["id"], title="Late", metric="n", current_value=4)
    assert late["id"] > churn["id"]
    body = copy(owner, original["id"], "?carry_values=true", period="2026-Q2").get_json()
    assert [item["current_value"] for item in body["key_results"]] == [30.0, 4.0]


def test_a_key_result_whose_kind_changed_since_the_closing_carries_its_current_value(owner):
    """A value frozen for one kind says nothing in another: an increase's 1 is no milestone done."""
    objective = owner.objective(title="Launch", period="2026-Q1")
    became_milestone = owner.key_result(objective["id"], title="Ship", target_value=10)
    owner.check_in(became_milestone["id"], value=1, at="2026-02-01T00:00:00Z")
    became_stay = owner.key_result(objective["id"], title="Errors", target_value=10)  # no value
    path = f"/objectives/{objective['id']}"
    assert owner.post(f"{path}/close", {"outcome": "missed"}).status_code == 200
    for key_result, change in (
        (became_milestone, {"kind": "milestone"}),
        (became_stay, {"kind": "stay_below", "threshold": 3}),
    ):
        changed = owner.client.patch(
            f"/key-results/{key_result['id']}", headers=owner.headers, json=change
        )
        assert changed.status_code == 200, changed.get_json()
    body = copy(owner, objective["id"], "?carry_values=true", period="2026-Q2").get_json()
    milestone, stay = body["key_results"]
    assert (milestone["kind"], milestone["done"], milestone["progress"]) == ("milestone", False, 0)
    assert (stay["kind"], stay["in_band"]) == ("stay_below", None)
    assert history(owner, stay["id"]) == []
