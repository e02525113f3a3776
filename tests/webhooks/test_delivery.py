"""Delivering events to a real receiver that verifies each one with ``standardwebhooks``."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import text
from standardwebhooks.webhooks import Webhook as Verifier

from okr_app.extensions import db
from okr_app.webhooks import delivering
from tests.conftest import BACKEND, bearer
from tests.factories import check_in, create_key_result, create_objective
from tests.web.conftest import web  # noqa: F401  (the interface's form poster)
from tests.webhooks.conftest import LOOPBACK, deliveries, register, run_worker

pytestmark = pytest.mark.settings(**LOOPBACK)


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
    [delivered] = deliveries(client, headers, webhook)
    assert delivered["status"] == "succeeded"
    assert len({item.headers["webhook-id"] for item in receiver.received}) == 1
    assert all(item.verified for item in receiver.received)
    # Sent again by hand once delivered: until it succeeds again it is not "delivered".
    retried = client.post(path, headers=headers).get_json()
    assert (retried["status"], retried["delivered_at"]) == ("pending", None)
    receiver.answer(500)
    assert run_worker(app) == 1
    [again] = deliveries(client, headers, webhook)
    # Past the schedule already: the failed attempt by hand leaves it failed, not delivered.
    assert (again["status"], again["delivered_at"], again["last_status_code"]) == (
        "failed",
        None,
        500,
    )


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


def test_a_rotated_secret_signs_every_delivery_from_then_on(app, client, auth, receiver):
    _, _, headers = auth.user()
    webhook = register(client, headers, receiver, events=["objective.created"])
    new = client.post(f"/webhooks/{webhook['id']}/rotate-secret", headers=headers).get_json()
    create_objective(client, headers)
    run_worker(app)
    [got] = receiver.received
    assert not got.verified  # the old secret no longer signs
    assert Verifier(new["secret"]).verify(got.body, got.headers)["type"] == "objective.created"


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


def test_the_payload_timestamp_always_has_microseconds(app, client, auth, receiver):
    """On a whole second too: the documented fixed format."""
    with time_machine.travel(datetime(2026, 1, 5, 10, 0, tzinfo=UTC), tick=False):
        _, _, headers = auth.user()
        register(client, headers, receiver, events=["objective.created"])
        create_objective(client, headers)
        run_worker(app)
    [got] = receiver.verified()
    assert got.payload["timestamp"] == "2026-01-05T10:00:00.000000Z"


def test_each_check_in_of_a_batch_reaches_the_receiver_with_its_key_result(
    app, client, auth, receiver
):
    _, _, headers = auth.user()
    register(client, headers, receiver, events=["check_in.created"])
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"])
    items = [{"key_result_id": key_result["id"], "value": value} for value in (3, 4)]
    answer = client.post("/check-ins", headers=headers, json={"check_ins": items})
    assert answer.status_code == 201
    assert run_worker(app) == 2
    body = answer.get_json()
    got = sorted((each.payload["data"] for each in receiver.verified()), key=lambda d: d["id"])
    assert got == [{**item, "key_result": body["key_results"][0]} for item in body["check_ins"]]


def test_a_retry_waits_for_the_attempt_under_way(app, client, web, auth, receiver):  # noqa: F811
    """While a worker holds a delivery, a retry is 409: it would go out twice at once."""
    email = web.user()
    headers = bearer(auth.login(email).get_json()["access_token"])
    webhook = register(client, headers, receiver, events=["objective.created"])
    with time_machine.travel(datetime.now(UTC), tick=False):
        create_objective(client, headers)
        with app.app_context():
            delivering.fan_out()
            delivery_id, token = delivering.claim()
        path = f"/webhooks/{webhook['id']}/deliveries/{delivery_id}/retry"
        refused = client.post(path, headers=headers)
        assert refused.status_code == 409
        assert "under way" in refused.get_json()["message"]
        page = f"/app/settings/webhooks/{webhook['id']}/deliveries/{delivery_id}/retry"
        shown = web.post(page, form_page="/app/settings")
        assert shown.status_code == 409 and "under way" in shown.get_data(as_text=True)
        with app.app_context():
            assert delivering.attempt(delivery_id, token).status_code == 200  # recorded
        assert client.post(path, headers=headers).status_code == 202
        assert run_worker(app) == 1
    sent = [item.headers["webhook-id"] for item in receiver.verified()]
    assert len(sent) == 2 and len(set(sent)) == 1  # one attempt after the other
    [delivery] = deliveries(client, headers, webhook)
    assert (delivery["status"], delivery["attempts"]) == ("succeeded", 2)


@pytest.mark.concurrent
@pytest.mark.skipif(BACKEND != "postgresql", reason="SQLite takes no row locks")
def test_a_claim_locks_the_delivery_alone(app, client, auth, receiver):
    """A fan-out under way (it key-share locks the webhook's row) never hides a due delivery."""
    _, _, headers = auth.user()
    webhook = register(client, headers, receiver, events=["objective.created"])
    create_objective(client, headers)
    with app.app_context():
        delivering.fan_out()
        with db.engine.connect() as other:
            # What inserting another delivery of this webhook holds until it commits.
            lock = text("SELECT id FROM webhooks WHERE id = :id FOR KEY SHARE")
            other.execute(lock, {"id": webhook["id"]})
            claimed = delivering.claim()
            other.rollback()
    assert claimed is not None
