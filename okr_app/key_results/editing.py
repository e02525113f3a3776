"""Creating, changing and deleting key results, and describing them for the audit trail."""

from flask_smorest import abort

from okr_app.api.etags import move_versions, write_versioned
from okr_app.audit.changes import apply_changes
from okr_app.extensions import db
from okr_app.key_results.check_ins import record_check_in, stated_at
from okr_app.key_results.planned import move_planned_check_ins
from okr_app.key_results.queries import owned_key_result
from okr_app.key_results.schemas import CheckInSchema, KeyResultSchema
from okr_app.key_results.trends import refresh_trends
from okr_app.models import KeyResult, hold_owned_objective
from okr_app.okr.kinds import (
    DIRECTIONAL,
    DONE,
    FIELDS,
    KIND_FIELDS,
    MILESTONE,
    NOT_DONE,
    STAYS,
    definition_errors,
    resolve_kind,
    stored_definition,
)
from okr_app.okr.periods import moved_day, outside_refusal
from okr_app.okr.progress import value_for_progress


def require_own_objective(user_id, objective_id):
    """Answer 422 naming ``objective_id`` unless it is one of the user's objectives."""
    if not hold_owned_objective(user_id, objective_id):
        abort(
            422,
            message="The key result must belong to one of your objectives.",
            errors={"json": {"objective_id": ["No such objective."]}},
        )


#: The ways of stating a key result's current value, recorded as a check-in.
STATED = ("current_value", "progress")


def refuse(field, message):
    """Answer 422 naming ``field``."""
    abort(422, message=message, errors={"json": {field: [message]}})


def stated_value(values, key_result):
    """Remove ``current_value`` or ``progress`` from ``values``; return the value stated, or None.

    A progress stands for start + progress / 100 * (target - start); a stay_* kind takes
    no progress, and a milestone's value is 1 (done) or 0, its progress 100 or 0 (422
    naming the field sent).
    """
    if "progress" in values:
        if key_result.kind in STAYS:
            refuse("progress", f"A {key_result.kind} key result takes current_value.")
        stated = value_for_progress(
            key_result.start_value, key_result.target_value, values.pop("progress")
        )
        if key_result.kind == MILESTONE and stated not in (DONE, NOT_DONE):
            refuse("progress", "A milestone's progress is 100 (done) or 0 (not done).")
        return stated
    stated = values.pop("current_value", None)
    if key_result.kind == MILESTONE and stated not in (None, DONE, NOT_DONE):
        refuse("current_value", "A milestone's value is 1 (done) or 0 (not done).")
    return stated


def check_due_on(key_result):
    """Answer 422 naming ``due_on`` unless it lies in the objective's period."""
    objective = key_result.objective
    message = outside_refusal(key_result.due_on, objective.start_date, objective.end_date)
    if message is not None:
        refuse("due_on", message)


def create_key_result(user_id, values):
    """Add a key result under one of the user's objectives and return it.

    The current value starts at ``start_value`` (a milestone: not done); a value stated on
    creation is recorded as the first check-in, dated now or, before the objective's period,
    at its start (``stated_at``). A stay_* key result needs one: its time in band counts
    from it.
    """
    require_own_objective(user_id, values["objective_id"])
    values = dict(values)
    if values["kind"] in STAYS and not values.keys() & set(STATED):
        refuse("current_value", f"Required for kind {values['kind']}: the value now.")
    stated_values = {name: values.pop(name) for name in STATED if name in values}
    key_result = KeyResult(user_id=user_id, current_value=values["start_value"], **values)
    stated = stated_value(stated_values, key_result)
    db.session.add(key_result)
    db.session.flush()
    check_due_on(key_result)
    if stated is not None:
        record_check_in(key_result, stated, at=stated_at(key_result))
    return key_result


