"""What a receiver's address or its way of answering can do to an attempt: nothing lasting."""

import time

import pytest

from okr_app.webhooks.sending import TIMED_OUT
from tests.factories import create_objective
from tests.webhooks.conftest import LOOPBACK, deliveries, register, run_worker

pytestmark = pytest.mark.settings(**{**LOOPBACK, "OKR_WEBHOOK_TIMEOUT_SECONDS": 1})


def test_a_receiver_answering_a_byte_at_a_time_is_cut_off_at_the_time_limit(
    app, client, auth, receiver
):
    """Each byte comes well within a read's timeout; the whole answer would take 40 s."""
    _, _, headers = auth.user()
    webhook = register(client, headers, receiver, events=["objective.created"])
    receiver.drip = 0.25
    create_objective(client, headers)
    started = time.monotonic()
    assert run_worker(app) == 1
    assert time.monotonic() - started < 10  # the attempt's 1 s, not the 40 s of the answer
    [delivery] = deliveries(client, headers, webhook)
    assert (delivery["status"], delivery["attempts"], delivery["last_error"]) == (
        "pending",
        1,
        TIMED_OUT,
    )
    assert receiver.cut_off.wait(5)  # the connection was closed under the receiver


def test_an_address_with_text_beyond_ascii_is_sent_percent_encoded(app, client, auth, receiver):
    _, _, headers = auth.user()
    url = receiver.url(path="/hooks/café?team=zürich&x=a%20b")
    webhook = register(client, headers, receiver, url=url, events=["objective.created"])
    assert webhook["url"] == url  # kept as written
    create_objective(client, headers)
    assert run_worker(app) == 1
    [got] = receiver.verified()
    assert got.path == "/hooks/caf%C3%A9?team=z%C3%BCrich&x=a%20b"
    [delivery] = deliveries(client, headers, webhook)
    assert (delivery["status"], delivery["last_status_code"]) == ("succeeded", 200)
