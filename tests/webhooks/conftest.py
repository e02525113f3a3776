"""Fixtures of the webhook tests: a verifying receiver on loopback and the worker's steps."""

import pytest

from okr_app.webhooks.delivering import deliver_due
from tests.webhooks.receiver import Receiver

#: Delivery to loopback needs http and an allow-list; the retries wait 1 s, then 2 s.
LOOPBACK = {
    "OKR_WEBHOOK_ALLOW_HTTP": True,
    "OKR_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8,::1/128",
    "OKR_WEBHOOK_RETRY_SCHEDULE": "1,2,2,2",
    "OKR_WEBHOOK_TIMEOUT_SECONDS": 5,
}


@pytest.fixture
def receiver():
    """A receiver on 127.0.0.1, stopped afterwards."""
    server = Receiver().start()
    yield server
    if server.running:
        server.stop()


def run_worker(app):
    """Run the worker's delivery step once, as a worker process does; return the attempts."""
    with app.app_context():
        return deliver_due()


def register(client, headers, receiver, **fields):
    """Register a webhook to ``receiver`` (all events by default), which trusts its secret."""
    body = {"url": receiver.url(), "events": ["*"], **fields}
    response = client.post("/webhooks", headers=headers, json=body)
    assert response.status_code == 201, response.get_json()
    webhook = response.get_json()
    receiver.trust(webhook["secret"])
    return webhook


def deliveries(client, headers, webhook):
    """Return a webhook's deliveries, newest first."""
    response = client.get(f"/webhooks/{webhook['id']}/deliveries", headers=headers)
    assert response.status_code == 200
    return response.get_json()
