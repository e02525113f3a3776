"""check-in cadence, webhooks and their outbox, reminders, calendar feeds, worker heartbeats

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-01 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

import okr_app.models.types

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None

Moment = okr_app.models.types.UTCDateTime(timezone=True)
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
CADENCE_RANGE = "check_in_every_days IS NULL OR check_in_every_days BETWEEN 1 AND 92"


def upgrade():
    with op.batch_alter_table("objectives") as batch:
        batch.add_column(sa.Column("check_in_every_days", sa.Integer(), nullable=True))
        batch.create_check_constraint("check_in_every_days_range", CADENCE_RANGE)
    # Plain ALTER TABLE: SQLite keeps key_results' AUTOINCREMENT and CHECK constraints.
    op.add_column("key_results", sa.Column("last_check_in_at", Moment, nullable=True))
    op.execute(
        "UPDATE key_results SET last_check_in_at = "
        "(SELECT max(c.at) FROM check_ins c WHERE c.key_result_id = key_results.id)"
    )
    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("failing_since", Moment, nullable=True),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("updated_at", Moment, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_webhooks_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_webhooks"),
    )
    op.create_index("ix_webhooks_user_id", "webhooks", ["user_id"])
    op.create_table(
        "outbox_events",
        sa.Column("id", BigId, nullable=False),
        sa.Column("event_id", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=True),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("dispatched_at", Moment, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_outbox_events_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["webhooks.id"],
            name="fk_outbox_events_webhook_id_webhooks",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_events"),
        sa.UniqueConstraint("event_id", name="uq_outbox_events_event_id"),
    )
    op.create_index("ix_outbox_events_user_id", "outbox_events", ["user_id"])
    op.create_index("ix_outbox_events_created_at", "outbox_events", ["created_at"])
    op.create_index("ix_outbox_events_dispatched_at_id", "outbox_events", ["dispatched_at", "id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", BigId, nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("outbox_event_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("next_attempt_at", Moment, nullable=True),
        sa.Column("delivered_at", Moment, nullable=True),
        sa.Column("claimed_until", Moment, nullable=True),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("created_at", Moment, nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'succeeded', 'failed')", name="ck_webhook_deliveries_status"
        ),
        sa.ForeignKeyConstraint(
            ["outbox_event_id"],
            ["outbox_events.id"],
            name="fk_webhook_deliveries_outbox_event_id_outbox_events",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["webhooks.id"],
            name="fk_webhook_deliveries_webhook_id_webhooks",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
        sa.UniqueConstraint("webhook_id", "outbox_event_id", name="uq_webhook_deliveries_event"),
    )
    op.create_index(
        "ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"]
    )
    op.create_index(
        "ix_webhook_deliveries_webhook_id_id", "webhook_deliveries", ["webhook_id", "id"]
    )
    op.create_index(
        "ix_webhook_deliveries_outbox_event_id", "webhook_deliveries", ["outbox_event_id"]
    )
    op.create_table(
        "key_result_reminders",
        sa.Column("key_result_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("due_sent_for", Moment, nullable=True),
        sa.Column("stale_sent_for", Moment, nullable=True),
        sa.Column("pace_status", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["key_result_id"],
            ["key_results.id"],
            name="fk_key_result_reminders_key_result_id_key_results",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_key_result_reminders_user_id_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key_result_id", name="pk_key_result_reminders"),
    )
    op.create_index("ix_key_result_reminders_user_id", "key_result_reminders", ["user_id"])
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_calendar_feeds_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_calendar_feeds"),
        sa.UniqueConstraint("token_hash", name="uq_calendar_feeds_token_hash"),
        sa.UniqueConstraint("user_id", name="uq_calendar_feeds_user_id"),
    )
    op.create_table(
        "worker_heartbeats",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("beat_at", Moment, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_worker_heartbeats"),
    )
    op.create_index("ix_worker_heartbeats_beat_at", "worker_heartbeats", ["beat_at"])


def downgrade():
    op.drop_table("worker_heartbeats")
    op.drop_table("calendar_feeds")
    op.drop_table("key_result_reminders")
    op.drop_table("webhook_deliveries")
    op.drop_table("outbox_events")
    op.drop_table("webhooks")
    op.drop_column("key_results", "last_check_in_at")
    with op.batch_alter_table("objectives") as batch:
        batch.drop_constraint("check_in_every_days_range", type_="check")
        batch.drop_column("check_in_every_days")
