"""One request, one transaction, one audit row: whatever fails before or after the commit."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import request_finished
from sqlalchemy import func, select, text

from okr_app.extensions import db
from okr_app.models import AuditRow, CheckIn, IdempotencyKey, KeyResult, Objective
from tests.factories import check_in, create_key_result, create_objective

REFUSE_CHECK_INS = {
    "sqlite": [
        "CREATE TRIGGER refuse_check_in BEFORE INSERT ON check_ins"
        " BEGIN SELECT RAISE(ABORT, 'check-in refused'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_check_in() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN RAISE EXCEPTION 'check-in refused'; END $$",
        "CREATE TRIGGER refuse_check_in BEFORE INSERT ON check_ins"
        " FOR EACH ROW EXECUTE FUNCTION refuse_check_in()",
    ],
}


def rows_of(app, request_id):
    """Return the audit rows written for the request sent with ``X-Request-ID: request_id``.

    The client's id is kept in the details; each request's rows share one id of their own.
    """
    with app.app_context():
        rows = db.session.scalars(select(AuditRow).order_by(AuditRow.id)).all()
        found = [row for row in rows if row.details.get("client_request_id") == request_id]
        assert len({row.request_id for row in found}) <= 1
        return found


def count(app, model):
    """Return the number of rows of ``model``."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# As in production: an exception becomes an error answer instead of reaching the test.
@pytest.mark.settings(PROPAGATE_EXCEPTIONS=False)
def test_a_failure_after_the_commit_keeps_the_answer_and_one_row(app, client, auth):
    _, _, headers = auth.user()

    def fail_after_the_commit(_app, **_extra):
        raise RuntimeError("the log could not be written")

    request_finished.connect(fail_after_the_commit, app)
    try:
        response = client.post(
            "/objectives",
            headers={**headers, "X-Request-ID": "after-commit-1"},
            json={"title": "Kept", "period": "2026"},
        )
    finally:
        request_finished.disconnect(fail_after_the_commit, app)
    assert response.status_code == 201
    assert response.get_json()["title"] == "Kept"
    [row] = rows_of(app, "after-commit-1")
    assert (row.action, row.outcome, row.status_code) == ("objective.created", "success", 201)
    assert count(app, Objective) == 1


