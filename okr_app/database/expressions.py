"""SQL counterparts of Python built-ins, for formulas computed in the database as well."""

from datetime import date

from sqlalchemy import Date, case, cast, func


def sql_clamp(value, low, high):
    """Return the SQL for ``value`` limited to the range from ``low`` to ``high``."""
    return case((value <= low, low), (value >= high, high), else_=value)


def utc_day(column, dialect):
    """Return the SQL for the UTC calendar day of a timestamp column."""
    if dialect == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)


def as_date(value):
    """Return a ``date`` from what the driver gives (a date, or SQLite's ISO string)."""
    return value if isinstance(value, date) else date.fromisoformat(value)
