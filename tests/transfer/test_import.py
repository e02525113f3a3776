"""POST /import: a document becomes the caller's data, whole or not at all."""

import json

import pytest
from sqlalchemy import func, select

from okr_app.extensions import db
from okr_app.models import AuditRow, CheckIn, KeyResult, Objective, ObjectiveClosing


def document(*objectives):
    """Return an export document holding ``objectives``."""
    return {"version": 1, "exported_at": "2026-03-01T00:00:00Z", "objectives": list(objectives)}


def objective(number, **fields):
    """Return an objective record with document id ``number``."""
    return {
        "id": number,
        "title": f"Objective {number}",
        "period": "2026-Q1",
        "status": "active",
    } | fields


def key_result(number, **fields):
    """Return a key result record with document id ``number``."""
    values = {"start_value": 0, "target_value": 10, "current_value": 4, "weight": 1}
    return {"id": number, "title": f"Result {number}", "metric": "n", **values} | fields


CLOSING = {
    "outcome": "achieved",
    "grade": 0.4,
    "final_progress": 40.0,
    "closed_at": "2026-02-01T00:00:00Z",
    "key_results": [
        {
            "id": 70,
            "title": "Result 70",
            "metric": "n",
            "start_value": 0,
            "target_value": 10,
            "weight": 1,
            "final_value": 4,
            "progress": 40,
        },
        {
            "id": None,
            "title": "Gone",
            "metric": "n",
            "start_value": 0,
            "target_value": 10,
            "weight": 1,
            "final_value": 4,
            "progress": 40,
        },
    ],
}


def counts(app):
    """Return the number of objectives, key results, check-ins and closings stored."""
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Objective, KeyResult, CheckIn, ObjectiveClosing)
        )


def test_the_document_becomes_the_callers_data(account, app):
    check_ins = [
        {"at": "2026-01-05T10:00:00Z", "value": 2, "confidence": 0.5, "note": " first "},
        {"at": "2026-01-20T10:00:00Z", "value": 4, "source": "n8n"},
    ]
    body = document(
        objective(50, title="Copy", copied_from_id=60, period="2026-Q2"),
        objective(
            60,
            status="completed",
            closings=[CLOSING],
            key_results=[key_result(70, check_ins=check_ins)],
        ),
    )
    result = account.send("POST", "/import", body, 201)
    new_copy, new_original = result.pop("objective_ids")
    assert result == {"objectives": 2, "key_results": 1, "check_ins": 2, "closings": 1}
    copy = account.send("GET", f"/objectives/{new_copy}")
    assert (copy["title"], copy["period"], copy["copied_from_id"]) == (
        "Copy",
        "2026-Q2",
        new_original,
    )
    original = account.send("GET", f"/objectives/{new_original}")
    assert (original["status"], original["start_date"]) == ("completed", "2026-01-01")
    (imported,) = original["key_results"]
    assert (imported["title"], imported["current_value"], imported["progress"]) == (
        "Result 70",
        4.0,
        40.0,
    )
    assert original["closing"]["grade"] == 0.4
    frozen = original["closing"]["key_results"]
    assert [item["id"] for item in frozen] == [imported["id"], None]
    history = account.send("GET", f"/key-results/{imported['id']}/check-ins")
    assert [
        (item["at"], item["value"], item["confidence"], item["note"], item["source"])
        for item in history
    ] == [
        ("2026-01-05T10:00:00+00:00", 2.0, 0.5, "first", None),
        ("2026-01-20T10:00:00+00:00", 4.0, None, None, "n8n"),
    ]
    assert counts(app) == (2, 1, 2, 1)
    with app.app_context():
        row = db.session.scalar(select(AuditRow).order_by(AuditRow.id.desc()).limit(1))
        assert (row.action, row.outcome) == ("data.imported", "success")
        assert row.details == {"objectives": 2, "key_results": 1, "check_ins": 2, "closings": 1}


def test_an_import_adds_to_what_is_there(account, app):
    account.send("POST", "/objectives", {"title": "Mine", "period": "2026"}, 201)
    account.send("POST", "/import", document(objective(1)), 201)
    account.send("POST", "/import", document(objective(1)), 201)
    titles = [item["title"] for item in account.send("GET", "/objectives")]
    assert titles == ["Objective 1", "Objective 1", "Mine"]


@pytest.mark.settings(OKR_IMPORT_MAX_BYTES=200 * 1024)
def test_imports_have_their_own_size_limit(account, app):
    records = [objective(number, description="x" * 1900) for number in range(1, 60)]
    body = document(*records)
    assert 64 * 1024 < len(json.dumps(body)) < 200 * 1024
    assert account.send("POST", "/import", body, 201)["objectives"] == 59
    too_big = document(
        *records, *[objective(100 + number, description="y" * 1900) for number in range(60)]
    )
    assert len(json.dumps(too_big)) > 200 * 1024
    response = account.client.post("/import", headers=account.headers, json=too_big)
    assert response.status_code == 413
    assert response.get_json()["code"] == 413
    assert counts(app)[0] == 59
    # Every other endpoint keeps OKR_MAX_BODY_BYTES.
    other = account.client.post(
        "/objectives", headers=account.headers, json={"title": "x" * 70000, "period": "2026"}
    )
    assert other.status_code == 413


def test_the_default_import_limit_is_10_mib(app):
    assert app.config["OKR_IMPORT_MAX_BYTES"] == 10 * 1024 * 1024


def test_import_needs_a_token(client, app):
    assert client.post("/import", json=document()).status_code == 401
    assert counts(app) == (0, 0, 0, 0)
