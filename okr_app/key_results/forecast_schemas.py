"""The forecast in a key result's answer: by kind, a trend or a held value to the period end."""

from marshmallow import fields

from okr_app.api.fast_dump import FastDumpSchema
from okr_app.api.schemas import progress_field


class ForecastSchema(FastDumpSchema):
    """The projection to the period end: a trend line, or for stay_* the current value held."""

    projected_value = fields.Float(
        dump_only=True,
        metadata={
            "description": "The line's value at the end of the period; for stay_*, the "
            "current value."
        },
    )
    projected_progress = progress_field(
        dump_only=True, metadata={"description": "projected_value's progress, 0 to 100."}
    )
    required_rate = fields.Float(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "(target - current) / days left: the value per day needed from "
            "now (negative for a decreasing metric); 0 once reached; null after the period "
            "and for stay_* kinds."
        },
    )
    trend_per_day = fields.Float(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The line's slope: value per day; null for stay_* kinds."},
    )
