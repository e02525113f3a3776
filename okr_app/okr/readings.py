"""What a key result of any kind reads as at a moment: progress, band, forecast and pace.

Each function takes a key result as anything with its attributes (a model or a row of the
list's read model), so the single read and the list answer the same.
"""

from okr_app.okr.cadence import key_result_pace_status
from okr_app.okr.forecast import key_result_forecast
from okr_app.okr.kinds import (
    DIRECTIONAL,
    MILESTONE,
    STAYS,
    expected_kind_progress,
    in_band,
    is_done,
    kind_progress,
    stay_progress_from_sums,
)
from okr_app.okr.pace import expected_progress
from okr_app.okr.periods import first_moment
from okr_app.okr.wording import exact

SECONDS_PER_DAY = 86400.0
NO_MILESTONE_FORECAST = "A milestone is done or not: it has no forecast."
NO_BAND_HISTORY = "No check-ins yet: the forecast assumes the latest value holds."


def day_x(moment, start_date):
    """Return ``moment`` in days since midnight UTC of ``start_date``."""
    origin = first_moment(start_date)
    return (moment - origin).total_seconds() / SECONDS_PER_DAY


def period_days(start_date, end_date):
    """Return the days of the period, its last one whole."""
    return float((end_date - start_date).days + 1)


def current_in_band(key_result):
    """Return whether the current value is in band (stay_* kinds), else None.

    None as well before the first check-in: a stay_* key result has no value yet then.
    """
    if key_result.kind not in STAYS or not key_result.trend_count:
        return None
    return value_in_band(key_result, key_result.current_value)


def value_in_band(key_result, value):
    """Tell whether ``value`` lies in the band of a stay_* key result (bounds included)."""
    return in_band(
        key_result.kind, value, key_result.threshold, key_result.range_min, key_result.range_max
    )


def _stay_progress(key_result, start_date, end_date, now_x):
    """Return a stay_* key result's time-in-band progress up to ``now_x``."""
    return stay_progress_from_sums(
        key_result.band_days,
        key_result.trend_first_x if key_result.trend_count else None,
        key_result.trend_last_x,
        current_in_band(key_result),
        period_days(start_date, end_date),
        now_x,
    )


def reading_progress(key_result, start_date, end_date, now):
    """Return a key result's progress at ``now`` by its kind (``okr.kinds.kind_progress``)."""
    stay = None
    if key_result.kind in STAYS:
        stay = _stay_progress(key_result, start_date, end_date, day_x(now, start_date))
    return kind_progress(
        key_result.kind,
        key_result.start_value,
        key_result.target_value,
        key_result.current_value,
        stay=stay,
    )


def value_progress(key_result, value):
    """Return the progress ``value`` reads as on this key result, by its kind: a check-in's.

    increase/decrease: against start and target; milestone: 0 or 100; stay_*: 100 in
    band, 0 out of it.
    """
    stay = None
    if key_result.kind in STAYS:
        stay = 100.0 if value_in_band(key_result, value) else 0.0
    return kind_progress(
        key_result.kind, key_result.start_value, key_result.target_value, value, stay=stay
    )


def reading_forecast(key_result, start_date, end_date, now):
    """Return ``(forecast, reason)`` by kind.

    increase/decrease: the least-squares trend (``okr.forecast``); stay_*: the progress at
    the period end if the current value holds, with the reason saying so; milestone: none.
    """
    if key_result.kind in DIRECTIONAL:
        return key_result_forecast(key_result, start_date, end_date, now)
    if key_result.kind == MILESTONE:
        return None, NO_MILESTONE_FORECAST
    if not key_result.trend_count:
        return None, NO_BAND_HISTORY
    inside = current_in_band(key_result)
    projected = _stay_progress(key_result, start_date, end_date, period_days(start_date, end_date))
    where = "in band" if inside else "out of band"
    reason = (
        f"Projected to the period end if the current value {exact(key_result.current_value)} "
        f"({where}) holds until then."
    )
    forecast = {
        "projected_value": key_result.current_value,
        "projected_progress": projected,
        "required_rate": None,
        "trend_per_day": None,
    }
    return forecast, reason


def reading_expected_progress(key_result, start_date, end_date, on):
    """Return the progress a key result is expected to have by the end of day ``on``."""
    return expected_kind_progress(
        key_result.kind,
        expected_progress(start_date, end_date, on),
        on,
        key_result.due_on,
        end_date,
    )


def reading_pace_status(key_result, progress, start_date, end_date, on, stale):
    """Return a key result's pace status on day ``on``, against its kind's expectation."""
    expected = reading_expected_progress(key_result, start_date, end_date, on)
    return key_result_pace_status(progress, start_date, end_date, on, stale, expected=expected)


def shown_fields(key_result):
    """Return the fields an answer shows by kind: start and target, ``in_band``, ``done``.

    start_value and target_value show for increase and decrease only (the other kinds
    store placeholders), ``in_band`` for stay_* and ``done`` for a milestone; else null.
    """
    directional = key_result.kind in DIRECTIONAL
    return {
        "defined_start_value": key_result.start_value if directional else None,
        "defined_target_value": key_result.target_value if directional else None,
        "in_band": current_in_band(key_result),
        "done": is_done(key_result.current_value) if key_result.kind == MILESTONE else None,
    }
