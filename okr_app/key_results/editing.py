"""Creating, changing and deleting key results, and describing them for the audit trail."""

from flask_smorest import abort

from okr_app.api.etags import write_versioned
from okr_app.audit.changes import apply_changes
from okr_app.extensions import db
from okr_app.key_results.check_ins import record_check_in
from okr_app.key_results.queries import owned_key_result
from okr_app.key_results.schemas import CheckInSchema, KeyResultSchema
from okr_app.key_results.trends import refresh_trends
from okr_app.models import KeyResult, hold_owned_objective
from okr_app.okr.progress import value_for_progress


def require_own_objective(user_id, objective_id):
    """Answer 422 naming ``objective_id`` unless it is one of the user's objectives."""
    if not hold_owned_objective(user_id, objective_id):
        abort(
            422,
            message="The key result must belong to one of your objectives.",
            errors={"json": {"objective_id": ["No such objective."]}},
        )


def stated_value(values, start, target):
    """Remove ``current_value`` or ``progress`` from ``values``; return the value stated, or None.

    A progress stands for start + progress / 100 * (target - start).
    """
    if "progress" in values:
        return value_for_progress(start, target, values.pop("progress"))
    return values.pop("current_value", None)


def create_key_result(user_id, values):
    """Add a key result under one of the user's objectives and return it.

    The current value starts at ``start_value``; a value stated on creation is recorded
    as the first check-in.
    """
    require_own_objective(user_id, values["objective_id"])
    values = dict(values)
    stated = stated_value(values, values["start_value"], values["target_value"])
    key_result = KeyResult(user_id=user_id, current_value=values["start_value"], **values)
    db.session.add(key_result)
    db.session.flush()
    if stated is not None:
        record_check_in(key_result, stated)
    return key_result


def change_key_result(user_id, key_result, values):
    """Apply ``values``; return the changed fields with old and new values.

    A change of the current value (sent as ``current_value`` or ``progress``) is recorded
    as a check-in now, so the history stays complete.
    """
    values = dict(values)
    if values.get("objective_id", key_result.objective_id) != key_result.objective_id:
        require_own_objective(user_id, values["objective_id"])
    start = values.get("start_value", key_result.start_value)
    target = values.get("target_value", key_result.target_value)
    if start == target:
        field = "target_value" if "target_value" in values else "start_value"
        abort(
            422,
            message="start_value and target_value must differ.",
            errors={"json": {field: ["Must differ from the other end of the range."]}},
        )
    stated = stated_value(values, start, target)
    changes = apply_changes(key_result, values)
    if stated is not None and stated != key_result.current_value:
        before = key_result.current_value
        record_check_in(key_result, stated)  # recomputes the trend sums, after any move
        changes["current_value"] = {"old": before, "new": key_result.current_value}
    elif "objective_id" in changes:
        # Its check-ins now count from the new objective's period start.
        db.session.flush()
        refresh_trends([key_result.id])
    return changes


def key_result_snapshot(key_result):
    """Return everything about a key result as JSON, its check-ins included."""
    snapshot = KeyResultSchema().dump(key_result)
    snapshot["version"] = key_result.version
    snapshot["check_ins"] = CheckInSchema(many=True).dump(key_result.check_ins)
    return snapshot


def update_key_result(key_result, values):
    """Apply ``values`` to a key result; return the audit details."""
    return {"changes": change_key_result(key_result.user_id, key_result, values)}


def remove_key_result(key_result):
    """Delete a key result with its check-ins; return the audit details: what was deleted."""
    snapshot = key_result_snapshot(key_result)
    db.session.delete(key_result)
    return {"deleted": snapshot}


def write_key_result(user_id, key_result_id, change, *args, tags=None, **lookup):
    """Apply ``change`` to the user's key result as a conditional write; return it and details.

    Locked, checked against ``If-Match`` (or the form's ``tags``), changed and flushed; 404
    when it is not the user's.
    """
    key_result = owned_key_result(user_id, key_result_id, for_update=True, **lookup)
    return key_result, write_versioned(key_result, change, *args, tags=tags)
