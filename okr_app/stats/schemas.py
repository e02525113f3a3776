"""Query arguments and body of GET /stats."""

from marshmallow import fields, validate

from okr_app.api.fast_dump import FastDumpSchema
from okr_app.api.schemas import Schema, id_field
from okr_app.models.objective import STATUSES
from okr_app.okr.periods import PATTERN

PROGRESS = {"description": "Percent, 0 to 100, two decimals."}


class StatsQuerySchema(Schema):
    """Which objectives to cover, and the day to measure pace on."""

    period = fields.String(
        validate=validate.Regexp(PATTERN),
        metadata={"description": "An exact period (with `on`: both must match)."},
    )
    on = fields.Date(
        metadata={
            "description": "Objectives whose period contains this day; pace is measured at "
            "the end of it (default: today, UTC)."
        }
    )
    status = fields.String(
        validate=validate.OneOf(STATUSES),
        metadata={"description": "Default: every status but archived."},
    )
    user_id = id_field(
        metadata={"description": "Admins only: another user's statistics."},
    )


class ObjectiveTotalsSchema(FastDumpSchema):
    """Counts over the covered objectives."""

    total = fields.Integer()
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    average_progress = fields.Float(metadata=PROGRESS)
    completed = fields.Integer(metadata={"description": "Progress 100."})
    not_started = fields.Integer(metadata={"description": "Progress 0."})
    at_risk = fields.Integer(metadata={"description": "Active objectives 10+ points behind."})
    top_level = fields.Integer(metadata={"description": "Objectives without a parent."})
    roll_ups = fields.Integer(
        metadata={"description": "Objectives whose progress includes their children's."}
    )
    counted_once = fields.Integer(
        metadata={
            "description": "Objectives not inside a covered parent that rolls up: each "
            "objective is counted once, by itself or through that parent."
        }
    )
    counted_once_average_progress = fields.Float(
        metadata={
            **PROGRESS,
            "description": "The mean progress of the objectives counted once (a child in a "
            "roll-up only through its parent). Percent, 0 to 100, two decimals.",
        }
    )


class KeyResultTotalsSchema(FastDumpSchema):
    """Counts over the covered objectives' key results."""

    total = fields.Integer()
    average_progress = fields.Float(metadata=PROGRESS)
    completed = fields.Integer()
    not_started = fields.Integer()
    overdue = fields.Integer(
        metadata={"description": "Past their due check-in now (see `check_in_every_days`)."}
    )
    stale = fields.Integer(
        metadata={"description": "Past their due check-in by more than OKR_STALE_AFTER_DAYS."}
    )


class PeriodSchema(FastDumpSchema):
    """One period's objectives."""

    period = fields.String()
    count = fields.Integer()
    average_progress = fields.Float(metadata={"description": "Mean of the objectives' progress."})
    average_grade = fields.Float(
        allow_none=True,
        metadata={"description": "Mean grade of the period's closed objectives; null if none."},
    )


class PaceSchema(FastDumpSchema):
    """One active objective against the calendar."""

    objective_id = fields.Integer()
    title = fields.String()
    period = fields.String()
    progress = fields.Float(metadata=PROGRESS)
    expected_progress = fields.Float(metadata={"description": "Share of the period elapsed."})
    delta = fields.Float(metadata={"description": "progress - expected_progress."})
    status = fields.String(
        metadata={
            "enum": ["stale", "done", "ahead", "on_track", "at_risk"],
            "description": "`stale` when one of its key results is stale, whatever the "
            "progress; else by delta.",
        }
    )
    completion_date = fields.Date(
        allow_none=True,
        metadata={
            "description": "The day progress reaches 100 % at its average rate since the "
            "period start (progress / elapsed days); null before the period starts, with no "
            "progress, or when done. Not the least-squares `forecast` of a key result."
        },
    )
    forecast_date = fields.Date(
        allow_none=True,
        metadata={
            "description": "The same as `completion_date`, under its former name.",
            "deprecated": True,
        },
    )


class CheckInTotalsSchema(FastDumpSchema):
    """Check-in activity up to the measured day."""

    last_7_days = fields.Integer()
    last_30_days = fields.Integer()
    current_streak_days = fields.Integer()
    longest_streak_days = fields.Integer()


class StatsSchema(FastDumpSchema):
    """Where a user stands."""

    on = fields.Date(metadata={"description": "The day pace was measured on."})
    objectives = fields.Nested(ObjectiveTotalsSchema)
    key_results = fields.Nested(KeyResultTotalsSchema)
    periods = fields.List(fields.Nested(PeriodSchema))
    pace = fields.List(fields.Nested(PaceSchema))
    check_ins = fields.Nested(CheckInTotalsSchema)
    confidence = fields.Float(
        allow_none=True,
        metadata={"description": "Mean of each key result's latest confidence, 0 to 1."},
    )
