"""Writes that lost to a concurrent one: PostgreSQL rolled them back, a retry succeeds."""

#: SQLSTATEs of a transaction rolled back for a concurrent one's sake: deadlock_detected,
#: serialization_failure.
CONFLICTS = frozenset({"40P01", "40001"})
#: What the API and the web interface say; nothing of the request was written.
MESSAGE = "Another change was written at the same moment; nothing was changed. Retry."
#: Seconds before a retry: the concurrent change is done by then.
RETRY_AFTER = "1"


def is_write_conflict(error):
    """Tell whether the database error ``error`` rolled the request back for a concurrent one."""
    return getattr(getattr(error, "orig", None), "pgcode", None) in CONFLICTS
