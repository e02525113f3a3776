"""SQL counterparts of Python built-ins, for formulas computed in the database as well."""

import hashlib
from datetime import date

from sqlalchemy import Date, Float, String, case, cast, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


def sql_clamp(value, low, high):
    """Return the SQL for ``value`` limited to the range from ``low`` to ``high``."""
    return case((value <= low, low), (value >= high, high), else_=value)


def sql_ratio(numerator, denominator):
    """Return the SQL for numerator / denominator, 0 when the denominator is not above 0."""
    return case((denominator > 0, numerator / denominator), else_=0.0)


def sql_choose(condition, chosen, otherwise):
    """Return the SQL for ``chosen`` when ``condition`` holds, else ``otherwise``."""
    return case((condition, chosen), else_=otherwise)


def utc_day(column, dialect):
    """Return the SQL for the UTC calendar day of a timestamp column."""
    if dialect == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)


def epoch_seconds(column, dialect):
    """Return the SQL for a timestamp column in seconds since 1970-01-01 UTC."""
    if dialect == "postgresql":
        return func.extract("epoch", column)
    # SQLite keeps moments as text ("YYYY-MM-DD HH:MM:SS.ffffff") and its date functions
    # round them to the millisecond: the whole seconds are read without the fraction, which
    # is added from the text.
    whole = func.strftime("%s", func.substr(column, 1, 19))
    return cast(whole, Float) + cast(func.substr(column, 20), Float)


def as_date(value):
    """Return a ``date`` from what the driver gives (a date, or SQLite's ISO string)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


class sha256_hex(FunctionElement):
    """SQL for the lowercase hex SHA-256 of a text's UTF-8 bytes, as ``hashlib`` computes it."""

    type = String()
    inherit_cache = True
    name = "sha256_hex"


@compiles(sha256_hex)
def _sha256_hex_sqlite(element, compiler, **kw):
    """SQLite: the function each connection registers (``okr_app.database.sqlite``)."""
    return f"sha256_hex({compiler.process(element.clauses, **kw)})"


@compiles(sha256_hex, "postgresql")
def _sha256_hex_postgresql(element, compiler, **kw):
    """PostgreSQL: the built-in ``sha256`` over the text's UTF-8 bytes, hex-encoded."""
    return f"encode(sha256(convert_to({compiler.process(element.clauses, **kw)}, 'UTF8')), 'hex')"


def python_sha256_hex(text):
    """Return the lowercase hex SHA-256 of ``text``'s UTF-8 bytes (the SQLite function)."""
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()
