"""Webhooks: where a user's events are sent, and each event's delivery to each of them."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr_app.extensions import db
from okr_app.models.audit import BigId
from okr_app.models.types import NEVER_REUSE_IDS, UTCDateTime, utcnow, when_created

#: Every event a webhook may subscribe to; ``*`` subscribes to all of them.
EVENT_TYPES = (
    "check_in.created",
    "key_result.created",
    "key_result.updated",
    "key_result.deleted",
    "key_result.due",
    "key_result.stale",
    "key_result.off_track",
    "objective.created",
    "objective.updated",
    "objective.deleted",
    "objective.closed",
    "objective.reopened",
    "ping",
)
ALL_EVENTS = "*"
DELIVERY_STATUSES = ("pending", "succeeded", "failed")


class Webhook(db.Model):
    """A user's endpoint for events; ``secret`` signs every delivery (Standard Webhooks).

    ``failing_since`` is the first failed delivery since the last success: a webhook whose
    deliveries have all failed for ``OKR_WEBHOOK_DISABLE_AFTER_DAYS`` is made inactive.
    ``active_since`` is its registration or last resume, ``paused_at`` the start of its last
    pause (see ``okr_app.webhooks.registering.date_active_change``).
    """

    __tablename__ = "webhooks"
    __table_args__ = (NEVER_REUSE_IDS,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    secret: Mapped[str] = mapped_column(String(64))
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=when_created, onupdate=utcnow)
    active_since: Mapped[datetime] = mapped_column(UTCDateTime, default=when_created)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def wants(self, event_type):
        """Tell whether this webhook subscribes to ``event_type``."""
        return ALL_EVENTS in self.events or event_type in self.events

    def was_active_at(self, moment):
        """Tell whether the webhook was registered and not paused at ``moment``.

        Asked of the events still to be fanned out: those from before ``paused_at`` all
        happened while it was active, since a pause with older events waiting widens the
        previous pause rather than starting a new one.
        """
        if moment < self.created_at:
            return False
        if self.paused_at is None or moment < self.paused_at:
            return True
        return self.active and moment >= self.active_since

    def __repr__(self):
        return f"<Webhook {self.id}>"


class Delivery(db.Model):
    """One event sent to one webhook: its attempts so far and the next one, if any.

    A worker claims a due delivery by setting ``claimed_until`` and ``claim_token`` in one
    conditional statement; only the holder of the token records the attempt's outcome.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'succeeded', 'failed')", name="status"),
        UniqueConstraint("webhook_id", "outbox_event_id", name="uq_webhook_deliveries_event"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_webhook_id_id", "webhook_id", "id"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(Integer, ForeignKey("webhooks.id", ondelete="CASCADE"))
    #: The webhook's user, named here too: every user-data table carries its user
    #: (``okr_app/models/distribution.py``).
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    outbox_event_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("outbox_events.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event = relationship("OutboxEvent", lazy="joined")

    @property
    def event_id(self):
        """Return the event's id, the ``webhook-id`` of every attempt."""
        return self.event.event_id

    @property
    def type(self):
        """Return the event's type."""
        return self.event.type

    def __repr__(self):
        return f"<Delivery {self.id}>"
