"""Request and response bodies of the key results area, check-ins included."""

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from okr_app.api import schemas as base
from okr_app.api.fast_dump import FastDumpSchema
from okr_app.api.schemas import FiniteNumber, Schema, Timestamp, Trimmed, id_field, progress_field
from okr_app.key_results.forecast_schemas import ForecastSchema
from okr_app.key_results.kind_schemas import (
    KIND_DESCRIPTION,
    DefiningFieldsMixin,
    kind_field,
    with_directional_defaults,
)
from okr_app.models.types import utcnow
from okr_app.okr.kinds import KINDS, definition_errors, resolve_kind, stored_definition

TITLE_LENGTH = validate.Length(min=1, max=200)
METRIC_LENGTH = validate.Length(min=1, max=100)
WEIGHT_RANGE = validate.Range(min=0, min_inclusive=False, max=1000)


def not_in_future(moment):
    """Refuse a moment later than now."""
    if moment > utcnow():
        raise ValidationError("Must not lie in the future.")


class ValueOrProgressMixin:
    """Refuse a body that sends both ``current_value`` and ``progress``."""

    OPENAPI = {"not": {"required": ["current_value", "progress"]}}

    @validates_schema
    def check_value_or_progress(self, data, **kwargs):
        """Allow at most one way of stating the current value."""
        if "current_value" in data and "progress" in data:
            raise ValidationError(
                "Send either current_value or progress, not both.", field_name="progress"
            )


class KeyResultWriteSchema(ValueOrProgressMixin, DefiningFieldsMixin, Schema):
    """A key result's editable fields; unsent optional fields take their defaults.

    The current value stays as it is unless ``current_value`` or ``progress`` is sent (on
    creation it defaults to ``start_value``); a change records a check-in.
    """

    objective_id = id_field(required=True, strict=True)
    title = Trimmed(required=True, validate=TITLE_LENGTH)
    metric = Trimmed(required=True, validate=METRIC_LENGTH, metadata={"example": "signups"})
    kind = kind_field()
    current_value = FiniteNumber(
        metadata={"description": "stay_*: required on creation; milestone: 0 or 1."}
    )
    progress = progress_field(
        load_only=True,
        metadata={
            "description": "Instead of current_value (increase and decrease): the value is "
            "set to match."
        },
    )
    weight = FiniteNumber(
        load_default=1.0,
        validate=WEIGHT_RANGE,
        metadata={
            "description": "Share in the objective's progress; above 0, at most 1000.",
            "exclusiveMinimum": True,  # apispec does not carry Range's min_inclusive over
        },
    )

    @validates_schema
    def check_definition(self, data, **kwargs):
        """Refuse fields that do not define the kind, and definitions that cannot hold."""
        values = with_directional_defaults(data)
        # A body replaces the whole definition: a target refused is named as the target.
        sent = set(data) | {"target_value"}
        errors = definition_errors(resolve_kind(data.get("kind"), values), values, sent)
        if errors:
            raise ValidationError({name: [message] for name, message in errors.items()})

    @post_load
    def complete_definition(self, data, **kwargs):
        """Set the kind and every field defining it, the unused ones to null."""
        values = with_directional_defaults(data)
        return {**data, **stored_definition(resolve_kind(data.get("kind"), values), values)}


class KeyResultPatchSchema(ValueOrProgressMixin, DefiningFieldsMixin, Schema):
    """Some of a key result's editable fields: the ones sent change, the others stay.

    A new kind takes its defining fields from the body, or keeps those the old kind shared.
    """

    objective_id = id_field(strict=True)
    title = Trimmed(validate=TITLE_LENGTH)
    metric = Trimmed(validate=METRIC_LENGTH)
    kind = kind_field()
    current_value = FiniteNumber()
    progress = progress_field(load_only=True)
    weight = FiniteNumber(validate=WEIGHT_RANGE, metadata={"exclusiveMinimum": True})


