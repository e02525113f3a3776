"""personal access tokens, idempotency keys, check-in source, audit token_id

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-26 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

import okr_app.models.types

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None

UTC_DATETIME = okr_app.models.types.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "personal_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("key_result_ids", sa.JSON(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=True),
        sa.Column("last_used_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_personal_tokens_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_personal_tokens"),
        sa.UniqueConstraint("secret_hash", name="uq_personal_tokens_secret_hash"),
    )
    op.create_index("ix_personal_tokens_user_id", "personal_tokens", ["user_id"])
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.Column("locked_until", UTC_DATETIME, nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_idempotency_keys_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_idempotency_keys"),
        sa.UniqueConstraint("scope", "key", name="uq_idempotency_keys_scope_key"),
    )
    op.create_index("ix_idempotency_keys_expires_at", "idempotency_keys", ["expires_at"])
    op.create_index("ix_idempotency_keys_user_id", "idempotency_keys", ["user_id"])
    # Plain ADD COLUMN on both databases: SQLite keeps the tables' constraints untouched.
    op.add_column("check_ins", sa.Column("source", sa.String(length=100), nullable=True))
    op.add_column("audit_log", sa.Column("token_id", sa.Integer(), nullable=True))


def downgrade():
    op.drop_column("audit_log", "token_id")
    op.drop_column("check_ins", "source")
    op.drop_index("ix_idempotency_keys_user_id", table_name="idempotency_keys")
    op.drop_index("ix_idempotency_keys_expires_at", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_personal_tokens_user_id", table_name="personal_tokens")
    op.drop_table("personal_tokens")
