"""Closing and reopening objectives: a frozen snapshot, a grade and the status."""

from flask_smorest import abort

from okr_app.api.etags import flush_versioned
from okr_app.audit.changes import apply_changes
from okr_app.key_results.editing import move_versions_of
from okr_app.key_results.queries import latest_confidences
from okr_app.models import OUTCOME_STATUSES, ObjectiveClosing
from okr_app.models.types import utcnow
from okr_app.okr.grades import grade


def frozen_key_result(key_result, confidence):
    """Return a copy of a key result as it stands: kind, values, progress, last confidence."""
    return {
        "id": key_result.id,
        "title": key_result.title,
        "metric": key_result.metric,
        "kind": key_result.kind,
        "start_value": key_result.defined_start_value,
        "target_value": key_result.defined_target_value,
        "threshold": key_result.threshold,
        "range_min": key_result.range_min,
        "range_max": key_result.range_max,
        "due_on": None if key_result.due_on is None else key_result.due_on.isoformat(),
        "in_band": key_result.in_band,
        "weight": key_result.weight,
        "final_value": key_result.current_value,
        "progress": key_result.progress,
        "confidence": confidence,
    }


def close_objective(objective, outcome, retrospective=None):
    """Freeze the objective in a new closing and set its status; return closing and changes.

    The grade is ``grade(progress)``; the status is the one the outcome names. Answers 409
    when the objective is closed already.
    """
    if objective.closing is not None:
        abort(409, message="The objective is closed already; reopen it to close it again.")
    confidences = latest_confidences([item.id for item in objective.key_results])
    progress = objective.progress
    closing = ObjectiveClosing(
        user_id=objective.user_id,
        outcome=outcome,
        retrospective=retrospective,
        final_progress=progress,
        grade=grade(progress),
        key_results=[
            frozen_key_result(item, confidences.get(item.id)) for item in objective.key_results
        ],
        closed_at=utcnow(),
    )
    objective.closings.append(closing)
    changes = apply_changes(objective, {"status": OUTCOME_STATUSES[outcome]})
    # Written even when the status stays (an objective already marked completed), so the
    # row's version moves and a concurrent close of the same objective gets 409.
    objective.updated_at = closing.closed_at
    _move_key_result_versions(objective, changes)
    return closing, changes


def reopen_objective(objective):
    """Mark the closing in force as reopened, make the objective active; return both changes.

    The closing stays in the history. Answers 409 when the objective is not closed.
    """
    closing = objective.closing
    if closing is None:
        abort(409, message="The objective is not closed.")
    closing.reopened_at = utcnow()
    changes = apply_changes(objective, {"status": "active"})
    objective.updated_at = closing.reopened_at
    _move_key_result_versions(objective, changes)
    return closing, changes


def _move_key_result_versions(objective, changes):
    """Move the key results' versions when the status changed: their ``due_at`` follows it."""
    if "status" in changes:
        flush_versioned()
        move_versions_of(objective.id)


def refuse_status_change_while_closed(objective, values):
    """Answer 409 when ``values`` would change the status of a closed objective."""
    if objective.closing is not None and values.get("status", objective.status) != objective.status:
        abort(
            409,
            message="The objective is closed: reopen it to change its status "
            f"(a PUT must send status {objective.status!r} while it is closed).",
        )


def close(objective, outcome, retrospective):
    """Close an objective; return its audit details, as a function to call once flushed."""
    closing, changes = close_objective(objective, outcome, retrospective)
    return lambda: {
        "closing_id": closing.id,
        "outcome": closing.outcome,
        "grade": closing.grade,
        "changes": changes,
    }


def reopen(objective):
    """Reopen an objective; return its audit details."""
    closing, changes = reopen_objective(objective)
    return {"closing_id": closing.id, "changes": changes}
