"""Request and response bodies of share links and of what a link shows."""

from marshmallow import ValidationError, fields

from okr_app.api.schemas import Schema, Timestamp, progress_field
from okr_app.models.types import utcnow

PACE_STATUSES = ["stale", "done", "ahead", "on_track", "at_risk"]


def in_future(moment):
    """Refuse a moment that has passed: the link would never work."""
    if moment <= utcnow():
        raise ValidationError("Must lie in the future.")


class ShareWriteSchema(Schema):
    """A new share link; without ``expires_at`` it works until revoked."""

    expires_at = Timestamp(
        load_default=None,
        allow_none=True,
        validate=in_future,
        metadata={"description": "When the link stops working (ISO 8601, future); null: never."},
    )


class ShareLinkSchema(Schema):
    """A share link; its URL is shown only when created (only a keyed hash is stored)."""

    id = fields.Integer(dump_only=True)
    url = fields.String(
        dump_only=True,
        metadata={
            "description": "The secret URL (`/s/<token>`), in the answer to POST only. "
            "Whoever has it sees the objective: revoke the link to stop that."
        },
    )
    expires_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class SharedPointSchema(Schema):
    """A check-in as the chart shows it: moment and value only."""

    at = fields.DateTime(dump_only=True)
    value = fields.Float(dump_only=True)


class SharedKeyResultSchema(Schema):
    """A key result as a share link shows it."""

    title = fields.String(dump_only=True)
    metric = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    start_value = fields.Float(dump_only=True, allow_none=True)
    target_value = fields.Float(dump_only=True, allow_none=True)
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
    current_value = fields.Float(dump_only=True, allow_none=True)
    in_band = fields.Boolean(
        dump_only=True, allow_none=True, metadata={"description": "stay_*: in band now."}
    )
    done = fields.Boolean(
        dump_only=True, allow_none=True, metadata={"description": "milestone: done."}
    )
    progress = progress_field(dump_only=True)
    pace_status = fields.String(dump_only=True, metadata={"enum": PACE_STATUSES})
    check_ins = fields.List(fields.Nested(SharedPointSchema), dump_only=True)


class SharedObjectiveSchema(Schema):
    """An objective as a share link shows it: no ids, notes, description or owner."""

    title = fields.String(dump_only=True)
    period = fields.String(dump_only=True)
    start_date = fields.Date(dump_only=True)
    end_date = fields.Date(dump_only=True)
    status = fields.String(dump_only=True)
    progress = progress_field(dump_only=True)
    expected_progress = progress_field(
        dump_only=True,
        metadata={
            "description": "The progress expected by today: each key result's by its kind "
            "(the share of the period elapsed for increase and decrease, 100 for stay_* once "
            "the period has started, 0 or 100 for a milestone by its due day), weighted; "
            "with its children's expected progress too when it rolls up, as its progress "
            "counts them (a closed child at its frozen progress); the share of the period "
            "elapsed with neither. As the owner's pages show it."
        },
    )
    key_results = fields.List(fields.Nested(SharedKeyResultSchema), dump_only=True)
