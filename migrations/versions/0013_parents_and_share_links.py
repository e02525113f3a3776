"""parent objectives with roll-up, and share links

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

import okr_app.models.types

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

Moment = okr_app.models.types.UTCDateTime(timezone=True)
KEEP_IDS = {"sqlite_autoincrement": True}


def upgrade():
    # SQLite rebuilds the table: it keeps AUTOINCREMENT (0012) only when asked again.
    with op.batch_alter_table("objectives", table_kwargs=KEEP_IDS) as batch:
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("roll_up", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("child_weight", sa.Float(), nullable=False, server_default="1"))
        batch.create_foreign_key(
            "fk_objectives_parent_id_objectives",
            "objectives",
            ["parent_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_check_constraint("child_weight_positive", "child_weight > 0")
        batch.create_index("ix_objectives_parent_id", ["parent_id"])
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", Moment, nullable=True),
        sa.Column("created_at", Moment, nullable=False),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["objectives.id"],
            name="fk_share_links_objective_id_objectives",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_share_links_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_share_links"),
        sa.UniqueConstraint("token_hash", name="uq_share_links_token_hash"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_share_links_objective_id", "share_links", ["objective_id"])


def downgrade():
    op.drop_table("share_links")
    with op.batch_alter_table("objectives", table_kwargs=KEEP_IDS) as batch:
        batch.drop_index("ix_objectives_parent_id")
        batch.drop_constraint("child_weight_positive", type_="check")
        batch.drop_constraint("fk_objectives_parent_id_objectives", type_="foreignkey")
        batch.drop_column("child_weight")
        batch.drop_column("roll_up")
        batch.drop_column("parent_id")
