"""objective closings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 12:46:26.184033

"""

import sqlalchemy as sa
from alembic import op

import okr_app.models.types


# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def key_results_table(autoincrement):
    """Return key_results as 0002 made it, with or without SQLite's AUTOINCREMENT."""
    return sa.Table(
        "key_results",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("metric", sa.String(length=100), nullable=False),
        sa.Column("start_value", sa.Float(), nullable=False),
        sa.Column("target_value", sa.Float(), nullable=False),
        sa.Column("current_value", sa.Float(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", okr_app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", okr_app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "start_value <> target_value", name="ck_key_results_start_differs_from_target"
        ),
        sa.CheckConstraint("weight > 0", name="ck_key_results_weight_positive"),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["objectives.id"],
            name="fk_key_results_objective_id_objectives",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_key_results_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_key_results"),
        sa.Index("ix_key_results_objective_id", "objective_id"),
        sa.Index("ix_key_results_user_id", "user_id"),
        sqlite_autoincrement=autoincrement,
    )


def rebuild_key_results_on_sqlite(autoincrement):
    """Copy key_results into a table with or without AUTOINCREMENT (SQLite only).

    Without it SQLite gives a new row the highest id + 1, so the next key result would
    take the id of a deleted newest one; closings keep the ids of the key results they
    froze, so ids must never be reused. PostgreSQL sequences never reuse them.
    """
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "key_results",
        recreate="always",
        copy_from=key_results_table(autoincrement),
        table_kwargs={"sqlite_autoincrement": autoincrement},
    ):
        pass


def upgrade():
    op.create_table(
        "objective_closings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("retrospective", sa.String(length=2000), nullable=True),
        sa.Column("grade", sa.Float(), nullable=False),
        sa.Column("final_progress", sa.Float(), nullable=False),
        sa.Column("key_results", sa.JSON(), nullable=False),
        sa.Column("closed_at", okr_app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reopened_at", okr_app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('achieved', 'missed', 'cancelled')",
            name=op.f("ck_objective_closings_outcome"),
        ),
        sa.CheckConstraint(
            "grade >= 0 AND grade <= 1", name=op.f("ck_objective_closings_grade_range")
        ),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["objectives.id"],
            name=op.f("fk_objective_closings_objective_id_objectives"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_objective_closings_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objective_closings")),
    )
    with op.batch_alter_table("objective_closings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_objective_closings_objective_id"), ["objective_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_objective_closings_user_id"), ["user_id"], unique=False
        )

    rebuild_key_results_on_sqlite(autoincrement=True)


def downgrade():
    rebuild_key_results_on_sqlite(autoincrement=False)

    with op.batch_alter_table("objective_closings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objective_closings_user_id"))
        batch_op.drop_index(batch_op.f("ix_objective_closings_objective_id"))

    op.drop_table("objective_closings")
