"""A value checked in now: written in one statement on PostgreSQL, the same as any check-in."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select, text

from okr_app.extensions import db
from okr_app.key_results.trends import ADDED_TO
from okr_app.models import KeyResult
from tests.conftest import BACKEND
from tests.factories import EVERY_KIND, JAN_1, check_in, create_key_result, create_objective
from tests.locks import wait_for_a_lock_wait

#: What differs between two key results recorded alike: their own ids.
IDS = {"id", "key_result_id", "objective_id"}
#: What a check-in moves on its key result (its sums, value and version), and the days in band.
STORED = (*ADDED_TO, "band_days")


def without_ids(answer):
    """Return ``answer`` without the ids (nested key result included)."""
    plain = {name: value for name, value in answer.items() if name not in IDS}
    if isinstance(plain.get("key_result"), dict):
        plain["key_result"] = without_ids(plain["key_result"])
    return plain


def stored(app, key_result_id):
    """Return the key result's stored value, version, band days and trend sums."""
    with app.app_context():
        row = db.session.get(KeyResult, key_result_id)
        return {name: getattr(row, name) for name in STORED}


@pytest.mark.parametrize("kind", list(EVERY_KIND))
def test_a_value_checked_in_now_is_recorded_as_one_dated_now(app, client, auth, kind):
    """Sent without ``at`` (one statement on PostgreSQL) or with ``at`` set to now (the
    general path): the same answers, the same stored sums, check-in after check-in."""
    fields = {"kind": kind, **EVERY_KIND[kind]}
    values = (1, 0, 1) if kind == "milestone" else (7, 1.5, 11)
    with time_machine.travel(JAN_1 + timedelta(days=3), tick=False) as clock:
        _, _, headers = auth.user()
        objective = create_objective(client, headers, period="2025-Q1")
        plain = create_key_result(client, headers, objective["id"], **fields)
        dated = create_key_result(client, headers, objective["id"], **fields)
        for value in values:
            clock.shift(timedelta(minutes=3, seconds=7))
            now = datetime.now(UTC).isoformat()
            first = check_in(client, headers, plain["id"], value=value)
            second = check_in(client, headers, dated["id"], value=value, at=now)
            assert first.status_code == second.status_code == 201, first.get_json()
            assert without_ids(first.get_json()) == without_ids(second.get_json())
            assert stored(app, plain["id"]) == stored(app, dated["id"])
        shown = [
            without_ids(client.get(f"/key-results/{item['id']}", headers=headers).get_json())
            for item in (plain, dated)
        ]
        assert shown[0] == shown[1]


def test_a_milestone_value_other_than_1_or_0_is_refused_as_ever(client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers, period="2025-Q1")
    milestone = create_key_result(
        client, headers, objective["id"], kind="milestone", due_on="2025-01-15"
    )
    response = check_in(client, headers, milestone["id"], value=5)
    assert response.status_code == 422
    assert "value" in response.get_json()["errors"]["json"]
    assert check_in(client, headers, milestone["id"], value=1).status_code == 201


def test_before_the_period_and_for_another_user_the_answers_are_unchanged(client, auth):
    _, _, headers = auth.user()
    _, _, stranger = auth.user()
    later = create_objective(client, headers, period="2099-Q1")
    waiting = create_key_result(client, headers, later["id"])
    refused = check_in(client, headers, waiting["id"], value=3)
    assert refused.status_code == 422
    assert "at" in refused.get_json()["errors"]["json"]
    current = create_objective(client, headers, period="2026-Q4")
    mine = create_key_result(client, headers, current["id"])
    assert check_in(client, stranger, mine["id"], value=3).status_code == 404
    assert check_in(client, headers, mine["id"], value=3).status_code == 201


@pytest.mark.concurrent
@pytest.mark.skipif(BACKEND != "postgresql", reason="one statement on PostgreSQL only")
def test_a_period_moved_while_the_check_in_waits_counts_from_the_new_start(app, client, auth):
    """The statement reads the period before it locks the key result; a change committed
    meanwhile moves the key result's version, and the check-in is taken again from the
    locked row, its days counted from the new start."""
    _, _, headers = auth.user()
    objective = create_objective(client, headers, period="2026-Q4")
    key_result = create_key_result(client, headers, objective["id"])
    answer = {}
    with app.app_context():
        change = db.engine.connect()
        transaction = change.begin()
        # A change of the period, as the API makes it: the key result's row first.
        change.execute(
            text("UPDATE key_results SET version = version + 1 WHERE id = :id"), key_result
        )
        change.execute(
            text("UPDATE objectives SET start_date = start_date - 30 WHERE id = :id"), objective
        )

        def send():
            with app.test_client() as own:
                path = f"/key-results/{key_result['id']}/check-ins"
                answer["response"] = own.post(path, headers=headers, json={"value": 4})

        thread = threading.Thread(target=send)
        thread.start()
        try:
            wait_for_a_lock_wait(app)
            transaction.commit()
        finally:
            if transaction.is_active:
                transaction.rollback()
            change.close()
            thread.join(30)
    assert answer["response"].status_code == 201
    with app.app_context():
        row = db.session.execute(
            select(KeyResult.trend_sum_x, KeyResult.last_check_in_at).where(
                KeyResult.id == key_result["id"]
            )
        ).one()
    new_start = datetime(2026, 10, 1, tzinfo=UTC) - timedelta(days=30)
    assert row.trend_sum_x == pytest.approx((row.last_check_in_at - new_start) / timedelta(days=1))
