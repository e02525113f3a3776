"""Pausing and resuming a webhook: what it hears, what waits, what it still receives."""

from datetime import UTC, datetime

import pytest
import time_machine

from tests.factories import create_objective
from tests.webhooks.conftest import LOOPBACK, deliveries, register, run_worker

pytestmark = pytest.mark.settings(**LOOPBACK)


def titles_received(receiver):
    """Return the titles of the objectives the receiver heard of, in order."""
    return sorted(item.payload["data"]["title"] for item in receiver.verified())


def set_active(client, headers, webhook, active):
    """Pause or resume ``webhook`` through the API."""
    response = client.patch(f"/webhooks/{webhook['id']}", headers=headers, json={"active": active})
    assert response.status_code == 200


def test_a_pause_and_a_resume_date_the_webhooks_change(client, auth, receiver):
    with time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False) as clock:
        _, _, headers = auth.user()
        webhook = register(client, headers, receiver, events=["objective.created"])
        path = f"/webhooks/{webhook['id']}"
        for active, minute in ((False, 5), (True, 10)):
            clock.move_to(datetime(2026, 3, 1, 9, minute, tzinfo=UTC))
            answer = client.patch(path, headers=headers, json={"active": active}).get_json()
            shown = client.get(path, headers=headers).get_json()
            moment = f"2026-03-01T09:{minute:02d}:00+00:00"
            assert answer["updated_at"] == shown["updated_at"] == moment


def test_a_webhook_hears_nothing_from_while_it_was_paused(app, client, auth, receiver):
    _, _, headers = auth.user()
    webhook = register(client, headers, receiver, events=["objective.created"])
    create_objective(client, headers, title="A before the pause")
    set_active(client, headers, webhook, False)
    create_objective(client, headers, title="B while paused")
    set_active(client, headers, webhook, True)
    create_objective(client, headers, title="C after the resume")
    run_worker(app)  # the worker fans out all three only now
    assert titles_received(receiver) == ["A before the pause", "C after the resume"]


def test_over_several_pauses_the_time_between_them_counts_as_paused_while_events_wait(
    app, client, auth, receiver
):
    _, _, headers = auth.user()
    webhook = register(client, headers, receiver, events=["objective.created"])
    for title in ("A", "B paused", "C", "D paused", "E"):
        if title != "A":
            set_active(client, headers, webhook, "paused" not in title)
        create_objective(client, headers, title=title)
    run_worker(app)  # A and B still waited when the webhook was paused again
    assert titles_received(receiver) == ["A", "E"]
    # With nothing from before the last resume waiting at a pause, each pause counts alone.
    for title in ("F paused", "G", "H paused", "I"):
        set_active(client, headers, webhook, "paused" not in title)
        create_objective(client, headers, title=title)
        if title == "F paused":
            run_worker(app)
    run_worker(app)  # G waited when the webhook was paused again
    assert titles_received(receiver) == ["A", "E", "G", "I"]


def test_an_event_from_before_a_pause_fanned_out_during_it_goes_out_after_the_resume(
    app, client, auth, receiver
):
    """The worker was away when the webhook was paused: the event is still owed."""
    _, _, headers = auth.user()
    webhook = register(client, headers, receiver, events=["objective.created"])
    create_objective(client, headers, title="Before the pause")
    set_active(client, headers, webhook, False)
    create_objective(client, headers, title="While paused")
    run_worker(app)  # fans both out while paused: one owed, held; one not for it
    assert receiver.received == []
    [held] = deliveries(client, headers, webhook)
    assert (held["status"], held["attempts"]) == ("pending", 0)
    set_active(client, headers, webhook, True)
    run_worker(app)
    assert titles_received(receiver) == ["Before the pause"]


def test_a_delivery_owed_when_paused_goes_out_after_the_resume(app, client, auth, receiver):
    """A retry falling due while paused waits, pending, and counts no attempt."""
    _, _, headers = auth.user()
    webhook = register(client, headers, receiver, events=["objective.created"])
    receiver.answer(500)
    with time_machine.travel(datetime.now(UTC), tick=False) as clock:
        create_objective(client, headers, title="Owed")  # while active
        run_worker(app)  # 500: pending, retried in 1 s
        set_active(client, headers, webhook, False)
        clock.shift(2)
        run_worker(app)  # due, but paused
        [waiting] = deliveries(client, headers, webhook)
        assert (waiting["status"], waiting["attempts"]) == ("pending", 1)
        receiver.answer(200)
        set_active(client, headers, webhook, True)
        run_worker(app)
    [delivered] = deliveries(client, headers, webhook)
    assert (delivered["status"], delivered["attempts"]) == ("succeeded", 2)
    assert titles_received(receiver)[-1] == "Owed"


def test_a_paused_webhook_can_be_tested(app, client, auth, receiver):
    """The test ping is what a paused webhook still receives."""
    _, _, headers = auth.user()
    webhook = register(client, headers, receiver, events=["*"])
    set_active(client, headers, webhook, False)
    create_objective(client, headers, title="Not for it")
    ping = client.post(f"/webhooks/{webhook['id']}/test", headers=headers)
    assert ping.status_code == 202
    run_worker(app)
    [got] = receiver.verified()
    assert (got.payload["type"], got.headers["webhook-id"]) == ("ping", ping.get_json()["event_id"])
    assert [item["status"] for item in deliveries(client, headers, webhook)] == ["succeeded"]
