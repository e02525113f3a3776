"""Which writes put an event in the outbox, and which webhooks each event reaches."""

import pytest
from sqlalchemy import event, func, select

from okr_app.extensions import db
from okr_app.models import OutboxEvent
from tests.audit.test_unit_of_work import REFUSE_CHECK_INS, run_sql
from tests.factories import check_in, create_key_result, create_objective
from tests.webhooks.conftest import LOOPBACK, deliveries, register, run_worker

pytestmark = pytest.mark.settings(**LOOPBACK)


def outbox_size(app):
    """Return how many events the outbox holds."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxEvent))


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


@pytest.mark.settings(**LOOPBACK, PROPAGATE_EXCEPTIONS=False)
def test_no_event_for_a_write_that_fails_midway(app, client, auth, receiver):
    _, _, headers = auth.user()
    register(client, headers, receiver)
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"], current_value=5)
    run_sql(app, REFUSE_CHECK_INS)
    before = outbox_size(app)
    response = client.patch(
        f"/key-results/{key_result['id']}", headers=headers, json={"current_value": 50}
    )
    assert response.status_code == 500
    assert outbox_size(app) == before
