"""Creating, changing and deleting objectives, and the conditional write of one of them."""

from sqlalchemy import update

from okr_app.api.etags import flush_versioned, write_versioned
from okr_app.audit.changes import apply_changes
from okr_app.extensions import db
from okr_app.key_results.editing import key_result_snapshot, move_versions_of
from okr_app.key_results.planned import move_planned_check_ins
from okr_app.key_results.trends import lock_key_results_of, refresh_trends
from okr_app.models import Objective
from okr_app.models.types import MAX_ID
from okr_app.objectives.closing import refuse_status_change_while_closed
from okr_app.objectives.parents import (
    check_links,
    detach_children,
    lock_children,
    move_parent_versions,
)
from okr_app.objectives.queries import owned_objective
from okr_app.objectives.schemas import ObjectiveSchema
from okr_app.okr import periods

#: The objective's fields its key results' answers show (forecast, pace, ``due_at``).
SHOWN_BY_KEY_RESULTS = frozenset({"start_date", "end_date", "check_in_every_days", "status"})


def with_period_dates(values):
    """Return ``values`` with ``start_date`` and ``end_date`` derived from ``period`` if sent."""
    if "period" not in values:
        return dict(values)
    start_date, end_date = periods.bounds(values["period"])
    return {**values, "start_date": start_date, "end_date": end_date}


def create_objective(user_id, values):
    """Add a new objective for the user and return it, with its id assigned.

    A ``parent_id`` must keep the rules of ``okr_app.objectives.parents`` (422 otherwise);
    the parent's version moves.
    """
    if values.get("parent_id") is not None:
        check_links(user_id, None, values)
    objective = Objective(user_id=user_id, key_results=[], closings=[], **with_period_dates(values))
    db.session.add(objective)
    db.session.flush()
    move_parent_versions([objective.parent_id])
    return objective


def change_objective(objective, values):
    """Apply ``values`` to the objective; return the changed fields with old and new values.

    A new period start moves every check-in's x, so the key results' trend sums follow, and
    a new start or end the days in band a stay_* key result counts (up to the end); values
    planned for a start still ahead move with it (``move_planned_check_ins``). A
    new period moves each milestone's ``due_on`` with it, as copying does: as far into the
    new period as it was into the old one, at most to its last day. A change of a field
    the key results show moves their versions too, a move or a new title the versions of
    the parents listing it (the old one and the new one).
    """
    start_date = objective.start_date
    changes = apply_changes(objective, with_period_dates(values))
    period_changed = "start_date" in changes or "end_date" in changes
    if period_changed:
        for key_result in objective.key_results:
            due_on = periods.moved_day(
                key_result.due_on, start_date, objective.start_date, objective.end_date
            )
            if due_on != key_result.due_on:
                key_result.due_on = due_on
    if not changes:
        return changes
    # The rows changed so far are written (their versions checked) before the statements
    # below update their key results and parents.
    flush_versioned()
    if period_changed:
        key_result_ids = lock_key_results_of(objective.id)
        move_planned_check_ins(key_result_ids, start_date, objective.start_date)
        # The trend sums count from the start, a stay_* kind's days in band up to the end.
        refresh_trends(key_result_ids)
    if changes.keys() & SHOWN_BY_KEY_RESULTS:
        move_versions_of(objective.id)
    if "parent_id" in changes:
        move_parent_versions([changes["parent_id"]["old"], objective.parent_id])
    elif "title" in changes:
        move_parent_versions([objective.parent_id])
    return changes


def objective_snapshot(objective):
    """Return everything about an objective as JSON: fields, key results and check-ins."""
    snapshot = ObjectiveSchema().dump(objective)
    snapshot["version"] = objective.version
    snapshot["key_results"] = [key_result_snapshot(item) for item in objective.key_results]
    return snapshot


def delete_objective(objective):
    """Delete the objective with its key results and check-ins; return its children's ids.

    Its children are detached (they become top-level), never deleted; its parent's version
    moves.
    """
    move_parent_versions([objective.parent_id])
    detached = detach_children(objective.id)
    # ON DELETE SET NULL does this where foreign keys are enforced; done here as well so
    # that copies never point at a deleted objective on a SQLite connection without them.
    db.session.execute(
        update(Objective)
        .where(Objective.copied_from_id == objective.id)
        .values(copied_from_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.delete(objective)
    return detached


def update_objective(objective, values):
    """Apply ``values`` (a closed objective keeps its status: 409); return the audit details."""
    refuse_status_change_while_closed(objective, values)
    if "parent_id" in values or "period" in values:
        check_links(objective.user_id, objective, values)
    return {"changes": change_objective(objective, values)}


def remove_objective(objective):
    """Delete an objective; return the audit details: a snapshot of what was deleted."""
    snapshot = objective_snapshot(objective)
    detached = delete_objective(objective)
    return {"deleted": snapshot, "detached_children": detached}


def delete_owned_objective(user_id, objective_id, *, tags=None):
    """Delete the user's objective as a conditional write; return it and the audit details.

    Its children are locked before it (``lock_children``), as a change of a child takes them.
    """
    if 0 < objective_id <= MAX_ID:  # beyond, no such objective: 404 from the lookup
        lock_children(user_id, objective_id)
    return write_objective(user_id, objective_id, remove_objective, tags=tags, with_check_ins=True)


def write_objective(user_id, objective_id, change, *args, tags=None, **lookup):
    """Apply ``change`` to the user's objective as a conditional write; return it and details.

    The objective is locked, checked against ``If-Match`` (or the form's ``tags``), changed
    and flushed (``etags.write_versioned``); 404 when it is not the user's. ``change``
    returns the audit row's details, or a function giving them once flushed (a new closing
    has its id only then). A caller may pass ``for_update=False`` when the request carries
    ``If-Match``: the versioned UPDATE then refuses any change made since the one read
    (every change of its closings moves the objective's version too), and the objective
    comes with its key results and closings in one statement.
    """
    lookup.setdefault("for_update", True)
    objective = owned_objective(user_id, objective_id, **lookup)
    details = write_versioned(objective, change, *args, tags=tags)
    return objective, details() if callable(details) else details
