"""Delivering events to a real receiver that verifies each one with ``standardwebhooks``."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import event, func, select, text
from standardwebhooks.webhooks import Webhook as Verifier

from okr_app.extensions import db
from okr_app.models import OutboxEvent
from tests.audit.test_unit_of_work import REFUSE_CHECK_INS
from tests.factories import check_in, create_key_result, create_objective
from tests.webhooks.conftest import LOOPBACK, register, run_worker

pytestmark = pytest.mark.settings(**LOOPBACK)


def deliveries(client, headers, webhook):
    """Return a webhook's deliveries, newest first."""
    response = client.get(f"/webhooks/{webhook['id']}/deliveries", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def outbox_size(app):
    """Return how many events the outbox holds."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxEvent))


def test_a_check_in_reaches_the_receiver_signed_and_as_the_api_answered(
    app, client, auth, receiver
):
    _, _, headers = auth.user()
    webhook = register(client, headers, receiver, events=["check_in.created"])
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"])
    answer = check_in(client, headers, key_result["id"], value=42, note="a, b; c")
    assert answer.status_code == 201
    assert run_worker(app) == 1

    [got] = receiver.verified()
    assert got.payload["type"] == "check_in.created"
    assert got.payload["data"] == answer.get_json()
    assert datetime.fromisoformat(got.payload["timestamp"])
    assert got.headers["Content-Type"] == "application/json"
    [delivery] = deliveries(client, headers, webhook)
    assert got.headers["webhook-id"] == delivery["event_id"]
    assert delivery["type"] == "check_in.created"
    assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == (
        "succeeded",
        1,
        200,
    )
    assert delivery["next_attempt_at"] is None and delivery["delivered_at"] is not None
    assert run_worker(app) == 0  # delivered once


def test_a_failed_attempt_is_retried_with_the_same_webhook_id(app, client, auth, receiver):
    _, _, headers = auth.user()
    webhook = register(client, headers, receiver, events=["objective.created"])
    receiver.answer(500)
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as clock:
        create_objective(client, headers)
        assert run_worker(app) == 1
        [delivery] = deliveries(client, headers, webhook)
        assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == (
            "pending",
            1,
            500,
        )
        assert delivery["last_error"] == "The receiver answered 500."
        assert datetime.fromisoformat(delivery["next_attempt_at"]) == start + timedelta(seconds=1)
        assert run_worker(app) == 0  # not due yet
        clock.shift(1.5)
        assert run_worker(app) == 1
    first, second = receiver.received
    assert first.verified and second.verified
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    [delivery] = deliveries(client, headers, webhook)
    assert (delivery["status"], delivery["attempts"], delivery["last_error"]) == (
        "succeeded",
        2,
        None,
    )


def test_after_the_schedule_a_delivery_fails_and_can_be_retried_by_hand(
    app, client, auth, receiver
):
    _, _, headers = auth.user()
    webhook = register(client, headers, receiver, events=["objective.created"])
    receiver.answer(*[503] * 5)
    with time_machine.travel(datetime.now(UTC), tick=False) as clock:
        create_objective(client, headers)
        for _ in range(5):  # the first attempt and the four of "1,2,2,2"
            assert run_worker(app) == 1
            clock.shift(2.5)
        [delivery] = deliveries(client, headers, webhook)
        assert (delivery["status"], delivery["attempts"], delivery["next_attempt_at"]) == (
            "failed",
            5,
            None,
        )
        assert run_worker(app) == 0
        path = f"/webhooks/{webhook['id']}/deliveries/{delivery['id']}/retry"
        retried = client.post(path, headers=headers)
        assert retried.status_code == 202
        assert retried.get_json()["status"] == "pending"
        assert run_worker(app) == 1
    assert deliveries(client, headers, webhook)[0]["status"] == "succeeded"
    assert len({item.headers["webhook-id"] for item in receiver.received}) == 1
    assert all(item.verified for item in receiver.received)


def test_no_event_for_a_refused_or_rolled_back_write(app, client, auth, receiver):
    _, _, headers = auth.user()
    register(client, headers, receiver)
    objective = create_objective(client, headers)
    before = outbox_size(app)
    path = f"/objectives/{objective['id']}"
    refused = [
        client.patch(path, headers={**headers, "If-Match": '"stale"'}, json={"title": "x"}),
        client.patch(path, headers=headers, json={"title": ""}),
        client.post("/key-results", headers=headers, json={"objective_id": 999999}),
        client.post(f"{path}/reopen", headers=headers),
    ]
    assert [answer.status_code for answer in refused] == [412, 422, 422, 409]
    assert outbox_size(app) == before
    run_worker(app)
    assert [item.payload["type"] for item in receiver.verified()] == ["objective.created"]


def test_each_webhook_gets_the_events_it_subscribed_to(app, client, auth, receiver):
    _, _, headers = auth.user()
    everything = register(client, headers, receiver)
    only_key_results = register(client, headers, receiver, events=["key_result.created"])
    paused = register(client, headers, receiver)
    client.patch(f"/webhooks/{paused['id']}", headers=headers, json={"active": False})
    _, _, other = auth.user()
    objective = create_objective(client, headers)
    create_key_result(client, headers, objective["id"])
    create_objective(client, other)  # another user's event reaches none of these
    run_worker(app)
    assert [item["type"] for item in deliveries(client, headers, everything)] == [
        "key_result.created",
        "objective.created",
    ]
    assert [item["type"] for item in deliveries(client, headers, only_key_results)] == [
        "key_result.created"
    ]
    assert deliveries(client, headers, paused) == []
    assert len(receiver.received) == len(receiver.verified()) == 3


def test_a_webhook_hears_nothing_from_before_it_was_registered(app, client, auth, receiver):
    _, _, headers = auth.user()
    before = create_objective(client, headers, title="Before the webhook")
    webhook = register(client, headers, receiver)
    client.delete(f"/objectives/{before['id']}", headers=headers)
    run_worker(app)  # the worker fans out both events only now
    assert [item["type"] for item in deliveries(client, headers, webhook)] == ["objective.deleted"]


def titles_received(receiver):
    """Return the titles of the objectives the receiver heard of, in order."""
    return sorted(item.payload["data"]["title"] for item in receiver.verified())


def set_active(client, headers, webhook, active):
    """Pause or resume ``webhook`` through the API."""
    response = client.patch(f"/webhooks/{webhook['id']}", headers=headers, json={"active": active})
    assert response.status_code == 200


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


def test_a_ping_goes_to_its_webhook_alone(app, client, auth, receiver):
    _, _, headers = auth.user()
    first = register(client, headers, receiver, events=["ping"])
    second = register(client, headers, receiver, events=["*"])
    ping = client.post(f"/webhooks/{second['id']}/test", headers=headers)
    assert ping.status_code == 202
    run_worker(app)
    [got] = receiver.verified()
    assert got.headers["webhook-id"] == ping.get_json()["event_id"]
    assert got.payload["type"] == "ping"
    assert got.payload["data"]["webhook_id"] == second["id"]
    assert deliveries(client, headers, first) == []


def test_deletions_send_the_id(app, client, auth, receiver):
    _, _, headers = auth.user()
    register(client, headers, receiver, events=["objective.deleted", "key_result.deleted"])
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"])
    client.delete(f"/key-results/{key_result['id']}", headers=headers)
    client.delete(f"/objectives/{objective['id']}", headers=headers)
    run_worker(app)
    assert [(item.payload["type"], item.payload["data"]) for item in receiver.verified()] == [
        ("key_result.deleted", {"id": key_result["id"]}),
        ("objective.deleted", {"id": objective["id"]}),
    ]


def test_dns_rebinding_is_refused_at_delivery(app, client, auth, receiver):
    _, _, headers = auth.user()
    webhook = register(client, headers, receiver)  # localhost, allowed while registering
    app.config["OKR_WEBHOOK_ALLOWED_NETWORKS"] = ""  # now it resolves somewhere refused
    create_objective(client, headers)
    assert run_worker(app) == 1
    assert receiver.received == []
    [delivery] = deliveries(client, headers, webhook)
    assert delivery["status"] == "pending" and delivery["last_status_code"] is None
    assert "may not reach" in delivery["last_error"]


def test_a_write_adds_one_insert_of_its_event_and_nothing_else(app, client, auth, receiver):
    _, _, headers = auth.user()
    register(client, headers, receiver)
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"])
    statements = []
    with app.app_context():
        engine = db.engine

    def remember(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", remember)
    try:
        assert check_in(client, headers, key_result["id"], value=3).status_code == 201
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    touching = [text for text in statements if "outbox_events" in text or "webhooks" in text]
    assert len(touching) == 1 and "INSERT INTO outbox_events" in touching[0]
    if engine.dialect.name == "postgresql":
        # Written by the audit row's own statement: no round trip of its own.
        assert "INSERT INTO audit_log" in touching[0]
    else:
        assert touching[0].startswith("INSERT INTO outbox_events")


def test_a_rotated_secret_signs_every_delivery_from_then_on(app, client, auth, receiver):
    _, _, headers = auth.user()
    webhook = register(client, headers, receiver, events=["objective.created"])
    new = client.post(f"/webhooks/{webhook['id']}/rotate-secret", headers=headers).get_json()
    create_objective(client, headers)
    run_worker(app)
    [got] = receiver.received
    assert not got.verified  # the old secret no longer signs
    assert Verifier(new["secret"]).verify(got.body, got.headers)["type"] == "objective.created"


@pytest.mark.settings(**LOOPBACK, PROPAGATE_EXCEPTIONS=False)
def test_no_event_for_a_write_that_fails_midway(app, client, auth, receiver):
    _, _, headers = auth.user()
    register(client, headers, receiver)
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"], current_value=5)
    with app.app_context():
        for statement in REFUSE_CHECK_INS[db.engine.dialect.name]:
            db.session.execute(text(statement))
        db.session.commit()
    before = outbox_size(app)
    response = client.patch(
        f"/key-results/{key_result['id']}", headers=headers, json={"current_value": 50}
    )
    assert response.status_code == 500
    assert outbox_size(app) == before


def test_a_redirect_is_not_followed(app, client, auth, receiver):
    _, _, headers = auth.user()
    webhook = register(client, headers, receiver, events=["objective.created"])
    receiver.answer(302)
    create_objective(client, headers)
    run_worker(app)
    assert len(receiver.received) == 1
    [delivery] = deliveries(client, headers, webhook)
    assert (delivery["status"], delivery["last_status_code"]) == ("pending", 302)


def test_a_receiver_that_is_down_is_retried(app, client, auth, receiver):
    _, _, headers = auth.user()
    receiver.stop()  # nothing listens on its port any more
    webhook = register(client, headers, receiver, events=["objective.created"])
    create_objective(client, headers)
    assert run_worker(app) == 1
    [delivery] = deliveries(client, headers, webhook)
    assert (delivery["status"], delivery["last_status_code"]) == ("pending", None)
    assert "ConnectionRefusedError" in delivery["last_error"]


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


def test_the_payload_timestamp_always_has_microseconds(app, client, auth, receiver):
    """On a whole second too: the documented fixed format."""
    with time_machine.travel(datetime(2026, 1, 5, 10, 0, tzinfo=UTC), tick=False):
        _, _, headers = auth.user()
        register(client, headers, receiver, events=["objective.created"])
        create_objective(client, headers)
        run_worker(app)
    [got] = receiver.verified()
    assert got.payload["timestamp"] == "2026-01-05T10:00:00.000000Z"
