"""Checkpoints: every chain's head, hashed together and chained, so cuts cannot go unseen."""

import hashlib
import json

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from okr_app.extensions import db
from okr_app.models import AuditChainHead, AuditCheckpoint
from okr_app.models.types import utcnow


def canonical_hash(content):
    """Return SHA-256 over the canonical JSON of ``content``."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def checkpoint_hash(fields):
    """Return the hash of a checkpoint: its position, time, heads' hash and previous hash."""
    return canonical_hash(
        {
            "seq": fields["seq"],
            "at": fields["at"].isoformat(timespec="microseconds"),
            "chains": fields["chains"],
            "heads_hash": fields["heads_hash"],
            "prev_hash": fields["prev_hash"],
        }
    )


def current_heads():
    """Return ``{chain key as text: [seq, hash]}`` of every chain, as committed now."""
    rows = db.session.execute(
        select(AuditChainHead.chain_key, AuditChainHead.seq, AuditChainHead.last_hash)
        .where(AuditChainHead.seq > 0)
        .order_by(AuditChainHead.chain_key)
    )
    return {str(key): [seq, last_hash] for key, seq, last_hash in rows}


def write_checkpoint():
    """Append and commit a checkpoint of every chain's head; return it, or None if none is due.

    None when no chain moved since the latest checkpoint, or when another process wrote
    the same checkpoint at the same moment (its position is unique): running it again,
    or on several workers at once, is harmless.
    """
    heads = current_heads()
    heads_hash = canonical_hash(heads)
    previous = db.session.scalar(
        select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc()).limit(1)
    )
    if previous is not None and previous.heads_hash == heads_hash:
        db.session.rollback()
        return None
    fields = {
        "seq": 1 if previous is None else previous.seq + 1,
        "at": utcnow(),
        "chains": len(heads),
        "heads": heads,
        "heads_hash": heads_hash,
        "prev_hash": "" if previous is None else previous.hash,
    }
    checkpoint = AuditCheckpoint(**fields, hash=checkpoint_hash(fields))
    db.session.add(checkpoint)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return checkpoint
