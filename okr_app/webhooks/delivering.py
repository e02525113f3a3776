"""The worker's side of webhooks: fan events out, claim due deliveries, attempt, record.

Every step is idempotent and safe to run on several workers at once:
- ``fan_out`` turns undispatched outbox events into one delivery per subscribed webhook;
  events are locked (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and each pair is unique.
- ``claim`` takes one due delivery in a single conditional UPDATE (its candidate row
  locked with ``SKIP LOCKED`` on PostgreSQL), setting a lease and a claim token; nobody
  else takes it until the lease ends, which is longer than an attempt may last.
- ``attempt`` sends it outside any transaction and records the outcome only while it
  still holds the claim, so an attempt is recorded once.
"""

import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from okr_app.config import seconds_list
from okr_app.extensions import db
from okr_app.models import Delivery, OutboxEvent, Webhook
from okr_app.models.types import utcnow
from okr_app.webhooks import sending

FAN_OUT_BATCH = 200
#: How far the lease of a claim outlasts the attempt's own time limit.
LEASE_MARGIN = timedelta(seconds=10)


def retry_schedule(config):
    """Return the delays in seconds between attempts, from ``OKR_WEBHOOK_RETRY_SCHEDULE``."""
    return seconds_list(config["OKR_WEBHOOK_RETRY_SCHEDULE"])


def fan_out(limit=FAN_OUT_BATCH):
    """Create the deliveries of up to ``limit`` undispatched events; return how many events."""
    now = utcnow()
    events = db.session.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.dispatched_at.is_(None))
        .order_by(OutboxEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not events:
        db.session.commit()
        return 0
    webhooks = _webhooks_for(events)
    rows = [
        {
            "webhook_id": webhook.id,
            "user_id": webhook.user_id,
            "outbox_event_id": event.id,
            "next_attempt_at": now,
        }
        for event in events
        for webhook in webhooks.get(event.user_id, ())
        if _addressed(webhook, event)
    ]
    if rows:
        _insert_deliveries(rows, now)
    db.session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id.in_([event.id for event in events]))
        .values(dispatched_at=now)
    )
    db.session.commit()
    return len(events)


def _webhooks_for(events):
    """Return ``{user_id: [webhook, ...]}``: every webhook of the events' users.

    Paused ones included: an event from before the pause is theirs, and its delivery waits,
    pending, until they are resumed (``claim``); a ping goes to its webhook even while paused.
    """
    user_ids = {event.user_id for event in events}
    statement = select(Webhook).where(Webhook.user_id.in_(user_ids))
    found = {}
    for webhook in db.session.scalars(statement):
        found.setdefault(webhook.user_id, []).append(webhook)
    return found


def _addressed(webhook, event):
    """Tell whether ``event`` goes to ``webhook``: its own ping, or a subscribed type.

    A webhook hears only what happened while it was registered and not paused, even when
    the worker fans out an older event later, or while it is paused.
    """
    if event.webhook_id is not None:
        return event.webhook_id == webhook.id
    if not webhook.was_active_at(event.created_at):
        return False
    return event.type != "ping" and webhook.wants(event.type)


def _insert_deliveries(rows, now):
    """Insert pending deliveries, skipping pairs that exist already (a retried fan-out)."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    values = [{**row, "status": "pending", "attempts": 0, "created_at": now} for row in rows]
    statement = dialect.insert(Delivery).values(values).on_conflict_do_nothing()
    db.session.execute(statement)


def claim(now=None):
    """Claim one due delivery for this worker; return ``(delivery_id, token)`` or None."""
    now = now or utcnow()
    lease = timedelta(seconds=current_app.config["OKR_WEBHOOK_TIMEOUT_SECONDS"]) + LEASE_MARGIN
    # A paused webhook's deliveries wait, pending, until it is resumed; its pings go out.
    candidate = (
        select(Delivery.id)
        .join(Webhook, Webhook.id == Delivery.webhook_id)
        .join(OutboxEvent, OutboxEvent.id == Delivery.outbox_event_id)
        .where(
            Delivery.status == "pending",
            Delivery.next_attempt_at <= now,
            or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
            or_(Webhook.active.is_(True), OutboxEvent.webhook_id.is_not(None)),
        )
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(1)
        # The delivery's row alone: locking the joined webhook too would skip every delivery
        # of a webhook whose new deliveries a fan-out is inserting (they key-share lock it).
        .with_for_update(skip_locked=True, of=Delivery)
        .scalar_subquery()
    )
    token = uuid.uuid4().hex
    claimed = db.session.execute(
        update(Delivery)
        .where(
            Delivery.id == candidate,
            or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
        )
        .values(claimed_until=now + lease, claim_token=token)
        .returning(Delivery.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    db.session.commit()
    return None if claimed is None else (claimed, token)


def attempt(delivery_id, token):
    """Send a claimed delivery once and record the outcome; return the outcome or None.

    The request goes out after the transaction that read it has ended, so no database lock
    is held while the receiver answers.
    """
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None or delivery.claim_token != token:
        db.session.commit()
        return None
    webhook = db.session.get(Webhook, delivery.webhook_id)
    event = delivery.event
    if not webhook.active and event.webhook_id is None:
        # Paused since the claim: the delivery waits, pending, for the resume.
        delivery.claimed_until = delivery.claim_token = None
        db.session.commit()
        return None
    body = sending.body_of(event.type, event.created_at, event.data)
    headers = sending.signed_headers(webhook.secret, event.event_id, body)
    url = webhook.url
    db.session.commit()
    outcome = sending.post(url, body, headers, current_app.config)
    _record(delivery_id, token, outcome)
    return outcome


def _record(delivery_id, token, outcome):
    """Record an attempt's outcome while the claim is still ours, and the webhook's health."""
    now = utcnow()
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None or delivery.claim_token != token:
        db.session.commit()
        return
    delivery.attempts += 1
    delivery.last_status_code = outcome.status_code
    delivery.last_error = (
        None
        if outcome.succeeded
        else outcome.error or (f"The receiver answered {outcome.status_code}.")
    )
    delivery.claimed_until = None
    delivery.claim_token = None
    webhook = db.session.get(Webhook, delivery.webhook_id)
    if outcome.succeeded:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = "succeeded", now, None
        webhook.failing_since = None
    else:
        if webhook.failing_since is None:
            webhook.failing_since = now
        schedule = retry_schedule(current_app.config)
        if delivery.attempts > len(schedule):
            delivery.status, delivery.next_attempt_at = "failed", None
        else:
            delivery.next_attempt_at = now + timedelta(seconds=schedule[delivery.attempts - 1])
    db.session.commit()


def deliver_due(should_stop=lambda: False, budget_seconds=20.0):
    """Fan out, then claim and attempt due deliveries until none is due, time is up, or stop.

    ``should_stop`` is asked between attempts: a worker told to stop finishes the attempt
    in flight and takes no other. Return the number of attempts made.
    """
    started = utcnow()
    while fan_out() == FAN_OUT_BATCH and not should_stop():
        pass
    made = 0
    while not should_stop() and (utcnow() - started).total_seconds() < budget_seconds:
        claimed = claim()
        if claimed is None:
            break
        attempt(*claimed)
        made += 1
    return made
