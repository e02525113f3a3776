"""Request and response bodies of the objectives area, closings included."""

from marshmallow import ValidationError, fields, pre_dump, validate

from okr_app.api.fast_dump import FastDumpSchema
from okr_app.api.schemas import Schema, Trimmed, id_field, progress_field
from okr_app.key_results.schemas import KeyResultSchema
from okr_app.models import OUTCOME_STATUSES, STATUSES
from okr_app.okr import periods
from okr_app.okr.kinds import KINDS, direction

TITLE_LENGTH = validate.Length(min=1, max=200)
DESCRIPTION_LENGTH = validate.Length(max=2000)
STATUS_CHOICES = validate.OneOf(STATUSES)
OUTCOME_CHOICES = validate.OneOf(list(OUTCOME_STATUSES))
RETROSPECTIVE_LENGTH = validate.Length(max=2000)
GRADE = {"description": "round(final_progress / 100, 2), halves up: 0.0 to 1.0."}


def validate_period(value):
    """Refuse anything but the four period forms, with a message listing them."""
    try:
        periods.bounds(value)
    except ValueError as error:
        raise ValidationError(str(error)) from None


def cadence_field(**kwargs):
    """Return the check-in cadence field: 1 to 92 days, or null for none."""
    metadata = {
        "description": "Check in every this many days (1 to 92); null: no cadence. Each key "
        "result is then due that long after its latest check-in (or its creation), counted "
        "from no earlier than the period's first moment (UTC)."
    }
    return fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=1, max=92),
        metadata=metadata,
        **kwargs,
    )


def period_field(**kwargs):
    """Return a period field: ``YYYY``, ``YYYY-Hn``, ``YYYY-Qn`` or ``YYYY-MM``."""
    metadata = {
        "pattern": periods.PATTERN,
        "example": "2026-Q4",
        "description": "A year (2026), half (2026-H2), quarter (2026-Q4) or month (2026-11).",
    }
    return fields.String(validate=validate_period, metadata=metadata, **kwargs)


PARENT = {
    "description": "Another of the caller's objectives whose period contains this one's "
    "(equal periods included); null: top-level. 422 for a period not contained, a cycle, "
    "or more than 3 levels."
}
ROLL_UP = {
    "description": "true: progress is the weighted mean over the key results (each with its "
    "weight) and the children (each with its child_weight); false: the key results only."
}
CHILD_WEIGHT = {"description": "This objective's weight in its parent's roll-up (default 1)."}
CHILD_WEIGHT_RANGE = validate.Range(min=0, min_inclusive=False, max=1000)


def parent_field(**kwargs):
    """Return the ``parent_id`` field: one of the caller's objectives, or null."""
    return id_field(allow_none=True, metadata=PARENT, **kwargs)


def roll_up_field(**kwargs):
    """Return the ``roll_up`` field."""
    return fields.Boolean(metadata=ROLL_UP, **kwargs)


def child_weight_field(**kwargs):
    """Return the ``child_weight`` field: above 0, at most 1000."""
    return fields.Float(
        allow_nan=False,
        validate=CHILD_WEIGHT_RANGE,
        # apispec does not carry Range's min_inclusive over
        metadata={**CHILD_WEIGHT, "exclusiveMinimum": True},
        **kwargs,
    )


class ObjectiveWriteSchema(Schema):
    """An objective's editable fields; unsent optional fields take their defaults."""

    title = Trimmed(required=True, validate=TITLE_LENGTH)
    description = Trimmed(load_default=None, allow_none=True, validate=DESCRIPTION_LENGTH)
    period = period_field(required=True)
    status = fields.String(load_default="active", validate=STATUS_CHOICES)
    check_in_every_days = cadence_field(load_default=None)
    parent_id = parent_field(load_default=None)
    roll_up = roll_up_field(load_default=False)
    child_weight = child_weight_field(load_default=1.0)


class ObjectivePatchSchema(Schema):
    """Some of an objective's editable fields: the ones sent change, the others stay."""

    title = Trimmed(validate=TITLE_LENGTH)
    description = Trimmed(allow_none=True, validate=DESCRIPTION_LENGTH)
    period = period_field()
    status = fields.String(validate=STATUS_CHOICES)
    check_in_every_days = cadence_field()
    parent_id = parent_field()
    roll_up = roll_up_field()
    child_weight = child_weight_field()


class CloseSchema(Schema):
    """How an objective ended, and what was learnt."""

    outcome = fields.String(
        required=True,
        validate=OUTCOME_CHOICES,
        metadata={"description": "achieved (status completed), missed or cancelled."},
    )
    retrospective = Trimmed(load_default=None, allow_none=True, validate=RETROSPECTIVE_LENGTH)


