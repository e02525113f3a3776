"""Request and response bodies of check-ins."""

from marshmallow import ValidationError, fields, validate, validates_schema

from okr_app.key_results.schemas import KeyResultSchema, progress_field
from okr_app.models.types import utcnow
from okr_app.schemas import FiniteNumber, Schema, Timestamp, Trimmed


def not_in_future(moment):
    """Refuse a moment later than now."""
    if moment > utcnow():
        raise ValidationError("Must not lie in the future.")


class CheckInWriteSchema(Schema):
    """A new value of a key result, stated as ``value`` or as ``progress``."""

    value = FiniteNumber()
    progress = progress_field(
        load_only=True, metadata={"description": "Instead of value: 0 to 100 of the range."}
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
        metadata={"description": "When the value was observed; default now, never later."},
    )

    @validates_schema
    def check_value_or_progress(self, data, **kwargs):
        """Require exactly one of ``value`` and ``progress``."""
        if ("value" in data) == ("progress" in data):
            raise ValidationError("Send either value or progress (one of them).", "value")


class CheckInSchema(Schema):
    """A recorded value; ``progress`` is measured against the key result's current range."""

    id = fields.Integer(dump_only=True)
    key_result_id = fields.Integer(dump_only=True)
    at = fields.DateTime(dump_only=True)
    value = fields.Float(dump_only=True)
    progress = progress_field(dump_only=True)
    confidence = fields.Float(dump_only=True, allow_none=True)
    note = fields.String(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class CheckInCreatedSchema(CheckInSchema):
    """A new check-in with the key result as it stands afterwards."""

    key_result = fields.Nested(KeyResultSchema, dump_only=True)


class CheckInQuerySchema(Schema):
    """The time window of the check-in list, both ends included."""

    since = Timestamp()
    until = Timestamp()

    @validates_schema
    def check_window(self, data, **kwargs):
        """Refuse a window that ends before it starts."""
        if "since" in data and "until" in data and data["since"] > data["until"]:
            raise ValidationError("Must not be earlier than since.", "until")
