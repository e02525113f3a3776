"""The trail's values read as stored, so that one edited into nonsense is a finding, not a crash.

SQLite keeps whatever an UPDATE puts in a column: a ``details`` that is no JSON, an ``at``
that is no date, a ``seq`` that is no number. Read through the columns' types, such a value
raises in the middle of the stream and ends the walk; read as stored and parsed here, it is
named as its row's problem and the walk goes on. PostgreSQL refuses such values when they
are written, and hands over typed values, which pass through unchanged.
"""

import json
from datetime import UTC, datetime

from sqlalchemy import Text, type_coerce


def as_stored(column):
    """Select ``column`` without its type's conversion (a value SQLite keeps as text stays text)."""
    return type_coerce(column, Text).label(column.key)


def timestamp(value):
    """Return a stored timestamp as an aware UTC datetime; raise ValueError if it is none."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise ValueError(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def json_value(value):
    """Return a stored JSON value parsed; raise ValueError if it is no JSON."""
    return json.loads(value) if isinstance(value, str) else value


def whole_number(value):
    """Return a stored whole number; raise ValueError if it is none."""
    if type(value) is not int:
        raise ValueError(value)
    return value


def chain_heads(value):
    """Return a checkpoint's stored heads, ``{chain key: [seq, hash]}``; raise ValueError if not."""
    heads = json_value(value)
    if not isinstance(heads, dict):
        raise ValueError(value)
    for key, head in heads.items():
        int(key)
        if not (isinstance(head, list) and len(head) == 2):
            raise ValueError(value)
        whole_number(head[0])
        if not isinstance(head[1], str):
            raise ValueError(value)
    return heads


def read(row, readers):
    """Return ``row``'s fields with each in ``readers`` parsed, and the name of the unreadable one.

    The name is None when every field reads; the fields then hold what the types would give.
    """
    fields = row._asdict()
    for name, reader in readers.items():
        try:
            fields[name] = reader(fields[name])
        except (ValueError, TypeError, OverflowError):  # a date beyond year 1 to 9999 in UTC
            return fields, name
    return fields, None