def amended_definition(key_result, values):
    """Return ``values`` of a PATCH with the kind and every field defining it resolved.

    A new kind takes its fields from the body, or keeps those its old kind used too;
    without ``kind``, an increase or decrease follows its start and target, and the other
    kinds stay. 422 names a field that does not define the kind or a definition that
    cannot hold.
    """
    sent = {name for name in ("kind", *KIND_FIELDS) if name in values}
    if not sent:
        return values
    kept = {name: getattr(key_result, name) for name in FIELDS[key_result.kind]}
    merged = {**kept, **{name: values[name] for name in KIND_FIELDS if name in values}}
    kind = values.get("kind")
    if kind is None:
        kind = resolve_kind(None, merged) if key_result.kind in DIRECTIONAL else key_result.kind
    errors = definition_errors(kind, merged, sent)
    if errors:
        message = "; ".join(f"{name}: {text}" for name, text in errors.items())
        abort(
            422, message=message, errors={"json": {name: [text] for name, text in errors.items()}}
        )
    definition = stored_definition(kind, merged)
    if "due_on" not in values and definition.get("due_on") == key_result.due_on:
        # Not sent: a move to another objective takes the day along (change_key_result).
        definition.pop("due_on", None)
    return {**values, **definition}


def change_key_result(user_id, key_result, values):
    """Apply ``values``; return the changed fields with old and new values.

    A change of the current value (sent as ``current_value`` or ``progress``) is recorded
    as a check-in (dated as ``stated_at`` says), so the history stays complete; so is any
    value stated before the first check-in, even the placeholder's. A change of
    kind or band recomputes the time in band from the history. A move to another objective
    takes a milestone's ``due_on`` along, as a change of period does (as far into the new
    period as it was into the old one), unless ``due_on`` is sent: that must lie in it.
    """
    values = dict(values)
    if values.get("objective_id", key_result.objective_id) != key_result.objective_id:
        require_own_objective(user_id, values["objective_id"])
    stated_values = {name: values.pop(name) for name in STATED if name in values}
    old_start = key_result.objective.start_date
    changes = apply_changes(key_result, values)
    if "objective_id" in changes:
        # The objective loaded with the key result is the old one until it is read again.
        db.session.flush()
        db.session.expire(key_result, ["objective"])
        new = key_result.objective
        if move_planned_check_ins([key_result.id], old_start, new.start_date):
            db.session.expire(key_result, ["current_value", "last_check_in_at"])
        if "due_on" not in values:
            due_on = moved_day(key_result.due_on, old_start, new.start_date, new.end_date)
            changes |= apply_changes(key_result, {"due_on": due_on})
    check_due_on(key_result)
    stated = stated_value(stated_values, key_result)
    if stated is None and changes.get("kind", {}).get("new") == MILESTONE:
        stated = _not_done_unless_checked(key_result, changes)
    if stated is not None and (
        key_result.last_check_in_at is None or stated != key_result.current_value
    ):
        before = key_result.current_value
        # Recomputes the trend sums, after any move.
        record_check_in(key_result, stated, at=stated_at(key_result))
        changes["current_value"] = {"old": before, "new": key_result.current_value}
    elif changes.keys() & {"objective_id", "kind", "threshold", "range_min", "range_max"}:
        # Its check-ins now count from the new objective's period start, or in a new band.
        db.session.flush()
        refresh_trends([key_result.id])
    return changes


def _not_done_unless_checked(key_result, changes):
    """Return the value to record for a key result just made a milestone, or None.

    Its value from before the change says nothing about the milestone being done, but 1
    would read as done: with check-ins, 0 is recorded (a check-in, dated as a stated value
    is: ``stated_at``); without, the placeholder (its start value) becomes a milestone's 0.
    """
    if key_result.current_value != DONE:
        return None
    if key_result.last_check_in_at is not None:
        return NOT_DONE
    changes["current_value"] = {"old": key_result.current_value, "new": NOT_DONE}
    key_result.current_value = NOT_DONE
    return None


def move_versions_of(objective_id):
    """Move the versions of the objective's key results, so tags read before no longer match.

    Their answers show the objective's period, cadence and status (forecast, pace,
    ``due_at``): a change of those changes every one of them.
    """
    move_versions(KeyResult, KeyResult.objective_id == objective_id)


def key_result_snapshot(key_result):
    """Return everything about a key result as JSON, its check-ins included."""
    snapshot = KeyResultSchema().dump(key_result)
    snapshot["version"] = key_result.version
    snapshot["check_ins"] = CheckInSchema(many=True).dump(key_result.check_ins)
    return snapshot


def update_key_result(key_result, values):
    """Apply ``values`` to a key result; return the audit details."""
    return {"changes": change_key_result(key_result.user_id, key_result, values)}


def amend_key_result(key_result, values):
    """Apply a PATCH's ``values`` (a partial definition merged in); return the audit details."""
    return update_key_result(key_result, amended_definition(key_result, values))


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
