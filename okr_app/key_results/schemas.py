"""Request and response bodies of the key results area, check-ins included."""

from itertools import combinations

from marshmallow import ValidationError, fields, validate, validates_schema

from okr_app.api.fast_dump import FastDumpSchema
from okr_app.api.schemas import (
    FiniteNumber,
    Rounded,
    Schema,
    Timestamp,
    Trimmed,
    Until,
    id_field,
    progress_field,
)
from okr_app.models.types import utcnow

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


class KeyResultWriteSchema(ValueOrProgressMixin, Schema):
    """A key result's editable fields; unsent optional fields take their defaults.

    The current value stays as it is unless ``current_value`` or ``progress`` is sent (on
    creation it defaults to ``start_value``); a change records a check-in.
    """

    objective_id = id_field(required=True, strict=True)
    title = Trimmed(required=True, validate=TITLE_LENGTH)
    metric = Trimmed(required=True, validate=METRIC_LENGTH, metadata={"example": "signups"})
    start_value = FiniteNumber(load_default=0.0)
    target_value = FiniteNumber(
        load_default=100.0, metadata={"description": "Must differ from start_value."}
    )
    current_value = FiniteNumber()
    progress = progress_field(
        load_only=True,
        metadata={"description": "Instead of current_value: the value is set to match."},
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
    def check_start_differs_from_target(self, data, **kwargs):
        """Refuse a target equal to the start: progress would be undefined."""
        if data["start_value"] == data["target_value"]:
            raise ValidationError("Must differ from start_value.", field_name="target_value")


class KeyResultPatchSchema(ValueOrProgressMixin, Schema):
    """Some of a key result's editable fields: the ones sent change, the others stay."""

    objective_id = id_field(strict=True)
    title = Trimmed(validate=TITLE_LENGTH)
    metric = Trimmed(validate=METRIC_LENGTH)
    start_value = FiniteNumber()
    target_value = FiniteNumber()
    current_value = FiniteNumber()
    progress = progress_field(load_only=True)
    weight = FiniteNumber(validate=WEIGHT_RANGE, metadata={"exclusiveMinimum": True})


class ForecastSchema(FastDumpSchema):
    """The least-squares line through the check-ins (value over days), to the period end."""

    projected_value = Rounded(
        dump_only=True, metadata={"description": "The line's value at the end of the period."}
    )
    projected_progress = progress_field(
        dump_only=True, metadata={"description": "projected_value's progress, 0 to 100."}
    )
    required_rate = Rounded(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "(target - current) / days left: the value per day needed from "
            "now (negative for a decreasing metric); 0 once reached; null after the period."
        },
    )
    trend_per_day = Rounded(
        dump_only=True, metadata={"description": "The line's slope: value per day."}
    )


class KeyResultSchema(FastDumpSchema):
    """A key result with its progress, computed from the current value when answering."""

    id = fields.Integer(dump_only=True)
    objective_id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    metric = fields.String(dump_only=True)
    start_value = fields.Float(dump_only=True)
    target_value = fields.Float(dump_only=True)
    current_value = fields.Float(dump_only=True)
    weight = fields.Float(dump_only=True)
    progress = progress_field(
        dump_only=True,
        metadata={"description": "(current - start) / (target - start) * 100, in 0 to 100."},
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
        metadata={"description": "Why there is no forecast; null when there is one."},
    )
    due_at = fields.DateTime(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "When the next check-in is due: the latest check-in's `at` (or the "
            "creation) plus the objective's `check_in_every_days`; null without a cadence or "
            "outside an active objective's period."
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


STATED = ("value", "progress", "delta")


class CheckInWriteSchema(Schema):
    """A new value of a key result: exactly one of ``value``, ``progress`` and ``delta``."""

    # Exactly one: not two of them, and not none (a "oneOf" would cost generated clients
    # their typed body).
    OPENAPI = {
        "not": {
            "anyOf": [
                *({"required": list(pair)} for pair in combinations(STATED, 2)),
                {"not": {"anyOf": [{"required": [name]} for name in STATED]}},
            ]
        }
    }

    value = FiniteNumber()
    progress = progress_field(
        load_only=True, metadata={"description": "Instead of value: 0 to 100 of the range."}
    )
    delta = FiniteNumber(
        load_only=True,
        metadata={
            "description": "Instead of value: added to the current value as it stands when "
            "the request is processed (1 counts one more); concurrent deltas all count."
        },
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
        """Require exactly one of ``value``, ``progress`` and ``delta``."""
        if sum(name in data for name in ("value", "progress", "delta")) != 1:
            raise ValidationError("Send exactly one of value, progress and delta.", "value")


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
    until = Until()

    @validates_schema
    def check_window(self, data, **kwargs):
        """Refuse a window that ends before it starts."""
        if "since" in data and "until" in data and data["since"] > data["until"]:
            raise ValidationError("Must not be earlier than since.", "until")
