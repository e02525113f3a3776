"""Column types shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

#: Ids are 32-bit integers in the database; a larger one can name nothing.
MAX_ID = 2**31 - 1

#: Table options so that SQLite never gives a deleted row's id to a new row (PostgreSQL's
#: sequences never do): other rows and the audit trail keep ids, and must never find a
#: stranger behind one.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


def utcnow():
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def when_created(context):
    """Return the row's ``created_at``: the default of ``updated_at``, one moment for both."""
    return context.get_current_parameters()["created_at"]


class UTCDateTime(TypeDecorator):
    """An aware UTC timestamp on every backend (SQLite drops the zone, this restores it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Store aware datetimes converted to UTC; naive ones are taken as UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        """Return an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
