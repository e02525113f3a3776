"""The audit trail: append-only rows in one hash chain per account, their heads, checkpoints."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from okr_app.extensions import db
from okr_app.models.types import UTCDateTime

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer, "sqlite")

#: The chain of rows without an actor (failed logins for unknown e-mails, shell commands).
ANONYMOUS_CHAIN = 0
#: The closed chain of the rows written before chains were per account (migration 0011).
LEGACY_CHAIN = -1


class AuditRow(db.Model):
    """One audited request; ``hash`` covers its content and the previous row's hash.

    ``chain_key`` is the actor's user id (``ANONYMOUS_CHAIN`` without one) and ``seq`` the
    row's position in that chain, from 1.
    """

    __tablename__ = "audit_log"
    __table_args__ = (UniqueConstraint("chain_key", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    chain_key: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(BigInteger)
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
        return f"<AuditRow {self.chain_key}:{self.seq} {self.action}>"


class AuditChainHead(db.Model):
    """The head of one chain: its last position and hash; appending locks only this row.

    ``prev_hash`` is the hash before the last row's, kept so that the statement advancing
    the head can hand both to the row it appends.
    """

    __tablename__ = "audit_chain_head"

    chain_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    prev_hash: Mapped[str] = mapped_column(String(64))
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(db.Model):
    """Every chain's head at one moment, hashed together and chained to the previous one.

    ``heads`` maps each chain key (as text) to ``[seq, hash]`` of its last row;
    ``heads_hash`` is SHA-256 over them and ``hash`` covers this checkpoint's content and
    ``prev_hash``, the previous checkpoint's ``hash``.
    """

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    chains: Mapped[int] = mapped_column(Integer)
    heads: Mapped[dict] = mapped_column(JSON)
    heads_hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
