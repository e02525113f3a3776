"""SQL counterparts of Python built-ins, for formulas computed in the database as well."""

from datetime import date

from sqlalchemy import Date, case, cast, func


def sql_clamp(value, low, high):
    """Return the SQL for ``value`` limited to the range from ``low`` to ``high``."""
    return case((value <= low, low), (value >= high, high), else_=value)


def sql_ratio(numerator, denominator):
    """Return the SQL for numerator / denominator, 0 when the denominator is not above 0."""
    return case((denominator > 0, numerator / denominator), else_=0.0)


def utc_day(column, dialect):
    """Return the SQL for the UTC calendar day of a timestamp column."""
    if dialect == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)


def epoch_seconds(column, dialect):
    """Return the SQL for a timestamp column in seconds since 1970-01-01 UTC."""
    if dialect == "postgresql":
        return func.extract("epoch", column)
    return (func.julianday(column) - 2440587.5) * 86400.0


def as_date(value):
    """Return a ``date`` from what the driver gives (a date, or SQLite's ISO string)."""
    return value if isinstance(value, date) else date.fromisoformat(value)
