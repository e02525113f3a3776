"""audit chains per account, their heads, and checkpoints

The single chain becomes the closed legacy chain (chain_key -1): its rows keep their
positions and hashes, so they stay verifiable as they were; its head moves to
audit_chain_head and the first checkpoint covers it. New rows go to their actor's chain.
Downgrading folds every row back into one chain in id order, hashed as before 0011.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 01:30:00.000000

"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

import okr_app.models.types

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

Moment = okr_app.models.types.UTCDateTime(timezone=True)
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
LEGACY_CHAIN = -1
#: The columns a row's hash covered before 0011 (token_id only when set).
OLD_HASHED = (
    "seq", "at", "actor_id", "owner_id", "action", "resource_type", "resource_id", "outcome",
    "status_code", "method", "path", "ip", "user_agent", "request_id", "details", "prev_hash",
)  # fmt: skip


def upgrade():
    op.create_table(
        "audit_chain_head",
        sa.Column("chain_key", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain_key", name=op.f("pk_audit_chain_head")),
    )
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", BigId, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("at", Moment, nullable=False),
        sa.Column("chains", sa.Integer(), nullable=False),
        sa.Column("heads", sa.JSON(), nullable=False),
        sa.Column("heads_hash", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_checkpoint_seq")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("chain_key", sa.Integer(), nullable=False, server_default=str(LEGACY_CHAIN))
        )
        batch_op.drop_constraint("uq_audit_log_seq", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_audit_log_chain_key"), ["chain_key", "seq"]
        )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("chain_key", server_default=None)
    op.execute(
        "INSERT INTO audit_chain_head (chain_key, seq, prev_hash, last_hash) "  # noqa: S608
        f"SELECT {LEGACY_CHAIN}, h.seq, l.prev_hash, h.last_hash FROM audit_head h "
        "JOIN audit_log l ON l.seq = h.seq WHERE h.seq > 0"
    )
    op.drop_table("audit_head")


def downgrade():
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint("uq_audit_log_chain_key", type_="unique")
    seq, last_hash = _fold_into_one_chain()
    op.execute(
        sa.text("INSERT INTO audit_head (id, seq, last_hash) VALUES (1, :seq, :hash)").bindparams(
            seq=seq, hash=last_hash
        )
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("chain_key")
        batch_op.create_unique_constraint(batch_op.f("uq_audit_log_seq"), ["seq"])
    op.drop_table("audit_checkpoint")
    op.drop_table("audit_chain_head")


def _fold_into_one_chain():
    """Renumber and re-hash every row in id order, as one chain; return its seq and hash."""
    connection = op.get_bind()
    log = sa.table(
        "audit_log",
        sa.column("id", BigId),
        sa.column("at", Moment),
        sa.column("details", sa.JSON()),
        sa.column("token_id", sa.Integer()),
        sa.column("hash", sa.String()),
        *(sa.column(name) for name in OLD_HASHED if name not in ("at", "details")),
    )
    seq, prev_hash, last_id = 0, "", 0
    while True:
        rows = connection.execute(
            sa.select(log).where(log.c.id > last_id).order_by(log.c.id).limit(1000)
        ).all()
        if not rows:
            return seq, prev_hash
        for row in rows:
            seq += 1
            content = {name: getattr(row, name) for name in OLD_HASHED}
            content.update(seq=seq, prev_hash=prev_hash)
            if row.token_id is not None:
                content["token_id"] = row.token_id
            content["at"] = content["at"].isoformat(timespec="microseconds")
            canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
            prev_hash = hashlib.sha256(canonical.encode()).hexdigest()
            connection.execute(
                log.update()
                .where(log.c.id == row.id)
                .values(seq=seq, prev_hash=content["prev_hash"], hash=prev_hash)
            )
        last_id = rows[-1].id
