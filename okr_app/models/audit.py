"""The audit trail: append-only rows chained by hashes, and the chain's head."""

from datetime import datetime

from sqlalchemy import DDL, JSON, BigInteger, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from okr_app.extensions import db
from okr_app.models.types import UTCDateTime

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer, "sqlite")


class AuditRow(db.Model):
    """One audited request; ``hash`` covers its content and the previous row's hash."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    owner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    resource_type: Mapped[str | None] = mapped_column(String(32))
    resource_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(8))
    status_code: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(255))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    request_id: Mapped[str | None] = mapped_column(String(64))
    #: The personal access token the request was made with; null for a login session.
    token_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def __repr__(self):
        return f"<AuditRow {self.seq} {self.action}>"


class AuditHead(db.Model):
    """The single row that serialises appends: the last sequence number and hash."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))


event.listen(
    AuditHead.__table__,
    "after_create",
    DDL("INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, '')"),
)
