"""When an imported check-in may lie: not in the future, but for a carried-over value."""

from datetime import UTC, datetime, time

from marshmallow import ValidationError, validates_schema

from okr_app.okr.periods import bounds

CARRIED_AT = (
    "Not in the future, except a value carried over into a later period: at that period's start."
)


class CheckInTimesMixin:
    """Check the check-ins of an objective record's key results against now and its period."""

    @validates_schema
    def check_check_in_times(self, data, **kwargs):
        """Refuse a check-in in the future, but for one at the period's start (carried over)."""
        start = datetime.combine(bounds(data["period"])[0], time.min, tzinfo=UTC)
        now = datetime.now(UTC)
        errors = {
            index: {"check_ins": {number: {"at": ["Must not lie in the future."]}}}
            for index, key_result in enumerate(data["key_results"])
            for number, item in enumerate(key_result["check_ins"])
            if item["at"] > now and item["at"] != start
        }
        if errors:
            raise ValidationError({"key_results": errors})
