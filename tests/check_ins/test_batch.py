"""POST /check-ins: many check-ins in one request, all recorded or none."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from okr_app.extensions import db
from okr_app.models import AuditRow, CheckIn
from tests.conftest import bearer
from tests.factories import check_in, create_key_result, create_objective, create_token


@pytest.fixture
def owner(client, auth):
    """A user with two key results (0 to 100): ``(headers, first, second)``."""
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    first = create_key_result(client, headers, objective["id"], title="Runs")
    second = create_key_result(client, headers, objective["id"], title="Books")
    return headers, first, second


def count(app, model):
    """Return the number of rows of ``model``."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def earlier(hours):
    """Return an ISO moment ``hours`` ago."""
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat()


def test_a_batch_records_every_check_in_in_order(app, client, owner):
    headers, first, second = owner
    items = [
        {"key_result_id": first["id"], "value": 10, "at": earlier(3), "note": "morning"},
        {"key_result_id": second["id"], "progress": 50, "confidence": 0.8},
        {"key_result_id": first["id"], "delta": 5, "source": "garmin"},
        {"key_result_id": first["id"], "delta": 1},
    ]
    response = client.post("/check-ins", headers=headers, json={"check_ins": items})
    assert response.status_code == 201
    body = response.get_json()
    assert [item["value"] for item in body["check_ins"]] == [10, 50, 15, 16]
    assert [item["source"] for item in body["check_ins"]] == [None, None, "garmin", None]
    assert body["check_ins"][0]["note"] == "morning"
    assert [(item["id"], item["current_value"]) for item in body["key_results"]] == [
        (first["id"], 16),
        (second["id"], 50),
    ]
    assert body["key_results"][0]["forecast_reason"]  # read as it stands afterwards
    assert count(app, CheckIn) == 4


def test_one_audit_row_per_check_in(app, client, owner):
    headers, first, second = owner
    items = [
        {"key_result_id": first["id"], "value": 1},
        {"key_result_id": second["id"], "value": 2},
    ]
    response = client.post(
        "/check-ins", headers={**headers, "X-Request-ID": "batch-rows"}, json={"check_ins": items}
    )
    with app.app_context():
        every = db.session.scalars(select(AuditRow).order_by(AuditRow.id)).all()
        # The client's X-Request-ID is kept in the details; the rows share one id of their own.
        rows = [row for row in every if row.details.get("client_request_id") == "batch-rows"]
        assert len({row.request_id for row in rows}) == 1
    created = response.get_json()["check_ins"]
    assert [(row.action, row.resource_type, row.outcome) for row in rows] == [
        ("check_in.created", "check_in", "success")
    ] * 2
    assert [row.resource_id for row in rows] == [str(item["id"]) for item in created]
    assert [row.details["key_result_id"] for row in rows] == [first["id"], second["id"]]


def test_one_bad_item_refuses_the_batch_naming_it(app, client, owner):
    headers, first, _ = owner
    items = [
        {"key_result_id": first["id"], "value": 1},
        {"key_result_id": first["id"], "value": 1, "delta": 1},
        {"key_result_id": first["id"], "confidence": 2, "value": 3},
    ]
    response = client.post("/check-ins", headers=headers, json={"check_ins": items})
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]
    assert {name.rpartition(".")[0] for name in errors} == {"check_ins.1", "check_ins.2"}
    assert "check_ins.1.value" in errors and "check_ins.2.confidence" in errors
    assert count(app, CheckIn) == 0


def test_rules_needing_the_key_results_refuse_the_whole_batch(app, client, auth, owner):
    headers, first, second = owner
    _, _, other = auth.user()
    theirs = create_key_result(client, other, create_objective(client, other)["id"])
    check_in(client, headers, second["id"], value=5, at=earlier(1))
    items = [
        {"key_result_id": first["id"], "value": 1},
        {"key_result_id": theirs["id"], "value": 1},
        {"key_result_id": 2**31 - 1, "value": 1},
    ]
    response = client.post("/check-ins", headers=headers, json={"check_ins": items})
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"] == {
        "check_ins.1.key_result_id": ["No such key result."],
        "check_ins.2.key_result_id": ["No such key result."],
    }
    late_delta = [
        {"key_result_id": first["id"], "value": 1},
        {"key_result_id": second["id"], "delta": 1, "at": earlier(2)},
        {
            "key_result_id": second["id"],
            "value": 9,
            "at": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
        },
    ]
    response = client.post("/check-ins", headers=headers, json={"check_ins": late_delta})
    assert response.status_code == 422
    assert {name.split(".")[1] for name in response.get_json()["errors"]["json"]} == {"2"}
    response = client.post("/check-ins", headers=headers, json={"check_ins": late_delta[:2]})
    assert response.get_json()["errors"]["json"] == {
        "check_ins.1.at": [
            "A delta adds to the current value: it cannot predate the latest check-in."
        ]
    }
    assert count(app, CheckIn) == 1
    assert (
        client.get(f"/key-results/{first['id']}", headers=headers).get_json()["current_value"] == 0
    )


