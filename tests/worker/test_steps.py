"""The worker's periodic steps, run as the worker runs them, by a frozen clock."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from okr_app.extensions import db
from okr_app.models import AuditRow, OutboxEvent
from okr_app.worker.queue import run_periodic
from tests.factories import check_in, create_key_result, create_objective
from tests.ops.test_metrics import sample
from tests.webhooks.conftest import LOOPBACK, register, run_worker

pytestmark = pytest.mark.settings(
    **LOOPBACK, OKR_ACCESS_TOKEN_SECONDS=365 * 86400, OKR_REFRESH_TOKEN_SECONDS=365 * 86400
)
CREATED = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def step(app, name):
    """Run one periodic step in an app context, as the worker's task does."""
    with app.app_context():
        return run_periodic(name)


def published(app):
    """Return the types of the events in the outbox, oldest first."""
    with app.app_context():
        return list(db.session.scalars(select(OutboxEvent.type).order_by(OutboxEvent.id)))


def test_due_stale_and_off_track_are_each_sent_once(app, client, auth, receiver):
    with time_machine.travel(CREATED, tick=False) as clock:
        _, _, headers = auth.user()
        register(
            client,
            headers,
            receiver,
            events=["key_result.due", "key_result.stale", "key_result.off_track"],
        )
        objective = create_objective(client, headers, check_in_every_days=7)
        key_result = create_key_result(client, headers, objective["id"], current_value=5)
        before = published(app)
        assert step(app, "reminders") == 0  # first sight: on track, nothing due

        clock.move_to(datetime(2026, 1, 12, 10, 1, tzinfo=UTC))
        assert step(app, "reminders") == 1
        assert step(app, "reminders") == 0  # the same due date is announced once
        clock.move_to(datetime(2026, 1, 15, 10, 1, tzinfo=UTC))
        assert step(app, "reminders") == 1
        assert step(app, "reminders") == 0
        assert published(app)[len(before) :] == ["key_result.due", "key_result.stale"]

        # A check-in behind the calendar: 15 of 90 days gone (16.67 %), 5 % done.
        response = check_in(client, headers, key_result["id"], value=5)
        assert response.get_json()["key_result"]["pace_status"] == "at_risk"
        # stale -> at_risk is no turn from better; on_track -> at_risk is.
        assert step(app, "reminders") == 0
        check_in(client, headers, key_result["id"], value=16)
        assert step(app, "reminders") == 0  # on_track again, noted
        # 24 January: 24/90 = 26.67 % expected, 16 done; and due again since the 22nd.
        clock.move_to(datetime(2026, 1, 24, 9, 0, tzinfo=UTC))
        assert step(app, "reminders") == 2
        assert step(app, "reminders") == 0
        assert published(app)[-2:] == ["key_result.due", "key_result.off_track"]
        run_worker(app)
    types = [item.payload["type"] for item in receiver.verified()]
    assert types == [
        "key_result.due",
        "key_result.stale",
        "key_result.due",
        "key_result.off_track",
    ]
    last = receiver.verified()[-1].payload["data"]
    assert (last["id"], last["pace_status"]) == (key_result["id"], "at_risk")


def test_a_webhook_failing_for_five_days_is_disabled_with_an_audit_row(app, client, auth, receiver):
    _, _, headers = auth.user()
    webhook = register(client, headers, receiver, events=["objective.created"])
    receiver.answer(*[500] * 10)
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as clock:
        create_objective(client, headers)
        run_worker(app)
        assert step(app, "disable-failing-webhooks") == 0
        clock.shift(timedelta(days=5, seconds=1))
        assert step(app, "disable-failing-webhooks") == 1
        assert step(app, "disable-failing-webhooks") == 0
    answer = client.get(f"/webhooks/{webhook['id']}", headers=headers).get_json()
    assert answer["active"] is False
    with app.app_context():
        row = db.session.scalars(
            select(AuditRow).where(AuditRow.action == "webhook.disabled")
        ).one()
    assert (row.resource_id, row.owner_id) == (str(webhook["id"]), answer and row.owner_id)
    # Reactivated by its owner, it starts afresh.
    again = client.patch(f"/webhooks/{webhook['id']}", headers=headers, json={"active": True})
    assert again.get_json()["failing_since"] is None


def test_old_events_are_purged_once_delivered(app, client, auth, receiver):
    _, _, headers = auth.user()
    register(client, headers, receiver, events=["objective.created"])
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as clock:
        create_objective(client, headers)
        receiver.answer(500)
        run_worker(app)  # pending, to be retried
        clock.shift(timedelta(days=31))
        assert step(app, "purge-events") == 0  # not while a delivery is pending
        run_worker(app)
        assert step(app, "purge-events") == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxEvent)) == 0


def test_health_reports_the_workers_heartbeat(app, client):
    assert client.get("/health").get_json()["worker"] == "unknown"
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as clock:
        step(app, "heartbeat")
        assert client.get("/health").get_json()["worker"] == "ok"
        clock.shift(app.config["OKR_WORKER_LATE_SECONDS"] + 1)
        health = client.get("/health")
        assert (health.status_code, health.get_json()["worker"]) == (200, "late")


@pytest.mark.settings(**LOOPBACK, OKR_METRICS_TOKEN="scraper-token-for-tests-0123456789")
def test_metrics_show_the_backlog_and_delivery_outcomes(app, client, auth, receiver):
    _, _, headers = auth.user()
    register(client, headers, receiver, events=["objective.created"])
    scraper = {"Authorization": "Bearer scraper-token-for-tests-0123456789"}

    def metrics():
        text = client.get("/metrics", headers=scraper).get_data(as_text=True)
        return [
            sample(text, name, **labels)
            for name, labels in (
                ("okr_outbox_backlog", {}),
                ("okr_webhook_deliveries", {"status": "succeeded"}),
                ("okr_webhook_deliveries", {"status": "pending"}),
                ("okr_webhook_deliveries_retrying", {}),
            )
        ]

    create_objective(client, headers)
    create_objective(client, headers)
    assert metrics()[0] == 2  # the backlog
    receiver.answer(500)
    run_worker(app)
    assert metrics() == [0, 1, 1, 1]  # one succeeded, one pending after a failure
