"""key result kinds: increase, decrease, stay_above, stay_below, stay_in_range, milestone

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-01 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None

KIND_CHECK = (
    "kind IN ('increase', 'decrease', 'stay_above', 'stay_below', 'stay_in_range', 'milestone')"
)


def upgrade():
    # Plain ALTER TABLE: SQLite keeps key_results' AUTOINCREMENT and CHECK constraints, which
    # a batch rebuild would drop; SQLite cannot add the kind's CHECK without one, so only
    # PostgreSQL gets it (the API validates the kind on both).
    op.add_column(
        "key_results",
        sa.Column("kind", sa.String(length=16), server_default="increase", nullable=False),
    )
    op.add_column("key_results", sa.Column("threshold", sa.Float(), nullable=True))
    op.add_column("key_results", sa.Column("range_min", sa.Float(), nullable=True))
    op.add_column("key_results", sa.Column("range_max", sa.Float(), nullable=True))
    op.add_column("key_results", sa.Column("due_on", sa.Date(), nullable=True))
    op.add_column(
        "key_results",
        sa.Column("band_days", sa.Float(), server_default="0", nullable=False),
    )
    op.execute("UPDATE key_results SET kind = 'decrease' WHERE target_value < start_value")
    if op.get_bind().dialect.name == "postgresql":
        op.create_check_constraint("kind", "key_results", KIND_CHECK)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("kind", "key_results", type_="check")
    for column in ("band_days", "due_on", "range_max", "range_min", "threshold", "kind"):
        op.drop_column("key_results", column)
