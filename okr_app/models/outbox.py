"""The outbox: events recorded in the transaction of the change that caused them."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, insert
from sqlalchemy.orm import Mapped, mapped_column

from okr_app.extensions import db
from okr_app.models.audit import BigId
from okr_app.models.types import NEVER_REUSE_IDS, UTCDateTime, utcnow


class OutboxEvent(db.Model):
    """One event of one user; ``dispatched_at`` is set once the worker has fanned it out.

    ``event_id`` is the ``webhook-id`` every delivery of it carries, on every attempt.
    ``data`` is the resource as the API returned it, or ``{"id": ...}`` for a deletion.
    ``webhook_id`` addresses one webhook only (a ``ping``); otherwise every active webhook
    of the user that subscribes to ``type`` gets it.
    """

    __tablename__ = "outbox_events"
    __table_args__ = (
        Index("ix_outbox_events_dispatched_at_id", "dispatched_at", "id"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    webhook_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("webhooks.id", ondelete="CASCADE")
    )
    type: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self):
        return f"<OutboxEvent {self.event_id} {self.type}>"


def publish(event_type, user_id, data, *, webhook_id=None):
    """Record an event in the current transaction (one INSERT); return its ``event_id``."""
    values = event_values(event_type, user_id, data, webhook_id=webhook_id)
    db.session.execute(_INSERT, values)
    return values["event_id"]


def event_values(event_type, user_id, data, *, webhook_id=None):
    """Return the columns of a new event's row, its ``event_id`` new."""
    return {
        "event_id": "msg_" + uuid.uuid4().hex,
        "user_id": user_id,
        "webhook_id": webhook_id,
        "type": event_type,
        "data": data,
        "created_at": utcnow(),
    }


#: The table's own INSERT (no ORM bulk machinery), bound per event.
_INSERT = insert(OutboxEvent.__table__)
