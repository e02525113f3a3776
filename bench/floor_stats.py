"""The floor's GET /stats: okr_app's three aggregate queries and the same arithmetic.

The statements are okr_app's own (``okr_app.stats.queries``), compiled once for psycopg2,
and the body is assembled by okr_app's ``summarise`` (plain functions over rows, no
framework), so the floor and the app cannot disagree on a figure; the rows come from
psycopg2.
"""

from datetime import UTC, datetime

from sqlalchemy.dialects.postgresql import psycopg2

from okr_app.config import DEFAULTS
from okr_app.stats import queries
from okr_app.stats.summary import summarise

#: GET /stats without filters: every objective of the user that is not archived.
FILTERS = ()


def _compiled(statement):
    """Return ``statement`` as psycopg2 SQL and the values of its own constant parameters.

    Lists given to IN are expanded once here; the request's values (``user_id``, the
    dates and moments) are bound at each call over the placeholders given here.
    """
    compiled = statement.compile(dialect=psycopg2.dialect())
    placeholders = {"user_id": 0, "on": None, "today": None, "now_seconds": 0, "stale_seconds": 0}
    expanded = compiled.construct_expanded_state(
        {name: value for name, value in placeholders.items() if name in compiled.binds}
    )
    return expanded.statement, expanded.parameters


OBJECTIVES_SQL, OBJECTIVES_VALUES = _compiled(queries._objective_rows("postgresql", FILTERS))
CONFIDENCE_SQL, CONFIDENCE_VALUES = _compiled(queries._latest_confidence_average(FILTERS))
DAYS_SQL, DAYS_VALUES = _compiled(queries._check_in_days("postgresql", FILTERS))


def statistics(query, cursor, user_id):
    """Return the /stats body of ``user_id`` as of today (UTC)."""
    now = datetime.now(UTC)
    parameters = {
        "user_id": user_id,
        "on": now.date(),
        "today": now.date(),
        "now_seconds": now.timestamp(),
        "stale_seconds": DEFAULTS["OKR_STALE_AFTER_DAYS"] * 86400.0,
    }
    rows = query(cursor, OBJECTIVES_SQL, {**OBJECTIVES_VALUES, **parameters})
    days = {row.day: row.count for row in query(cursor, DAYS_SQL, {**DAYS_VALUES, **parameters})}
    confidence = query(cursor, CONFIDENCE_SQL, {**CONFIDENCE_VALUES, **parameters})[0].average
    return summarise(rows, days, confidence, now.date())
