"""Registering, changing and deleting webhooks, their secrets, test pings and manual retries.

The API's routes and the web interface's settings page both call these; they never commit
(the request's unit of work does).
"""

import base64
import secrets

from flask import current_app
from flask_smorest import abort
from sqlalchemy import exists, func, or_, select, update

from okr_app.audit.changes import apply_changes
from okr_app.extensions import db
from okr_app.models import ALL_EVENTS, Delivery, OutboxEvent, Webhook
from okr_app.models.outbox import publish
from okr_app.models.types import utcnow
from okr_app.webhooks.addresses import UnsafeURL, check_url

SECRET_PREFIX = "whsec_"  # noqa: S105  (the format's prefix, not a secret)

#: Why a delivery cannot be retried while a worker attempts it.
IN_FLIGHT = "An attempt of this delivery is under way: retry it once that attempt has ended."


def new_secret():
    """Return a new signing secret: ``whsec_`` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def require_safe_url(url):
    """Answer 422 naming ``url`` unless a webhook may reach it (scheme and addresses)."""
    try:
        check_url(url, current_app.config)
    except UnsafeURL as error:
        abort(422, message=str(error), errors={"json": {"url": [str(error)]}})


def normalised_events(events):
    """Return the subscribed events without repeats, ``["*"]`` standing for all of them."""
    return [ALL_EVENTS] if ALL_EVENTS in events else list(dict.fromkeys(events))


def create_webhook(user_id, values):
    """Register a webhook for the user and return it with its secret (shown once)."""
    limit = current_app.config["OKR_WEBHOOK_MAX_PER_USER"]
    count = db.session.scalar(select(func.count()).where(Webhook.user_id == user_id))
    if count >= limit:
        abort(409, message=f"An account may have at most {limit} webhooks.")
    require_safe_url(values["url"])
    webhook = Webhook(
        user_id=user_id,
        url=values["url"],
        events=normalised_events(values["events"]),
        description=values.get("description"),
        active=True,
        secret=new_secret(),
    )
    db.session.add(webhook)
    db.session.flush()
    return webhook


def change_webhook(webhook, values):
    """Apply ``values`` (url, events, description, active); return the changed fields.

    Making a webhook active again forgets its failures, so it is not disabled again at once.
    """
    values = dict(values)
    if "url" in values and values["url"] != webhook.url:
        require_safe_url(values["url"])
    if "events" in values:
        values["events"] = normalised_events(values["events"])
    if values.get("active") and not webhook.active:
        webhook.failing_since = None
    changes = apply_changes(webhook, values)
    if "active" in changes:
        date_active_change(webhook)
    if changes:
        # Set here, not at the flush: the answer is written before the flush.
        webhook.updated_at = utcnow()
    return changes


def date_active_change(webhook):
    """Date the pause or resume just made: ``paused_at``, or ``active_since`` for a resume.

    Paused while events from before its last resume still wait to be fanned out (the
    worker behind or down), the webhook's previous pause is widened to now instead: the
    time between the two pauses counts as paused, so that every waiting event from before
    ``paused_at`` happened while the webhook was active.
    """
    now = utcnow()
    if webhook.active:
        webhook.active_since = now
        return
    waiting = exists().where(
        OutboxEvent.user_id == webhook.user_id,
        OutboxEvent.dispatched_at.is_(None),
        OutboxEvent.created_at < webhook.active_since,
    )
    if webhook.paused_at is None or not db.session.scalar(select(waiting)):
        webhook.paused_at = now


def rotate_secret(webhook):
    """Give the webhook a new secret and return it; the old one stops signing at once."""
    webhook.secret = new_secret()
    webhook.updated_at = utcnow()
    return webhook.secret


def delete_webhook(webhook):
    """Delete the webhook with its deliveries."""
    db.session.delete(webhook)


def send_ping(webhook):
    """Record a ``ping`` event for this webhook alone; return its event id."""
    data = {"webhook_id": webhook.id, "message": "A test event from okr-tracker."}
    return publish("ping", webhook.user_id, data, webhook_id=webhook.id)


def retry_delivery(delivery):
    """Make one more attempt of a delivery, now, whatever its status; 409 while one runs.

    An attempt under way holds its claim until its outcome is recorded: released here, the
    delivery would go out twice at once and the first outcome be lost. One conditional
    UPDATE, so a worker claiming it at the same moment either holds it first or finds it
    released.
    """
    now = utcnow()
    released = or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now)
    retried = db.session.execute(
        update(Delivery)
        .where(Delivery.id == delivery.id, released)
        .values(
            status="pending",
            next_attempt_at=now,
            delivered_at=None,
            claimed_until=None,
            claim_token=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not retried:
        abort(409, message=IN_FLIGHT)
    db.session.refresh(delivery)


def webhook_description(webhook):
    """Return a webhook as the audit trail records it: never its secret."""
    return {
        "url": webhook.url,
        "events": webhook.events,
        "description": webhook.description,
        "active": webhook.active,
    }
