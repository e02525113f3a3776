"""Field changes applied to a row, described for the audit trail."""

from datetime import date, datetime


def apply_changes(row, values):
    """Set ``values`` on ``row``; return ``{field: {"old": ..., "new": ...}}`` of real changes."""
    changes = {}
    for name, new in values.items():
        old = getattr(row, name)
        if old != new:
            setattr(row, name, new)
            changes[name] = {"old": as_json(old), "new": as_json(new)}
    return changes


def as_json(value):
    """Return ``value`` as a JSON-serialisable value: dates and times in ISO 8601."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