@pytest.mark.settings(OKR_CHECK_IN_BATCH_MAX_ITEMS=3)
def test_a_batch_holds_one_to_the_setting_items(client, owner):
    headers, first, _ = owner
    item = {"key_result_id": first["id"], "delta": 1}
    empty = client.post("/check-ins", headers=headers, json={"check_ins": []})
    assert "check_ins" in empty.get_json()["errors"]["json"]
    too_many = client.post("/check-ins", headers=headers, json={"check_ins": [item] * 4})
    assert too_many.status_code == 422
    assert "At most 3" in too_many.get_json()["errors"]["json"]["check_ins"][0]
    assert (
        client.post("/check-ins", headers=headers, json={"check_ins": [item] * 3}).status_code
        == 201
    )


def test_the_default_batch_limit_is_500(app):
    assert app.config["OKR_CHECK_IN_BATCH_MAX_ITEMS"] == 500


def test_a_restricted_token_may_batch_its_key_results_only(client, owner):
    headers, first, second = owner
    token = bearer(
        create_token(client, headers, name="watch", key_result_ids=[first["id"]])["token"]
    )
    mixed = [
        {"key_result_id": first["id"], "value": 1},
        {"key_result_id": second["id"], "value": 1},
    ]
    assert client.post("/check-ins", headers=token, json={"check_ins": mixed}).status_code == 403
    response = client.post("/check-ins", headers=token, json={"check_ins": mixed[:1]})
    assert response.status_code == 201
    assert response.get_json()["check_ins"][0]["source"] == "watch"


def test_a_late_check_in_moves_the_version_whichever_route(client, auth):
    with time_machine.travel(datetime(2026, 2, 15, 12, tzinfo=UTC), tick=False):
        _, _, headers = auth.user()
        objective = create_objective(client, headers, period="2026-Q1")
        key_result = create_key_result(client, headers, objective["id"], current_value=30)
        path = f"/key-results/{key_result['id']}"
        before = client.get(path, headers=headers)
        late = [{"key_result_id": key_result["id"], "value": 10, "at": "2026-01-05T00:00:00Z"}]
        response = client.post("/check-ins", headers=headers, json={"check_ins": late})
        assert response.status_code == 201
        after = client.get(path, headers=headers)
        assert after.get_json()["current_value"] == 30
        assert after.get_json()["forecast"] != before.get_json()["forecast"]
        assert after.headers["ETag"] != before.headers["ETag"]
        # As the key result's own route does.
        response = check_in(client, headers, key_result["id"], value=20, at="2026-02-01T00:00Z")
        assert response.status_code == 201
        assert client.get(path, headers=headers).headers["ETag"] != after.headers["ETag"]


def test_a_delta_adds_to_a_value_stated_earlier_in_the_batch_of_a_stay_kind(client, auth):
    """A stay key result without a value yet takes a delta once an earlier item stated one."""
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    create_key_result(
        client, headers, objective["id"], kind="stay_above", threshold=10, current_value=12
    )
    copy = client.post(
        f"/objectives/{objective['id']}/copy", headers=headers, json={"period": objective["period"]}
    )
    (stay,) = copy.get_json()["key_results"]  # without a value: its 0 is a placeholder
    assert stay["in_band"] is None
    alone = [{"key_result_id": stay["id"], "delta": 1}]
    refused = client.post("/check-ins", headers=headers, json={"check_ins": alone})
    assert refused.status_code == 422
    items = [{"key_result_id": stay["id"], "value": 5}, {"key_result_id": stay["id"], "delta": 1}]
    response = client.post("/check-ins", headers=headers, json={"check_ins": items})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["key_results"][0]["current_value"] == 6


def test_each_audit_row_says_where_its_own_check_in_left_the_key_result(app, client, owner):
    headers, first, _ = owner
    items = [{"key_result_id": first["id"], "value": 2}, {"key_result_id": first["id"], "value": 7}]
    created = client.post("/check-ins", headers=headers, json={"check_ins": items}).get_json()
    with app.app_context():
        rows = db.session.scalars(
            select(AuditRow).where(AuditRow.action == "check_in.created").order_by(AuditRow.id)
        ).all()
    assert [row.resource_id for row in rows] == [str(item["id"]) for item in created["check_ins"]]
    assert [row.details["current_value"] for row in rows] == [2, 7]
