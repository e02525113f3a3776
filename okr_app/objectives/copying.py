"""Carrying an objective over into another period."""

from okr_app.api.etags import flush_versioned
from okr_app.extensions import db
from okr_app.key_results.check_ins import period_start, record_check_in
from okr_app.models import KeyResult, Objective
from okr_app.objectives.editing import create_objective
from okr_app.objectives.parents import refuse
from okr_app.objectives.queries import owned_objective
from okr_app.okr.kinds import STAYS
from okr_app.okr.periods import moved_day
from okr_app.okr.rollup import months_between, period_contains, period_months, shifted_period


def carried_values(objective):
    """Return ``{key_result_id: value}``: the value frozen at closing, else the current one.

    A key result added after the objective was closed, or whose kind changed since (a value
    frozen for one kind says nothing in another: an increase's 1 is no milestone done),
    carries its current value. A stay_* key result without a value (no check-in yet, or
    none at the closing) carries None: its stored value is a placeholder, not one to record.
    """
    frozen = {}
    if objective.closing is not None:
        frozen = {item["id"]: item for item in objective.closing.key_results}
    carried = {}
    for key_result in objective.key_results:
        item = frozen.get(key_result.id)
        if item is not None and item.get("kind", key_result.kind) == key_result.kind:
            value = value_to_carry(item.get("kind"), item["final_value"], item.get("in_band"))
        else:
            value = value_to_carry(key_result.kind, key_result.current_value, key_result.in_band)
        carried[key_result.id] = value
    return carried


def value_to_carry(kind, value, in_band):
    """Return ``value``, or None for a stay_* key result that has none (``in_band`` None)."""
    return None if kind in STAYS and in_band is None else value


def copy_objective(objective, period, *, carry_values, parent_id=None):
    """Create a copy of the objective in ``period`` with copies of its key results; return it.

    The copy keeps the check-in cadence, ``roll_up`` and ``child_weight``, and goes under
    ``parent_id``; the copies keep title, metric, kind, its defining fields (a milestone's
    ``due_on`` moved into the new period) and weight. Their current value is the start
    value (a milestone not done; a stay_* key result has no value and no time in band until
    its first check-in), or with ``carry_values`` the carried value, recorded as their first
    check-in, dated at the start of the new period (as if it had been checked in then), so
    that the history explains where the value came from.
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
            "parent_id": parent_id,
            "roll_up": objective.roll_up,
            "child_weight": objective.child_weight,
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
                due_on=moved_day(
                    original.due_on, objective.start_date, copy.start_date, copy.end_date
                ),
                weight=original.weight,
                current_value=original.start_value,
            )
        )
    db.session.flush()
    if carry_values:
        values = carried_values(objective)
        note = f"Carried over from {objective.period}."
        for original, duplicate in zip(objective.key_results, copy.key_results, strict=True):
            if values[original.id] is not None:
                record_check_in(duplicate, values[original.id], at=period_start(copy), note=note)
    return copy


def copy_owned(user_id, objective_id, period, *, carry_values, with_children=False):
    """Copy the user's objective into ``period`` (404 when not theirs); return it and details.

    The copy stays under the original's parent when that parent's period contains
    ``period``, else it is top-level. ``with_children`` copies the children (and theirs)
    too, each moved as many months as the objective, under the copy; ``period`` must then
    span as many months as the original's (422 otherwise).
    """
    original = owned_objective(user_id, objective_id)
    if with_children and period_months(period) != period_months(original.period):
        refuse("period", "With with_children, the period must be as long as the objective's.")
    parent = db.session.get(Objective, original.parent_id) if original.parent_id else None
    parent_id = parent.id if parent and period_contains(parent.period, period) else None
    objective = copy_objective(original, period, carry_values=carry_values, parent_id=parent_id)
    children = []
    if with_children:
        months = months_between(original.period, period)
        children = _copy_children(original, objective, months, carry_values)
    flush_versioned()
    details = {
        "copied_from_id": original.id,
        "period": objective.period,
        "carry_values": carry_values,
        "with_children": with_children,
        "children": children,
    }
    return objective, details


def _copy_children(original, copy, months, carry_values):
    """Copy the children of ``original`` (and theirs) under ``copy``; return the new ids."""
    created = []
    for child in original.children:
        try:
            period = shifted_period(child.period, months)
        except ValueError:
            refuse("period", f"A child's period ({child.period}) cannot move that far.")
        duplicate = copy_objective(child, period, carry_values=carry_values, parent_id=copy.id)
        created += [duplicate.id, *_copy_children(child, duplicate, months, carry_values)]
    return created
