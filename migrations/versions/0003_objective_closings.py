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


def downgrade():
    with op.batch_alter_table("objective_closings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objective_closings_user_id"))
        batch_op.drop_index(batch_op.f("ix_objective_closings_objective_id"))

    op.drop_table("objective_closings")
