"""Creating, changing and deleting objectives."""

from sqlalchemy import update

from okr_app.audit.changes import apply_changes
from okr_app.extensions import db
from okr_app.key_results.editing import key_result_snapshot
from okr_app.key_results.trends import lock_key_results_of, refresh_trends
from okr_app.models import Objective
from okr_app.objectives.schemas import ObjectiveSchema
from okr_app.okr import periods


def with_period_dates(values):
    """Return ``values`` with ``start_date`` and ``end_date`` derived from ``period`` if sent."""
    if "period" not in values:
        return dict(values)
    start_date, end_date = periods.bounds(values["period"])
    return {**values, "start_date": start_date, "end_date": end_date}


def create_objective(user_id, values):
    """Add a new objective for the user and return it, with its id assigned."""
    objective = Objective(user_id=user_id, key_results=[], closings=[], **with_period_dates(values))
    db.session.add(objective)
    db.session.flush()
    return objective


def change_objective(objective, values):
    """Apply ``values`` to the objective; return the changed fields with old and new values.

    A new period start moves every check-in's x, so the key results' trend sums follow.
    """
    changes = apply_changes(objective, with_period_dates(values))
    if "start_date" in changes:
        db.session.flush()
        refresh_trends(lock_key_results_of(objective.id))
    return changes


def objective_snapshot(objective):
    """Return everything about an objective as JSON: fields, key results and check-ins."""
    snapshot = ObjectiveSchema().dump(objective)
    snapshot["version"] = objective.version
    snapshot["key_results"] = [key_result_snapshot(item) for item in objective.key_results]
    return snapshot


def delete_objective(objective):
    """Delete the objective with its key results and their check-ins."""
    # ON DELETE SET NULL does this where foreign keys are enforced; done here as well so
    # that copies never point at a deleted objective on a SQLite connection without them.
    db.session.execute(
        update(Objective)
        .where(Objective.copied_from_id == objective.id)
        .values(copied_from_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.delete(objective)
