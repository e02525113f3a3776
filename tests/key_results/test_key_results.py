"""Key results through the API: defaults, progress, weights, check-ins, lists and audit."""

import pytest
from sqlalchemy import select

from okr_app.extensions import db
from okr_app.models import AuditRow
from tests.factories import create_key_result, create_objective
from tests.key_results.conftest import objective_progress


def test_defaults_and_location(client, owner):
    headers, objective = owner
    response = client.post(
        "/key-results",
        headers=headers,
        json={"objective_id": objective["id"], "title": " Signups ", "metric": "signups"},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/key-results/{body['id']}")
    assert response.headers["ETag"]
    assert body["title"] == "Signups"
    assert body["objective_id"] == objective["id"]
    assert (body["start_value"], body["target_value"], body["current_value"]) == (0, 100, 0)
    assert (body["weight"], body["progress"]) == (1, 0)
    assert client.get(f"/key-results/{body['id']}/check-ins", headers=headers).get_json() == []


@pytest.mark.parametrize(
    ("start", "target", "current", "progress"),
    [
        (0, 200, 50, 25),
        (10, 20, 25, 100),
        (10, 20, 5, 0),
        (100, 40, 70, 50),
        (100, 40, 100, 0),
        (100, 40, 10, 100),
        (5.0, 2.0, 4.4, 20),
    ],
)
def test_progress_for_increasing_and_decreasing_metrics(
    client, owner, start, target, current, progress
):
    headers, objective = owner
    body = create_key_result(
        client,
        headers,
        objective["id"],
        start_value=start,
        target_value=target,
        current_value=current,
    )
    assert body["progress"] == pytest.approx(progress)
    assert objective_progress(client, headers, objective["id"]) == pytest.approx(progress)


def test_objective_progress_is_the_weighted_mean_and_always_fresh(client, owner):
    headers, objective = owner
    heavy = create_key_result(client, headers, objective["id"], weight=3, current_value=20)
    light = create_key_result(
        client, headers, objective["id"], start_value=10, target_value=0, current_value=0
    )
    # (3 * 20 + 1 * 100) / 4 = 40
    assert objective_progress(client, headers, objective["id"]) == pytest.approx(40)
    client.patch(f"/key-results/{heavy['id']}", headers=headers, json={"current_value": 60})
    # (3 * 60 + 100) / 4 = 70
    assert objective_progress(client, headers, objective["id"]) == pytest.approx(70)
    client.patch(f"/key-results/{heavy['id']}", headers=headers, json={"weight": 1})
    assert objective_progress(client, headers, objective["id"]) == pytest.approx(80)
    client.delete(f"/key-results/{light['id']}", headers=headers)
    assert objective_progress(client, headers, objective["id"]) == pytest.approx(60)
    client.delete(f"/key-results/{heavy['id']}", headers=headers)
    assert objective_progress(client, headers, objective["id"]) == 0
    listed = client.get("/objectives", headers=headers).get_json()
    assert listed[0]["progress"] == 0


def test_progress_instead_of_current_value_sets_the_value(client, owner):
    headers, objective = owner
    created = create_key_result(
        client, headers, objective["id"], start_value=100, target_value=20, progress=25
    )
    assert created["current_value"] == pytest.approx(80)
    assert created["progress"] == pytest.approx(25)
    changed = client.patch(
        f"/key-results/{created['id']}",
        headers=headers,
        json={"target_value": 0, "progress": 50},
    ).get_json()
    assert changed["current_value"] == pytest.approx(50)
    assert changed["progress"] == pytest.approx(50)


def test_put_keeps_the_current_value_unless_sent(client, owner):
    headers, objective = owner
    key_result = create_key_result(client, headers, objective["id"], current_value=40, weight=2)
    path = f"/key-results/{key_result['id']}"
    body = {"objective_id": objective["id"], "title": "Renamed", "metric": "people"}
    replaced = client.put(path, headers=headers, json=body).get_json()
    assert (replaced["title"], replaced["current_value"], replaced["weight"]) == ("Renamed", 40, 1)
    missing = client.put(path, headers=headers, json={"title": "x", "metric": "y"})
    assert missing.status_code == 422
    assert "objective_id" in missing.get_json()["errors"]["json"]


def test_changing_the_current_value_records_a_check_in(client, owner):
    headers, objective = owner
    key_result = create_key_result(client, headers, objective["id"])
    path = f"/key-results/{key_result['id']}"
    body = {"objective_id": objective["id"], "title": "t", "metric": "m"}
    client.patch(path, headers=headers, json={"current_value": 10})
    client.put(path, headers=headers, json={**body, "current_value": 30})
    client.patch(path, headers=headers, json={"progress": 45})
    client.patch(path, headers=headers, json={"current_value": 45, "title": "same value"})
    client.patch(path, headers=headers, json={"title": "no value"})
    history = client.get(f"{path}/check-ins", headers=headers).get_json()
    assert [item["value"] for item in history] == [10, 30, 45]
    assert client.get(path, headers=headers).get_json()["current_value"] == 45


def test_a_first_value_equal_to_the_placeholder_records_a_check_in(client, owner):
    headers, objective = owner
    create_key_result(
        client, headers, objective["id"], kind="stay_below", threshold=3, current_value=2
    )
    copied = client.post(
        f"/objectives/{objective['id']}/copy", headers=headers, json={"period": "2026-Q1"}
    )
    assert copied.status_code == 201, copied.get_json()
    copy = copied.get_json()["key_results"][0]
    assert (copy["current_value"], copy["in_band"]) == (0, None)
    path = f"/key-results/{copy['id']}"
    stated = client.patch(path, headers=headers, json={"current_value": 0}).get_json()
    assert stated["in_band"] is True
    history = client.get(f"{path}/check-ins", headers=headers).get_json()
    assert [item["value"] for item in history] == [0]
    # A key result created without a value, made a stay_* one with its placeholder stated.
    unstated = create_key_result(client, headers, objective["id"])
    path = f"/key-results/{unstated['id']}"
    body = {"kind": "stay_above", "threshold": -1, "current_value": 0}
    changed = client.patch(path, headers=headers, json=body).get_json()
    assert changed["in_band"] is True
    history = client.get(f"{path}/check-ins", headers=headers).get_json()
    assert [item["value"] for item in history] == [0]


def test_list_filters_by_objective_oldest_first_and_paginates(client, owner):
    headers, objective = owner
    other = create_objective(client, headers)
    first = create_key_result(client, headers, objective["id"], title="first")
    create_key_result(client, headers, other["id"], title="elsewhere")
    third = create_key_result(client, headers, objective["id"], title="third")
    everything = client.get("/key-results", headers=headers).get_json()
    assert [item["title"] for item in everything] == ["first", "elsewhere", "third"]
    filtered = client.get(f"/key-results?objective_id={objective['id']}", headers=headers)
    assert [item["id"] for item in filtered.get_json()] == [first["id"], third["id"]]
    page = client.get("/key-results?page=2&page_size=2", headers=headers)
    assert [item["title"] for item in page.get_json()] == ["third"]
    assert '"total": 3' in page.headers["X-Pagination"]
    assert client.get("/key-results?page_size=101", headers=headers).status_code == 422
    for query in ("objective_id=x", "objective_id=99999999999", "objective_id=0"):
        assert client.get(f"/key-results?{query}", headers=headers).status_code == 422, query


def test_update_and_delete_are_audited_with_changes_and_snapshot(app, client, owner):
    headers, objective = owner
    key_result = create_key_result(client, headers, objective["id"], title="Old")
    path = f"/key-results/{key_result['id']}"
    client.patch(path, headers=headers, json={"title": "New", "current_value": 12.5})
    client.delete(path, headers=headers)
    with app.app_context():
        rows = db.session.scalars(
            select(AuditRow).where(AuditRow.resource_type == "key_result").order_by(AuditRow.id)
        ).all()
    assert [row.action for row in rows] == [
        "key_result.created",
        "key_result.updated",
        "key_result.deleted",
    ]
    assert rows[1].details == {
        "changes": {
            "title": {"old": "Old", "new": "New"},
            "current_value": {"old": 0, "new": 12.5},
        }
    }
    snapshot = rows[2].details["deleted"]
    assert (snapshot["id"], snapshot["title"], snapshot["current_value"]) == (
        key_result["id"],
        "New",
        12.5,
    )
    assert [item["value"] for item in snapshot["check_ins"]] == [12.5]
