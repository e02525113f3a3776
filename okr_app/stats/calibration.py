"""GET /stats/calibration: the caller's closed key results, their confidences and outcomes.

Two sets of pairs over the same closings: the last confidence stated before each close
(frozen in the closing), and the first confidence stated in the objective's period (the
earliest check-in from the period's first day that states one).
"""

from sqlalchemy import select

from okr_app.extensions import db
from okr_app.models import CheckIn, Objective, ObjectiveClosing
from okr_app.okr.calibration import achieved, calibration
from okr_app.okr.periods import first_moment

#: Closings with these outcomes say nothing about foresight: the work stopped, not failed.
LEFT_OUT = ("cancelled",)


def calibration_report(user_id, since=None, until=None):
    """Return both calibrations of the user's closings in force between ``since`` and ``until``."""
    last, closed = [], []
    for closing in _closings(user_id, since, until):
        for item in closing.key_results:
            outcome = achieved(item["progress"])
            if item["confidence"] is not None:
                last.append((item["confidence"], outcome))
            if item["id"] is not None:
                closed.append((item["id"], outcome, closing.start_date, closing.closed_at))
    return {
        "since": since,
        "until": until,
        "at_close": calibration(last),
        "at_first_check_in": calibration(_first_confidences(closed)),
    }


def _closings(user_id, since, until):
    """Return the user's closings in force (not cancelled) in the range, with period starts."""
    statement = (
        select(ObjectiveClosing.key_results, ObjectiveClosing.closed_at, Objective.start_date)
        .join(Objective, Objective.id == ObjectiveClosing.objective_id)
        .where(
            ObjectiveClosing.user_id == user_id,
            ObjectiveClosing.reopened_at.is_(None),
            ObjectiveClosing.outcome.not_in(LEFT_OUT),
        )
        .order_by(ObjectiveClosing.closed_at, ObjectiveClosing.id)
    )
    if since is not None:
        statement = statement.where(ObjectiveClosing.closed_at >= since)
    if until is not None:
        statement = statement.where(ObjectiveClosing.closed_at < until)
    return db.session.execute(statement).all()


def _first_confidences(closed):
    """Return ``(confidence, outcome)`` of each closed key result that stated a confidence.

    ``closed`` holds ``(key_result_id, outcome, period start, closed at)`` per key result of
    each closing: one moved on and closed again with another objective counts once per
    closing, as it does at the close. Its confidence is the first stated in that period,
    before that close.
    """
    if not closed:
        return []
    statement = (
        select(CheckIn.key_result_id, CheckIn.confidence, CheckIn.at)
        .where(
            CheckIn.key_result_id.in_(sorted({item[0] for item in closed})),
            CheckIn.confidence.is_not(None),
        )
        .order_by(CheckIn.key_result_id, CheckIn.at, CheckIn.id)
    )
    stated = {}
    for key_result_id, confidence, at in db.session.execute(statement):
        stated.setdefault(key_result_id, []).append((at, confidence))
    pairs = []
    for key_result_id, outcome, start_date, closed_at in closed:
        period_start = first_moment(start_date)
        for at, confidence in stated.get(key_result_id, ()):
            if period_start <= at <= closed_at:
                pairs.append((confidence, outcome))
                break
    return pairs
