"""What a feed shows: due check-ins within its horizon, and active objectives' period ends."""

from datetime import timedelta

from sqlalchemy import select

from okr_app.due.queries import due_key_results
from okr_app.extensions import db
from okr_app.models import Objective
from okr_app.models.types import utcnow

HORIZON = timedelta(days=90)


def feed_contents(user_id):
    """Return ``(key_results, objectives)``: check-ins due in 90 days, active objectives.

    Overdue check-ins are included (the feed shows them today). Every active objective's
    period end is, a past one too: a calendar app keeps the day it ended while the
    objective is not closed, instead of deleting it the day after.
    """
    now = utcnow()
    key_results = due_key_results(user_id, now + HORIZON)
    statement = (
        select(Objective)
        .where(Objective.user_id == user_id, Objective.status == "active")
        .order_by(Objective.end_date, Objective.id)
    )
    return key_results, db.session.scalars(statement).all()