class KeyResultSchema(FastDumpSchema):
    """A key result with its progress, computed from the current value when answering."""

    id = fields.Integer(dump_only=True)
    objective_id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    metric = fields.String(dump_only=True)
    kind = fields.String(
        dump_only=True, metadata={"enum": list(KINDS), "description": KIND_DESCRIPTION}
    )
    start_value = fields.Float(
        dump_only=True,
        allow_none=True,
        attribute="defined_start_value",
        metadata={"description": "increase and decrease; null for the other kinds."},
    )
    target_value = fields.Float(
        dump_only=True,
        allow_none=True,
        attribute="defined_target_value",
        metadata={"description": "increase and decrease; null for the other kinds."},
    )
    threshold = fields.Float(
        dump_only=True, allow_none=True, metadata={"description": "stay_above, stay_below."}
    )
    range_min = fields.Float(
        dump_only=True, allow_none=True, metadata={"description": "stay_in_range."}
    )
    range_max = fields.Float(
        dump_only=True, allow_none=True, metadata={"description": "stay_in_range."}
    )
    due_on = fields.Date(dump_only=True, allow_none=True, metadata={"description": "milestone."})
    current_value = fields.Float(
        dump_only=True, metadata={"description": "The latest value; a milestone's is 1 or 0."}
    )
    in_band = fields.Boolean(
        dump_only=True,
        allow_none=True,
        metadata={"description": "stay_*: whether the current value is in band; else null."},
    )
    done = fields.Boolean(
        dump_only=True,
        allow_none=True,
        metadata={"description": "milestone: whether the latest check-in says done; else null."},
    )
    weight = fields.Float(dump_only=True)
    progress = progress_field(
        dump_only=True,
        metadata={
            "description": "By kind (see `kind`): (current - start) / (target - start) * 100 "
            "for increase and decrease, the share of time in band for stay_*, 0 or 100 for a "
            "milestone; always 0 to 100."
        },
    )
    forecast = fields.Nested(
        ForecastSchema,
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "From at least 2 check-ins over at least 1 day; null otherwise, "
            "with forecast_reason saying why."
        },
    )
    forecast_reason = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "Why there is no forecast, or for stay_* what the projection "
            "assumes (the current value holding until the period end); null otherwise. A "
            "milestone has no forecast."
        },
    )
    due_at = fields.DateTime(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "When the next check-in is due: the latest check-in's `at` (or the "
            "creation, or the period's first moment if later) plus the objective's "
            "`check_in_every_days`; null without a cadence or outside an active objective's "
            "period."
        },
    )
    overdue = fields.Boolean(dump_only=True, metadata={"description": "Past `due_at`."})
    stale = fields.Boolean(
        dump_only=True,
        metadata={"description": "Past `due_at` by more than OKR_STALE_AFTER_DAYS (3) days."},
    )
    pace_status = fields.String(
        dump_only=True,
        metadata={
            "enum": ["stale", "done", "ahead", "on_track", "at_risk"],
            "description": "Progress against the share of the period elapsed today, as in "
            "/stats; `stale` for a stale key result, whatever its progress.",
        },
    )
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class KeyResultQuerySchema(Schema):
    """Filters of the key result list."""

    objective_id = id_field()


SOURCE_LENGTH = validate.Length(max=100)
SOURCE_DESCRIPTION = (
    "What recorded it, e.g. `home-assistant`; up to 100 characters. By default the name of "
    "the personal access token the request is made with (null with a login session)."
)


class CheckInWriteSchema(Schema):
    """A new value of a key result: exactly one of ``value``, ``progress``, ``delta``, ``done``."""

    OPENAPI = base.exactly_one_of("value", "progress", "delta", "done")

    value = FiniteNumber(
        metadata={"description": "The value observed; for a milestone 1 (done) or 0 (not done)."}
    )
    progress = progress_field(
        load_only=True, metadata={"description": "Instead of value: 0 to 100 of the range."}
    )
    delta = FiniteNumber(
        load_only=True,
        metadata={
            "description": "Instead of value: added to the current value as it stands when "
            "the request is processed (1 counts one more); concurrent deltas all count. "
            "Not for a milestone (422)."
        },
    )
    done = fields.Boolean(
        load_only=True,
        metadata={"description": "Milestones only, instead of value: true (1) or false (0)."},
    )
    confidence = fields.Float(
        allow_nan=False,
        allow_none=True,
        validate=validate.Range(min=0, max=1),
        metadata={"description": "Belief that the target will be met, 0.0 to 1.0."},
    )
    note = Trimmed(allow_none=True, validate=validate.Length(max=2000))
    at = Timestamp(
        validate=not_in_future,
        metadata={
            "description": "When the value was observed; default now, never later. With a "
            "delta, not before the latest check-in."
        },
    )
    source = Trimmed(
        allow_none=True, validate=SOURCE_LENGTH, metadata={"description": SOURCE_DESCRIPTION}
    )

    @validates_schema
    def check_value_or_progress(self, data, **kwargs):
        """Require exactly one of ``value``, ``progress``, ``delta`` and ``done``."""
        if sum(name in data for name in ("value", "progress", "delta", "done")) != 1:
            raise ValidationError("Send exactly one of value, progress, delta and done.", "value")


class CheckInSchema(FastDumpSchema):
    """A recorded value; ``progress`` is measured against the key result's current range."""

    id = fields.Integer(dump_only=True)
    key_result_id = fields.Integer(dump_only=True)
    at = fields.DateTime(dump_only=True)
    value = fields.Float(dump_only=True)
    progress = progress_field(dump_only=True)
    confidence = fields.Float(dump_only=True, allow_none=True)
    note = fields.String(dump_only=True, allow_none=True)
    source = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "What recorded it."}
    )
    created_at = fields.DateTime(dump_only=True)


class CheckInCreatedSchema(CheckInSchema):
    """A new check-in with the key result as it stands afterwards."""

    key_result = fields.Nested(KeyResultSchema, dump_only=True)


class CheckInQuerySchema(Schema):
    """The time window of the check-in list, both ends included."""

    since = Timestamp()
    until = base.Until()

    @validates_schema
    def check_order(self, data, **kwargs):
        """Refuse a window that ends before it starts."""
        base.check_window(data)
