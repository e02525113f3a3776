"""when each webhook was last resumed and paused

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

import okr_app.models.types

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

Moment = okr_app.models.types.UTCDateTime(timezone=True)
KEEP_IDS = {"sqlite_autoincrement": True}


def upgrade():
    # SQLite rebuilds the table: it keeps AUTOINCREMENT (0012) only when asked again.
    with op.batch_alter_table("webhooks", table_kwargs=KEEP_IDS) as batch:
        batch.add_column(sa.Column("active_since", Moment, nullable=True))
        batch.add_column(sa.Column("paused_at", Moment, nullable=True))
    # When a paused webhook was paused is not known: say at its registration, so that
    # nothing from before its next resume is delivered.
    op.execute(
        "UPDATE webhooks SET active_since = created_at,"
        " paused_at = CASE WHEN active THEN NULL ELSE created_at END"
    )
    with op.batch_alter_table("webhooks", table_kwargs=KEEP_IDS) as batch:
        batch.alter_column("active_since", existing_type=Moment, nullable=False)


def downgrade():
    with op.batch_alter_table("webhooks", table_kwargs=KEEP_IDS) as batch:
        batch.drop_column("paused_at")
        batch.drop_column("active_since")