def test_a_change_that_fails_midway_is_rolled_back_and_recorded_as_an_error(app, client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"], current_value=5)
    run_sql(app, REFUSE_CHECK_INS)
    response = client.patch(
        f"/key-results/{key_result['id']}",
        headers={**headers, "X-Request-ID": "midway-1"},
        json={"title": "Renamed", "current_value": 50},
    )
    assert response.status_code == 500
    assert response.is_json
    [row] = rows_of(app, "midway-1")
    assert (row.action, row.outcome, row.status_code) == ("key_result.updated", "error", 500)
    with app.app_context():
        stored = db.session.get(KeyResult, key_result["id"])
        assert (stored.title, stored.current_value) == (key_result["title"], 5)


def test_every_request_of_a_burst_has_exactly_one_row(app, client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"])
    statuses = []
    for number in range(6):
        response = check_in(
            client,
            {**headers, "X-Request-ID": f"burst-{number}"},
            key_result["id"],
            **({"value": number} if number % 2 else {"value": "not a number"}),
        )
        statuses.append(response.status_code)
    assert statuses == [422, 201, 422, 201, 422, 201]
    for number, status in enumerate(statuses):
        [row] = rows_of(app, f"burst-{number}")
        assert row.status_code == status


REFUSE_AUDIT_ROWS = {
    "sqlite": [
        "CREATE TRIGGER refuse_audit_row BEFORE INSERT ON audit_log"
        " BEGIN SELECT RAISE(ABORT, 'audit row refused'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_audit_row() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN RAISE EXCEPTION 'audit row refused'; END $$",
        "CREATE TRIGGER refuse_audit_row BEFORE INSERT ON audit_log"
        " FOR EACH ROW EXECUTE FUNCTION refuse_audit_row()",
    ],
}
ALLOW_AUDIT_ROWS = {
    "sqlite": ["DROP TRIGGER refuse_audit_row"],
    "postgresql": ["DROP TRIGGER refuse_audit_row ON audit_log", "DROP FUNCTION refuse_audit_row"],
}


REFUSE_CLAIM_DELETES = {
    "sqlite": [
        "CREATE TRIGGER refuse_claim_delete BEFORE DELETE ON idempotency_keys"
        " BEGIN SELECT RAISE(ABORT, 'release refused'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_claim_delete() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN RAISE EXCEPTION 'release refused'; END $$",
        "CREATE TRIGGER refuse_claim_delete BEFORE DELETE ON idempotency_keys"
        " FOR EACH ROW EXECUTE FUNCTION refuse_claim_delete()",
    ],
}
ALLOW_CLAIM_DELETES = {
    "sqlite": ["DROP TRIGGER refuse_claim_delete"],
    "postgresql": [
        "DROP TRIGGER refuse_claim_delete ON idempotency_keys",
        "DROP FUNCTION refuse_claim_delete",
    ],
}


def run_sql(app, statements):
    """Run the dialect's ``statements`` and commit."""
    with app.app_context():
        for statement in statements[db.engine.dialect.name]:
            db.session.execute(text(statement))
        db.session.commit()


def keyed_check_in(client, auth, key):
    """Return the check-in path of a new user's key result and headers sending ``key``."""
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"])
    return f"/key-results/{key_result['id']}/check-ins", {**headers, "Idempotency-Key": key}


def test_an_idempotency_key_is_completed_only_with_the_change_and_its_row(app, client, auth):
    path, keyed = keyed_check_in(client, auth, "atomic-1")
    run_sql(app, REFUSE_AUDIT_ROWS)
    failed = client.post(path, headers=keyed, json={"delta": 1})
    refused_again = client.post(path, headers=keyed, json={"delta": 1})
    run_sql(app, ALLOW_AUDIT_ROWS)
    # Not applied, and the key given back: the retry runs (a 500 again, not a 409 "still
    # running"), and neither the answer nor the check-in was kept.
    assert (failed.status_code, refused_again.status_code) == (500, 500)
    assert count(app, IdempotencyKey) == 0
    assert count(app, CheckIn) == 0
    retried = client.post(path, headers=keyed, json={"delta": 1})
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers
    assert count(app, CheckIn) == 1
    replayed = client.post(path, headers=keyed, json={"delta": 1})
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert count(app, CheckIn) == 1


def test_a_claim_the_failed_request_could_not_give_back_expires(app, client, auth):
    path, keyed = keyed_check_in(client, auth, "stuck-1")
    # Neither the audit row nor the release can be written: the claim stays in flight.
    run_sql(app, REFUSE_AUDIT_ROWS)
    run_sql(app, REFUSE_CLAIM_DELETES)
    failed = client.post(path, headers=keyed, json={"delta": 1})
    run_sql(app, ALLOW_CLAIM_DELETES)
    run_sql(app, ALLOW_AUDIT_ROWS)
    assert failed.status_code == 500
    with app.app_context():
        record = db.session.scalar(select(IdempotencyKey))
        assert (record.key, record.status, record.body) == ("stuck-1", None, None)
    with time_machine.travel(datetime.now(UTC), tick=False) as clock:
        assert client.post(path, headers=keyed, json={"delta": 1}).status_code == 409
        clock.shift(timedelta(seconds=61))
        retried = client.post(path, headers=keyed, json={"delta": 1})
    assert retried.status_code == 201
    assert count(app, CheckIn) == 1


def test_a_replayed_request_writes_no_row_and_a_batch_one_per_check_in(app, client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"])
    body = {"check_ins": [{"key_result_id": key_result["id"], "value": v} for v in (1, 2, 3)]}
    keyed = {**headers, "Idempotency-Key": "batch-1", "X-Request-ID": "batch-first"}
    assert client.post("/check-ins", headers=keyed, json=body).status_code == 201
    rows = rows_of(app, "batch-first")
    assert [row.action for row in rows] == ["check_in.created"] * 3
    assert len({row.resource_id for row in rows}) == 3
    replay = {**keyed, "X-Request-ID": "batch-replay"}
    assert client.post("/check-ins", headers=replay, json=body).status_code == 201
    assert rows_of(app, "batch-replay") == []
    assert count(app, CheckIn) == 3
