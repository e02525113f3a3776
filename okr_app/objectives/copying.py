"""Carrying an objective over into another period."""

from okr_app.api.etags import flush_versioned
from okr_app.extensions import db
from okr_app.key_results.check_ins import record_check_in
from okr_app.models import KeyResult
from okr_app.objectives.editing import create_objective
from okr_app.objectives.queries import owned_objective


def carried_values(objective):
    """Return ``{key_result_id: value}``: the value frozen at closing, else the current one.

    A key result added after the objective was closed has no frozen value and carries its
    current value.
    """
    frozen = {}
    if objective.closing is not None:
        frozen = {item["id"]: item["final_value"] for item in objective.closing.key_results}
    return {item.id: frozen.get(item.id, item.current_value) for item in objective.key_results}


def moved_due_on(due_on, objective, copy):
    """Return ``due_on`` as far into the copy's period as it was into the original's.

    None stays None; a day past the copy's period end becomes its last day.
    """
    if due_on is None:
        return None
    return min(copy.start_date + (due_on - objective.start_date), copy.end_date)


def copy_objective(objective, period, *, carry_values):
    """Create a copy of the objective in ``period`` with copies of its key results; return it.

    The copy keeps the check-in cadence; the copies keep title, metric, kind, its defining
    fields (a milestone's ``due_on`` moved into the new period) and weight. Their current
    value is the start value (a milestone not done; a stay_* key result has no value and
    no time in band until its first check-in), or with ``carry_values`` the carried value,
    recorded as their first check-in (now) so that the history explains where the value
    came from.
    """
    copy = create_objective(
        objective.user_id,
        {
            "title": objective.title,
            "description": objective.description,
            "period": period,
            "status": "active",
            "check_in_every_days": objective.check_in_every_days,
            "copied_from_id": objective.id,
        },
    )
    for original in objective.key_results:
        copy.key_results.append(
            KeyResult(
                user_id=original.user_id,
                title=original.title,
                metric=original.metric,
                kind=original.kind,
                start_value=original.start_value,
                target_value=original.target_value,
                threshold=original.threshold,
                range_min=original.range_min,
                range_max=original.range_max,
                due_on=moved_due_on(original.due_on, objective, copy),
                weight=original.weight,
                current_value=original.start_value,
            )
        )
    db.session.flush()
    if carry_values:
        values = carried_values(objective)
        note = f"Carried over from {objective.period}."
        for original, duplicate in zip(objective.key_results, copy.key_results, strict=True):
            record_check_in(duplicate, values[original.id], note=note)
    return copy


def copy_owned(user_id, objective_id, period, *, carry_values):
    """Copy the user's objective into ``period`` (404 when not theirs); return it and details."""
    original = owned_objective(user_id, objective_id)
    objective = copy_objective(original, period, carry_values=carry_values)
    flush_versioned()
    details = {
        "copied_from_id": original.id,
        "period": objective.period,
        "carry_values": carry_values,
    }
    return objective, details
