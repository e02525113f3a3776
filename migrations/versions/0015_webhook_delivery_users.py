"""each webhook delivery names its user

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

KEEP_IDS = {"sqlite_autoincrement": True}
FOREIGN_KEY = "fk_webhook_deliveries_user_id_users"
INDEX = "ix_webhook_deliveries_user_id"


def upgrade():
    # SQLite rebuilds the table: it keeps AUTOINCREMENT (0012) only when asked again.
    with op.batch_alter_table("webhook_deliveries", table_kwargs=KEEP_IDS) as batch:
        batch.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE webhook_deliveries SET user_id ="
        " (SELECT webhooks.user_id FROM webhooks WHERE webhooks.id = webhook_deliveries.webhook_id)"
    )
    with op.batch_alter_table("webhook_deliveries", table_kwargs=KEEP_IDS) as batch:
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(FOREIGN_KEY, "users", ["user_id"], ["id"], ondelete="CASCADE")
        batch.create_index(INDEX, ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("webhook_deliveries", table_kwargs=KEEP_IDS) as batch:
        batch.drop_index(INDEX)
        batch.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        batch.drop_column("user_id")
