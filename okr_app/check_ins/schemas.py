"""The body and the answer of POST /check-ins."""

from flask import current_app
from marshmallow import ValidationError, fields, validate

from okr_app.api.schemas import Schema, id_field
from okr_app.config import DEFAULTS
from okr_app.key_results.schemas import CheckInSchema, CheckInWriteSchema, KeyResultSchema


class CheckInItemSchema(CheckInWriteSchema):
    """One check-in of a batch: the key result, and what to record on it."""

    key_result_id = id_field(required=True, strict=True)


def within_batch_limit(items):
    """Refuse more items than ``OKR_CHECK_IN_BATCH_MAX_ITEMS``."""
    limit = current_app.config["OKR_CHECK_IN_BATCH_MAX_ITEMS"]
    if len(items) > limit:
        raise ValidationError(f"At most {limit} check-ins per request.")


class CheckInBatchSchema(Schema):
    """Check-ins to record together: all of them, or none."""

    check_ins = fields.List(
        fields.Nested(CheckInItemSchema),
        required=True,
        validate=[validate.Length(min=1), within_batch_limit],
        metadata={
            "maxItems": DEFAULTS["OKR_CHECK_IN_BATCH_MAX_ITEMS"],
            "description": "1 to `OKR_CHECK_IN_BATCH_MAX_ITEMS` (500 by default) check-ins, "
            "recorded in this order.",
        },
    )


class CheckInBatchResultSchema(Schema):
    """The check-ins recorded, and each key result they touched as it stands afterwards."""

    check_ins = fields.List(fields.Nested(CheckInSchema), dump_only=True)
    key_results = fields.List(
        fields.Nested(KeyResultSchema),
        dump_only=True,
        metadata={"description": "Each key result once, in the order first named."},
    )
