"""Query arguments and bodies of GET /stats and GET /stats/calibration."""

from marshmallow import fields, validate, validates_schema

from okr_app.api.fast_dump import FastDumpSchema
from okr_app.api.schemas import Day, Schema, Timestamp, check_window, id_field
from okr_app.models.objective import STATUSES
from okr_app.objectives.schemas import validate_period
from okr_app.okr.periods import PATTERN

PROGRESS = {"description": "Percent, 0 to 100, two decimals."}


class StatsQuerySchema(Schema):
    """Which objectives to cover, and the day to measure pace on."""

    # ``validate_period`` matches the whole value: a Regexp's ``$`` accepts a trailing newline.
    period = fields.String(
        validate=validate_period,
        metadata={
            "pattern": PATTERN,
            "description": "An exact period (with `on`: both must match).",
        },
    )
    on = Day(
        metadata={
            "description": "Objectives whose period contains this day; pace is measured at "
            "the end of it (default: today, UTC). From 1900 to 2999."
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


class KindCountsSchema(FastDumpSchema):
    """The number of key results of each kind."""

    increase = fields.Integer()
    decrease = fields.Integer()
    stay_above = fields.Integer()
    stay_below = fields.Integer()
    stay_in_range = fields.Integer()
    milestone = fields.Integer()


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
    at_risk = fields.Integer(
        metadata={
            "description": "Milestones not done after their `due_on` (or their period's "
            "end), in active objectives not closed."
        }
    )
    by_kind = fields.Nested(
        KindCountsSchema, metadata={"description": "How many key results of each kind."}
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
    expected_progress = fields.Float(
        metadata={
            "description": "Its key results' expected progress, weighted: the share of the "
            "period elapsed for increase and decrease, 100 for stay_* and for milestones "
            "past due, 0 for milestones not yet due. An objective that rolls up counts its "
            "children's expected progress too, each by its own period, key results and "
            "(when it rolls up in turn) children, weighted by its child_weight, as its "
            "progress counts them; a closed child at its frozen progress. The share of the "
            "period elapsed with neither key results nor children."
        }
    )
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
            "progress, when done, or when it lies more than 100 years ahead. Not the "
            "least-squares `forecast` of a key result."
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


class CalibrationQuerySchema(Schema):
    """Which closings to count."""

    since = Timestamp(
        metadata={"description": "Closings at or after this moment (ISO 8601; naive is UTC)."}
    )
    until = Timestamp(metadata={"description": "Closings before this moment (ISO 8601)."})

    @validates_schema
    def check_order(self, data, **kwargs):
        """Refuse a range that ends before it starts."""
        check_window(data)


SHARE = {"description": "Achieved share, 0 to 1, four decimals; null without figures."}
MEAN_CONFIDENCE = {"description": "Mean stated confidence, 0 to 1, four decimals."}


class ReliabilityBinSchema(FastDumpSchema):
    """One bin of the reliability table: confidences from `from` up to (not including) `to`."""

    from_ = fields.Float(data_key="from", attribute="from")
    to = fields.Float(metadata={"description": "The last bin includes 1.0."})
    count = fields.Integer()
    mean_confidence = fields.Float(allow_none=True, metadata=MEAN_CONFIDENCE)
    achieved_share = fields.Float(allow_none=True, metadata=SHARE)


class CalibrationSchema(FastDumpSchema):
    """How well one set of stated confidences foretold the outcomes."""

    count = fields.Integer(
        metadata={"description": "Closed key results counted (those with a confidence)."}
    )
    brier_score = fields.Float(
        allow_none=True,
        metadata={
            "description": "sum((confidence - achieved) ** 2) / count, achieved 1 or 0: 0 is "
            "perfect, 0.25 is always saying 0.5. Null with fewer than 5 closings."
        },
    )
    mean_confidence = fields.Float(allow_none=True, metadata=MEAN_CONFIDENCE)
    achieved_share = fields.Float(allow_none=True, metadata=SHARE)
    bins = fields.List(
        fields.Nested(ReliabilityBinSchema),
        metadata={"description": "Ten bins of 0.1, empty ones included; none without figures."},
    )
    reading = fields.String(allow_none=True, metadata={"description": "The figures in words."})
    message = fields.String(
        allow_none=True,
        metadata={"description": "Why there are no figures (fewer than 5 closings); else null."},
    )


class CalibrationReportSchema(FastDumpSchema):
    """Calibration at the close and at the first check-in, over the same closings."""

    since = fields.DateTime(allow_none=True)
    until = fields.DateTime(allow_none=True)
    at_close = fields.Nested(
        CalibrationSchema,
        metadata={"description": "The last confidence stated before each close."},
    )
    at_first_check_in = fields.Nested(
        CalibrationSchema,
        metadata={
            "description": "The first confidence stated in the objective's period, for the "
            "same key results (those still existing)."
        },
    )
