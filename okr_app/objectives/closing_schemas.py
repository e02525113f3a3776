"""Request and response bodies of closing an objective."""

from marshmallow import fields, validate

from okr_app.key_results.schemas import progress_field
from okr_app.models import OUTCOME_STATUSES
from okr_app.schemas import Schema, Trimmed

OUTCOME_CHOICES = validate.OneOf(list(OUTCOME_STATUSES))
RETROSPECTIVE_LENGTH = validate.Length(max=2000)
GRADE = {"description": "round(final_progress / 100, 2), halves up: 0.0 to 1.0."}


class CloseSchema(Schema):
    """How an objective ended, and what was learnt."""

    outcome = fields.String(
        required=True,
        validate=OUTCOME_CHOICES,
        metadata={"description": "achieved (status completed), missed or cancelled."},
    )
    retrospective = Trimmed(load_default=None, allow_none=True, validate=RETROSPECTIVE_LENGTH)


class ClosingKeyResultSchema(Schema):
    """A key result as it stood when the objective was closed."""

    id = fields.Integer(
        dump_only=True,
        metadata={"description": "The key result's id then; it may have been deleted since."},
    )
    title = fields.String(dump_only=True)
    metric = fields.String(dump_only=True)
    start_value = fields.Float(dump_only=True)
    target_value = fields.Float(dump_only=True)
    weight = fields.Float(dump_only=True)
    final_value = fields.Float(dump_only=True)
    progress = progress_field(dump_only=True)
    confidence = fields.Float(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The last confidence stated in a check-in, or null."},
    )


class ClosingSchema(Schema):
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
