"""Idempotency keys: a write's first answer, kept so that a retry gets it again."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from okr_app.extensions import db
from okr_app.models.types import UTCDateTime, utcnow


class IdempotencyKey(db.Model):
    """One ``Idempotency-Key`` of one caller: the request it named and, once done, its answer.

    ``scope`` is ``user:<id>`` or, for a request without a login, ``address:<client>``;
    ``user_id`` lets an account's keys go with it. ``status`` is null while the first
    request runs (until ``locked_until``, after which another may take the key over).
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_keys_scope_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[int | None] = mapped_column(Integer)
    headers: Mapped[dict | None] = mapped_column(JSON)
    body: Mapped[bytes | None] = mapped_column(LargeBinary)

    def __repr__(self):
        return f"<IdempotencyKey {self.scope} {self.key!r}>"
