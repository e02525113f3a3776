"""The worker's housekeeping: disable webhooks that keep failing, purge old events."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, exists, select

from okr_app.audit.recording import record_command
from okr_app.extensions import db
from okr_app.models import Delivery, OutboxEvent, Webhook
from okr_app.models.types import utcnow
from okr_app.webhooks.registering import date_active_change


def disable_failing_webhooks():
    """Make inactive the webhooks whose deliveries all failed for the days allowed.

    Each one gets an audit row (``webhook.disabled``) in the same transaction. Return
    how many.
    """
    days = current_app.config["OKR_WEBHOOK_DISABLE_AFTER_DAYS"]
    cutoff = utcnow() - timedelta(days=days)
    statement = (
        select(Webhook)
        .where(Webhook.active.is_(True), Webhook.failing_since <= cutoff)
        .with_for_update(skip_locked=True)
    )
    disabled = 0
    for webhook in db.session.scalars(statement).all():
        webhook.active = False
        date_active_change(webhook)
        record_command(
            "webhook.disabled",
            resource_type="webhook",
            resource_id=webhook.id,
            owner_id=webhook.user_id,
            details={
                "reason": f"every delivery failed for {days} days",
                "failing_since": webhook.failing_since.isoformat(),
            },
        )
        db.session.commit()  # one audit append at a time, as requests do
        disabled += 1
    db.session.commit()
    return disabled


def purge_events():
    """Delete events older than ``OKR_WEBHOOK_RETENTION_DAYS`` with nothing left to send.

    Their deliveries go with them. Return how many events.
    """
    cutoff = utcnow() - timedelta(days=current_app.config["OKR_WEBHOOK_RETENTION_DAYS"])
    pending = exists().where(
        Delivery.outbox_event_id == OutboxEvent.id, Delivery.status == "pending"
    )
    # Deliveries first: a purge must not depend on the database enforcing ON DELETE CASCADE.
    old = select(OutboxEvent.id).where(
        OutboxEvent.created_at < cutoff, OutboxEvent.dispatched_at.is_not(None), ~pending
    )
    ids = db.session.scalars(old).all()
    if ids:
        db.session.execute(delete(Delivery).where(Delivery.outbox_event_id.in_(ids)))
        db.session.execute(delete(OutboxEvent).where(OutboxEvent.id.in_(ids)))
    db.session.commit()
    return len(ids)
