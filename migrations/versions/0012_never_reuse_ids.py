"""never reuse ids: SQLite AUTOINCREMENT on every table other rows or the audit trail name

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 02:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: Tables whose ids other rows or the audit trail keep, with the audit trail's name for them.
TABLES = {
    "users": "user",
    "objectives": "objective",
    "check_ins": "check_in",
    "objective_closings": None,
    "personal_tokens": "personal_token",
    "webhooks": "webhook",
    "webhook_deliveries": "webhook_delivery",
    "calendar_feeds": "calendar_feed",
    "outbox_events": None,
}

#: The highest id the audit trail names for each resource type (text ids of digits only).
HIGHEST_NAMED = sa.text(
    "SELECT max(CAST(resource_id AS INTEGER)) FROM audit_log "
    "WHERE resource_type = :kind AND resource_id NOT GLOB '*[^0-9]*' AND resource_id <> ''"
)
HIGHEST_PERSON = sa.text(
    "SELECT max(max(coalesce(actor_id, 0)), max(coalesce(owner_id, 0))) FROM audit_log"
)
SEQUENCE = sa.table("sqlite_sequence", sa.column("name"), sa.column("seq"))


def upgrade():
    """Rebuild the tables with AUTOINCREMENT on SQLite, past every id already handed out.

    Without it SQLite gives a new row the highest id + 1, so the next account takes a
    deleted newest account's id and with it that person's audit trail. The counter starts
    past the highest id still stored or still named by the audit trail, so even an id
    freed before this migration is never given again. PostgreSQL's sequences never reuse
    an id: nothing to do there.
    """
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for table in TABLES:
        rebuild(table, autoincrement=True)
    for table, kind in TABLES.items():
        rows = sa.table(table, sa.column("id"))
        highest = [bind.scalar(sa.select(sa.func.max(rows.c.id))) or 0]
        if kind is not None:
            highest.append(bind.scalar(HIGHEST_NAMED, {"kind": kind}) or 0)
        if table == "users":
            highest.append(bind.scalar(HIGHEST_PERSON) or 0)
        bind.execute(SEQUENCE.delete().where(SEQUENCE.c.name == table))
        bind.execute(SEQUENCE.insert().values(name=table, seq=int(max(highest))))


def downgrade():
    """Rebuild the tables without AUTOINCREMENT on SQLite."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        rebuild(table, autoincrement=False)


def rebuild(table, autoincrement):
    """Copy ``table`` into a new one with or without AUTOINCREMENT (SQLite only)."""
    with op.batch_alter_table(
        table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass
