"""The fields that define each kind of key result, shared by its request bodies."""

from marshmallow import fields, validate

from okr_app.api.schemas import FiniteNumber
from okr_app.okr.kinds import DIRECTIONAL, KINDS

KIND_DESCRIPTION = (
    "What the key result measures; without it, `increase` or `decrease` from start_value "
    "and target_value. `increase` (start_value < target_value) and `decrease` (start_value "
    "> target_value): progress = (current - start) / (target - start) x 100, clamped to 0 to "
    "100. `stay_above` / `stay_below` (`threshold`) and `stay_in_range` (`range_min` <= "
    "`range_max`): progress = 100 x time in band / measured span, the value holding from "
    "each check-in to the next (bounds count as in band); the span runs from the first "
    "value (or the period start, if later) to now (or the period end, if earlier). "
    "`milestone` (optional `due_on`): 100 once the latest check-in says done (value 1), "
    "else 0. A field that does not define the kind sent is 422 naming it."
)
KIND_FIELD_DESCRIPTIONS = {
    "start_value": "increase and decrease only (default 0); null for the other kinds.",
    "target_value": "increase and decrease only (default 100); must differ from "
    "start_value, above it for increase, below it for decrease; null for the other kinds.",
    "threshold": "stay_above (in band: value >= threshold) and stay_below (value <= "
    "threshold) only.",
    "range_min": "stay_in_range only: the band's lower end, included.",
    "range_max": "stay_in_range only: the band's upper end, included; not below range_min.",
    "due_on": "milestone only: the day it is due, within the objective's period; a "
    "milestone not done after it is at risk. Without it, the period's last day.",
}


def kind_field(**kwargs):
    """Return the ``kind`` field: one of the six kinds."""
    return fields.String(
        validate=validate.OneOf(KINDS), metadata={"description": KIND_DESCRIPTION}, **kwargs
    )


def _number(name, *, allow_none=True):
    """Return an optional number field defining some kinds, described with them."""
    description = KIND_FIELD_DESCRIPTIONS[name]
    return FiniteNumber(allow_none=allow_none, metadata={"description": description})


class DefiningFieldsMixin:
    """The fields that define the kinds: which ones a kind takes is ``okr.kinds.FIELDS``."""

    start_value = _number("start_value", allow_none=False)
    target_value = _number("target_value", allow_none=False)
    threshold = _number("threshold")
    range_min = _number("range_min")
    range_max = _number("range_max")
    due_on = fields.Date(
        allow_none=True, metadata={"description": KIND_FIELD_DESCRIPTIONS["due_on"]}
    )


def with_directional_defaults(data):
    """Return ``data`` with start_value 0 and target_value 100 wherever it leaves them out.

    Only for increase, decrease or a body without a kind: the other kinds take neither.
    """
    if data.get("kind") not in (None, *DIRECTIONAL):
        return data
    return {"start_value": 0.0, "target_value": 100.0, **data}
