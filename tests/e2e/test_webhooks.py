"""Webhooks through the deployed stack: nginx -> gunicorn, and the worker beside them.

The receiver is an HTTP server on loopback verifying each delivery with ``standardwebhooks``.
The last test kills the worker mid-burst (SIGKILL, no chance to finish) and starts it again:
every event is delivered, each verified, none missing; a repeat carries the same webhook-id.
"""

import os
import signal
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.servers import wait_until
from tests.e2e.api import login, register
from tests.e2e.stack import unique_email
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.e2e
BURST = 60


@pytest.fixture
def receiver():
    """A verifying receiver on 127.0.0.1."""
    server = Receiver().start()
    yield server
    server.stop()


def a_user_with_a_key_result(stack, receiver, events):
    """Register a user, a webhook to ``receiver`` and a key result; return token and id."""
    client = stack.client()
    email = unique_email("hooks")
    assert register(client, email).status == 201
    token = login(client, email).json()["access_token"]
    webhook = client.post(
        "/webhooks", {"url": receiver.url(), "events": events}, token=token
    ).json()
    receiver.trust(webhook["secret"])
    objective = client.post("/objectives", {"title": "Hooks", "period": "2026"}, token=token)
    key_result = client.post(
        "/key-results",
        {"objective_id": objective.json()["id"], "title": "Sent", "metric": "events"},
        token=token,
    )
    return client, token, key_result.json()["id"]


def test_a_check_in_through_nginx_reaches_the_receiver(stack, receiver):
    client, token, key_result_id = a_user_with_a_key_result(stack, receiver, ["check_in.created"])
    answer = client.post(f"/key-results/{key_result_id}/check-ins", {"value": 3}, token=token)
    assert answer.status == 201
    wait_until(receiver.verified, 30, "a verified delivery")
    [got] = receiver.verified()
    assert got.payload["type"] == "check_in.created"
    assert got.payload["data"] == answer.json()
    assert (
        stack.scalar(
            "SELECT event_id FROM outbox_events WHERE type = 'check_in.created' "
            "ORDER BY id DESC LIMIT 1"
        )
        == got.headers["webhook-id"]
    )
    assert client.get("/health").json()["worker"] == "ok"


def test_killing_the_worker_mid_burst_loses_no_event(stack, receiver):
    _client, token, key_result_id = a_user_with_a_key_result(stack, receiver, ["check_in.created"])
    receiver.delay = 0.05  # keep attempts in flight while the burst goes on

    def check_in(value):
        answer = stack.client().post(
            f"/key-results/{key_result_id}/check-ins", {"value": value}, token=token
        )
        return answer.status, answer.json().get("id")

    with ThreadPoolExecutor(4) as pool:
        burst = [pool.submit(check_in, value) for value in range(BURST)]
        wait_until(lambda: len(receiver.received) >= 5, 30, "deliveries under way")
        os.killpg(stack.worker.pid, signal.SIGKILL)
        stack.worker.popen.wait(10)
        results = [future.result(60) for future in burst]
    assert [status for status, _ in results] == [201] * BURST
    check_in_ids = {check_in_id for _, check_in_id in results}

    stack.start_worker()
    expected = {
        row[0]
        for row in stack.query(
            "SELECT event_id FROM outbox_events WHERE type = 'check_in.created' "
            "AND user_id = (SELECT user_id FROM key_results WHERE id = %s)",
            key_result_id,
        )
    }
    assert len(expected) == BURST

    def all_delivered():
        return {item.headers["webhook-id"] for item in receiver.verified()} >= expected

    wait_until(all_delivered, 90, "every event delivered")
    verified = receiver.verified()
    assert all(item.verified for item in receiver.received)
    assert {item.payload["data"]["id"] for item in verified} == check_in_ids
    by_id = {}
    for item in verified:
        by_id.setdefault(item.headers["webhook-id"], set()).add(item.payload["data"]["id"])
    # A repeat (an attempt cut off by the kill, sent again) has the same id and the same event.
    assert all(len(check_ins) == 1 for check_ins in by_id.values())
    assert set(by_id) == expected
