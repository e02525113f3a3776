"""Reading share links: a user's links to an objective, and what a link shows."""

from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from okr_app.calendar.feeds import token_hash
from okr_app.extensions import db
from okr_app.models import CheckIn, KeyResult, Objective, ShareLink, of_active_owner
from okr_app.models.types import utcnow
from okr_app.objectives.queries import owned_objective

#: Longer than any token this app hands out; anything longer is not looked up.
MAX_TOKEN_LENGTH = 128


def objective_links(user_id, objective_id):
    """Return the links of the user's objective (404 if not theirs), newest first."""
    owned_objective(user_id, objective_id)
    statement = (
        select(ShareLink)
        .where(ShareLink.objective_id == objective_id, ShareLink.user_id == user_id)
        .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
    )
    return db.session.scalars(statement).all()


def shared_objective(token):
    """Return the objective a live link ``token`` shows, or None.

    None for an unknown, revoked or expired link, and for a deactivated account's (until it
    is reactivated).
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    statement = (
        select(Objective)
        .join(ShareLink, ShareLink.objective_id == Objective.id)
        .where(
            ShareLink.token_hash == token_hash(token),
            ShareLink.user_id == Objective.user_id,
            or_(ShareLink.expires_at.is_(None), ShareLink.expires_at > utcnow()),
        )
        .options(selectinload(Objective.key_results).selectinload(KeyResult.check_ins))
    )
    return db.session.scalar(of_active_owner(statement, Objective.user_id))


def shared_view(objective, now=None):
    """Return what a link shows of ``objective``: nothing of its owner, notes or other data.

    Title, period and its dates, status, progress, the progress expected by today, and per
    key result its title, metric, kind and the fields defining its goal, its value (in band,
    done), progress, pace and the values of its check-ins (moment and value only).
    """
    now = now or datetime.now(UTC)
    return {
        "title": objective.title,
        "period": objective.period,
        "start_date": objective.start_date,
        "end_date": objective.end_date,
        "status": objective.status,
        "progress": objective.progress,
        "expected_progress": objective.expected_progress_on(now.date()),
        "key_results": [
            {
                "title": item.title,
                "metric": item.metric,
                "kind": item.kind,
                "start_value": item.defined_start_value,
                "target_value": item.defined_target_value,
                "threshold": item.threshold,
                "range_min": item.range_min,
                "range_max": item.range_max,
                "due_on": item.due_on,
                "current_value": item.current_value,
                "in_band": item.in_band,
                "done": item.done,
                "progress": item.progress,
                "pace_status": item.pace_status,
                "check_ins": [_point(check_in) for check_in in item.check_ins],
            }
            for item in objective.key_results
        ],
    }


def _point(check_in: CheckIn):
    """Return a check-in as a point of the chart: its moment and value, nothing else."""
    return {"at": check_in.at, "value": check_in.value}
