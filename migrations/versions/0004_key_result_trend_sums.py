"""key result trend sums

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 15:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SUMS = ("trend_count", "trend_sum_x", "trend_sum_y", "trend_sum_xy", "trend_sum_xx")
BOUNDS = ("trend_first_x", "trend_last_x")
#: A check-in's moment in days since its objective's period start, as the app computes it.
DAY_OFFSET = {
    "postgresql": "CAST(EXTRACT(epoch FROM c.at) - EXTRACT(epoch FROM "
    "CAST(o.start_date AS TIMESTAMP WITHOUT TIME ZONE)) AS FLOAT) / 86400.0",
    "sqlite": "(julianday(c.at) - julianday(o.start_date))",
}


def backfill():
    """Set every key result's sums from its check-ins."""
    x = DAY_OFFSET[op.get_bind().dialect.name]
    aggregates = {
        "trend_count": "count(*)",
        "trend_sum_x": f"coalesce(sum({x}), 0.0)",
        "trend_sum_y": "coalesce(sum(c.value), 0.0)",
        "trend_sum_xy": f"coalesce(sum(({x}) * c.value), 0.0)",
        "trend_sum_xx": f"coalesce(sum(({x}) * ({x})), 0.0)",
        "trend_first_x": f"min({x})",
        "trend_last_x": f"max({x})",
    }
    # Built from the constants above only: no outside input reaches this SQL.
    assignments = ",\n".join(
        f"{column} = (SELECT {aggregate} FROM check_ins c, objectives o "  # noqa: S608
        "WHERE c.key_result_id = key_results.id AND o.id = key_results.objective_id)"
        for column, aggregate in aggregates.items()
    )
    op.execute(f"UPDATE key_results SET {assignments}")  # noqa: S608


def upgrade():
    # Plain ALTER TABLE on both databases (SQLite 3.35 or newer drops columns itself), so
    # SQLite keeps key_results' AUTOINCREMENT and CHECK constraints untouched.
    op.add_column(
        "key_results", sa.Column("trend_count", sa.Integer(), server_default="0", nullable=False)
    )
    for name in SUMS[1:]:
        op.add_column(
            "key_results", sa.Column(name, sa.Float(), server_default="0", nullable=False)
        )
    for name in BOUNDS:
        op.add_column("key_results", sa.Column(name, sa.Float(), nullable=True))
    backfill()


def downgrade():
    for name in reversed(SUMS + BOUNDS):
        op.drop_column("key_results", name)
