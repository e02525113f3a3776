"""When an imported check-in may lie: not in the future, but at the start of a month."""

from datetime import time

from marshmallow import ValidationError

from okr_app.models.types import utcnow

CARRIED_AT = (
    "Not in the future, except at the start of a month (00:00:00 UTC on its first day): "
    "where a value planned for a period, or carried into one, is dated."
)


def starts_a_month(moment):
    """Return whether the UTC ``moment`` is the first moment of a month."""
    return moment.day == 1 and moment.time() == time.min


def check_in_time(moment):
    """Refuse a moment in the future, but for the start of a month (a planned or carried value)."""
    # A period starts on a month's first day, so the API dates every future check-in there;
    # the period or objective it was dated for may have changed since, hence any month.
    if moment > utcnow() and not starts_a_month(moment):
        raise ValidationError("Must not lie in the future, except at the start of a month.")
