"""The hash chain: append a row under the head's lock, and verify the whole trail."""

import hashlib
import json

from sqlalchemy import select, update

from okr_app.extensions import db
from okr_app.models import AuditHead, AuditRow

HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "owner_id",
    "action",
    "resource_type",
    "resource_id",
    "outcome",
    "status_code",
    "method",
    "path",
    "ip",
    "user_agent",
    "request_id",
    "details",
    "prev_hash",
)
#: Covered only when set, so that rows written before it existed keep their hashes.
OPTIONAL_HASHED_FIELDS = ("token_id",)


def row_hash(fields):
    """Return SHA-256 over the canonical JSON of a row's content, previous hash included."""
    content = {name: fields[name] for name in HASHED_FIELDS}
    content.update(
        {name: fields[name] for name in OPTIONAL_HASHED_FIELDS if fields.get(name) is not None}
    )
    content["at"] = content["at"].isoformat(timespec="microseconds")
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def append(fields):
    """Add a row to the trail in the current transaction and return it.

    The head row is updated first: that takes a row lock on PostgreSQL and the write lock on
    SQLite, so concurrent appends queue here, from this statement until their commit, and
    the chain stays linear. Callers commit right after, keeping the lock short.
    """
    seq = db.session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq)
    ).scalar_one()
    prev_hash = db.session.execute(
        select(AuditHead.last_hash).where(AuditHead.id == 1)
    ).scalar_one()
    fields = {**fields, "seq": seq, "prev_hash": prev_hash}
    fields["hash"] = row_hash(fields)
    row = AuditRow(**fields)
    db.session.add(row)
    db.session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=fields["hash"]))
    return row


def verify(batch_size=1000):
    """Walk the chain in order; return ``(rows_checked, None)`` or ``(n, problem)``.

    A problem names the first row whose hash does not match its content (edited), whose
    previous hash is not its predecessor's (deleted or inserted out of order), or a gap in
    the sequence, and the head's hash must match the last row (deleted at the end).
    """
    expected_prev, expected_seq, checked = "", 1, 0
    last_seq = 0
    while True:
        rows = db.session.scalars(
            select(AuditRow).where(AuditRow.seq > last_seq).order_by(AuditRow.seq).limit(batch_size)
        ).all()
        if not rows:
            break
        for row in rows:
            problem = _row_problem(row, expected_seq, expected_prev)
            if problem:
                return checked, problem
            expected_prev, expected_seq, checked = row.hash, row.seq + 1, checked + 1
        last_seq = rows[-1].seq
        db.session.expunge_all()
    head = db.session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.last_hash != expected_prev):
        return checked, f"head seq={head.seq} differs from the last row (rows deleted at the end)"
    return checked, None


def _row_problem(row, expected_seq, expected_prev):
    """Describe what is wrong with ``row`` at this point of the chain, or return None."""
    where = f"row id={row.id} seq={row.seq}"
    if row.seq != expected_seq:
        return f"{where}: expected seq {expected_seq} (a row was deleted or inserted)"
    if row.prev_hash != expected_prev:
        return f"{where}: previous hash differs (a row before it was altered or inserted)"
    names = HASHED_FIELDS + OPTIONAL_HASHED_FIELDS
    if row_hash({name: getattr(row, name) for name in names}) != row.hash:
        return f"{where}: content does not match its hash (altered)"
    return None
