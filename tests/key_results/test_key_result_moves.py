"""Moving a key result to another objective: progress, a milestone's due day, the audit."""

from sqlalchemy import select

from okr_app.extensions import db
from okr_app.models import AuditRow
from tests.factories import create_key_result, create_objective
from tests.key_results.conftest import objective_progress


def test_moving_to_another_own_objective(client, owner):
    headers, objective = owner
    target = create_objective(client, headers, title="Other")
    key_result = create_key_result(client, headers, objective["id"], current_value=50)
    response = client.patch(
        f"/key-results/{key_result['id']}", headers=headers, json={"objective_id": target["id"]}
    )
    assert response.status_code == 200
    assert response.get_json()["objective_id"] == target["id"]
    assert objective_progress(client, headers, objective["id"]) == 0
    assert objective_progress(client, headers, target["id"]) == 50
    missing = client.patch(
        f"/key-results/{key_result['id']}", headers=headers, json={"objective_id": 99999}
    )
    assert missing.status_code == 422
    assert "objective_id" in missing.get_json()["errors"]["json"]


def test_a_move_takes_a_milestone_due_day_along(app, client, owner):
    headers, objective = owner
    later = create_objective(client, headers, period="2026-Q2")
    milestone = create_key_result(
        client, headers, objective["id"], kind="milestone", due_on="2026-02-01"
    )
    path = f"/key-results/{milestone['id']}"
    # 31 days into 2026-Q1, so 31 days into 2026-Q2, as a change of period would move it.
    moved = client.patch(path, headers=headers, json={"objective_id": later["id"]})
    assert moved.status_code == 200, moved.get_json()
    assert (moved.get_json()["objective_id"], moved.get_json()["due_on"]) == (
        later["id"],
        "2026-05-02",
    )
    # A due day sent with the move is taken as sent, and must lie in the new period.
    body = {"objective_id": objective["id"], "due_on": "2026-05-02"}
    refused = client.patch(path, headers=headers, json=body)
    assert refused.status_code == 422
    assert "2026-01-01 to 2026-03-31" in refused.get_json()["errors"]["json"]["due_on"][0]
    assert client.get(path, headers=headers).get_json()["objective_id"] == later["id"]
    body["due_on"] = "2026-03-31"
    back = client.patch(path, headers=headers, json=body).get_json()
    assert (back["objective_id"], back["due_on"]) == (objective["id"], "2026-03-31")
    with app.app_context():
        row = db.session.scalars(
            select(AuditRow).where(AuditRow.action == "key_result.updated").order_by(AuditRow.id)
        ).first()
    assert row.details["changes"]["due_on"] == {"old": "2026-02-01", "new": "2026-05-02"}


def test_a_move_sent_with_the_kind_takes_the_due_day_along_too(client, owner):
    """Naming the milestone's kind (a client sending what it shows) is no due day sent."""
    headers, objective = owner
    later = create_objective(client, headers, period="2026-Q2")
    milestone = create_key_result(
        client, headers, objective["id"], kind="milestone", due_on="2026-02-01"
    )
    body = {"objective_id": later["id"], "kind": "milestone"}
    moved = client.patch(f"/key-results/{milestone['id']}", headers=headers, json=body)
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["due_on"] == "2026-05-02"