class ClosingKeyResultSchema(FastDumpSchema):
    """A key result as it stood when the objective was closed."""

    id = fields.Integer(
        dump_only=True,
        metadata={"description": "The key result's id then; it may have been deleted since."},
    )
    title = fields.String(dump_only=True)
    metric = fields.String(dump_only=True)
    kind = fields.String(
        dump_only=True,
        metadata={
            "enum": list(KINDS),
            "description": "Its kind then; closings made before "
            "kinds existed show `increase` or `decrease` by start and target.",
        },
    )
    start_value = fields.Float(dump_only=True, allow_none=True)
    target_value = fields.Float(dump_only=True, allow_none=True)
    threshold = fields.Float(dump_only=True, allow_none=True)
    range_min = fields.Float(dump_only=True, allow_none=True)
    range_max = fields.Float(dump_only=True, allow_none=True)
    # Stored as its ISO text in the closing's JSON.
    due_on = fields.String(dump_only=True, allow_none=True, metadata={"format": "date"})
    in_band = fields.Boolean(
        dump_only=True, allow_none=True, metadata={"description": "stay_*: in band then."}
    )
    weight = fields.Float(dump_only=True)
    final_value = fields.Float(dump_only=True)

    @pre_dump
    def name_the_kind(self, frozen, **kwargs):
        """Give a key result frozen before kinds existed its kind by start and target."""
        if "kind" in frozen:
            return frozen
        return {**frozen, "kind": direction(frozen["start_value"], frozen["target_value"])}

    progress = progress_field(dump_only=True)
    confidence = fields.Float(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The last confidence stated in a check-in, or null."},
    )


class ClosingSchema(FastDumpSchema):
    """A closing: frozen when made, never changed by later edits of the key results."""

    id = fields.Integer(dump_only=True)
    outcome = fields.String(dump_only=True, metadata={"enum": list(OUTCOME_STATUSES)})
    retrospective = fields.String(dump_only=True, allow_none=True)
    grade = fields.Float(dump_only=True, metadata=GRADE)
    final_progress = progress_field(
        dump_only=True, metadata={"description": "The objective's progress when closed."}
    )
    key_results = fields.List(fields.Nested(ClosingKeyResultSchema), dump_only=True)
    closed_at = fields.DateTime(dump_only=True)
    reopened_at = fields.DateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "When the objective was reopened; null while closed."},
    )


class ChildSchema(FastDumpSchema):
    """An objective under another one: its id and title."""

    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)


class ObjectiveSchema(FastDumpSchema):
    """An objective with its key results and progress, computed when answering."""

    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    description = fields.String(dump_only=True, allow_none=True)
    period = fields.String(dump_only=True, metadata={"example": "2026-Q4"})
    start_date = fields.Date(dump_only=True, metadata={"description": "The period's first day."})
    end_date = fields.Date(dump_only=True, metadata={"description": "The period's last day."})
    status = fields.String(dump_only=True, metadata={"enum": list(STATUSES)})
    check_in_every_days = cadence_field(dump_only=True)
    progress = progress_field(
        dump_only=True,
        metadata={"description": "The weighted mean of the key results' progress, 0 with none."},
    )
    projected_progress = progress_field(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "The weighted mean of the key results' projected progress (their "
            "current progress where they have no forecast); null when none has a forecast."
        },
    )
    key_results = fields.List(fields.Nested(KeyResultSchema), dump_only=True)
    closing = fields.Nested(
        ClosingSchema,
        dump_only=True,
        allow_none=True,
        metadata={"description": "The closing in force; null while the objective is open."},
    )
    copied_from_id = fields.Integer(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The objective this one was copied from, if any."},
    )
    parent_id = fields.Integer(dump_only=True, allow_none=True, metadata=PARENT)
    roll_up = fields.Boolean(dump_only=True, metadata=ROLL_UP)
    child_weight = fields.Float(dump_only=True, metadata=CHILD_WEIGHT)
    children = fields.List(
        fields.Nested(ChildSchema),
        dump_only=True,
        metadata={"description": "The objectives directly under this one, oldest first."},
    )
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class CopySchema(Schema):
    """Where to carry an objective over to, and whether its children come along."""

    period = period_field(required=True)
    with_children = fields.Boolean(
        load_default=False,
        metadata={
            "description": "true: copy the children too (and theirs), each moved by as many "
            "months as the objective, under the copy; the period must then be of the same "
            "length as the objective's. false: the copy has no children."
        },
    )


class CopyQuerySchema(Schema):
    """Whether the copies start where the originals ended."""

    carry_values = fields.Boolean(
        load_default=False,
        metadata={
            "description": "true: each copy's current value is the original's final value "
            "(frozen at closing, else current), recorded as a check-in; false: the start value."
        },
    )


class ObjectiveQuerySchema(Schema):
    """Filters of the objective list."""

    period = period_field()
    status = fields.String(validate=STATUS_CHOICES)
    q = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Part of the title, ignoring case."},
    )
    parent_id = id_field(metadata={"description": "Only the children of this objective."})
    top_level = fields.Boolean(
        metadata={"description": "true: only objectives without a parent; false: only children."}
    )
