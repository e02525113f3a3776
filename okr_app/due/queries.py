"""Finding key results whose check-in is due, for one user or for the worker's scans."""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from okr_app.extensions import db
from okr_app.models import KeyResult, Objective
from okr_app.models.types import utcnow
from okr_app.okr.cadence import falls_in_period

#: ``GET /due`` looks this far ahead without ``until``.
DEFAULT_HORIZON = timedelta(days=1)


def in_cadence_statement(today):
    """Return the key results (with objectives) of active, current objectives with a cadence."""
    return (
        select(KeyResult)
        .join(KeyResult.objective)
        .options(contains_eager(KeyResult.objective))
        .where(
            Objective.status == "active",
            Objective.check_in_every_days.is_not(None),
            Objective.start_date <= today,
            Objective.end_date >= today,
        )
    )


def due_key_results(user_id, until=None):
    """Return the user's key results due by ``until`` (default: a day from now), soonest first.

    One query; the due rules themselves are ``okr_app.okr.cadence``'s, through the model. A
    check-in due after the period's last day never becomes due and is left out.
    """
    now = utcnow()
    until = until or now + DEFAULT_HORIZON
    statement = in_cadence_statement(now.date()).where(KeyResult.user_id == user_id)
    key_results = db.session.scalars(statement).unique().all()
    due = [item for item in key_results if _due_by(item, until)]
    return sorted(due, key=lambda item: (item.due_at, item.id))


def _due_by(key_result, until):
    """Tell whether a key result's check-in is due by ``until`` and within its period."""
    due = key_result.due_at
    return due is not None and due <= until and falls_in_period(due, key_result.objective.end_date)
