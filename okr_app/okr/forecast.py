"""Forecasts: the least-squares trend of a key result's check-ins, projected to the period end.

A check-in is a point (x, y): x its moment in days since the start of its objective's period
(midnight UTC of the first day), y its value. The sums below are all a straight-line fit
needs; each key result stores them (see okr_app/key_results/trends.py), so no check-in is
loaded to answer.
"""

from datetime import timedelta
from typing import NamedTuple

from okr_app.okr.periods import first_moment
from okr_app.okr.progress import key_result_progress, objective_progress

MIN_CHECK_INS = 2
MIN_SPAN_DAYS = 1.0
NEEDS = "a forecast needs at least 2 check-ins over at least 1 day"


class TrendSums(NamedTuple):
    """n, Σx, Σy, Σxy, Σx² and the first and last x over a key result's check-ins."""

    count: int
    sum_x: float
    sum_y: float
    sum_xy: float
    sum_xx: float
    first_x: float
    last_x: float


def missing_history(sums):
    """Return why ``sums`` cannot carry a forecast, or None when they can."""
    if sums is None or sums.count == 0:
        return f"No check-ins yet: {NEEDS}."
    if sums.count < MIN_CHECK_INS:
        return f"Only 1 check-in: {NEEDS}."
    if sums.last_x - sums.first_x < MIN_SPAN_DAYS:
        return f"The check-ins span less than 1 day: {NEEDS}."
    return None


def linear_trend(sums):
    """Return ``(slope, intercept)`` of the least-squares line y = intercept + slope * x.

    slope = (Σxy - Σx·Σy / n) / (Σx² - (Σx)² / n) and intercept = (Σy - slope·Σx) / n.
    The check-ins must span some time (``missing_history`` is None), or the slope is undefined.
    """
    n = sums.count
    spread = sums.sum_xx - sums.sum_x * sums.sum_x / n
    covariance = sums.sum_xy - sums.sum_x * sums.sum_y / n
    slope = covariance / spread
    return slope, (sums.sum_y - slope * sums.sum_x) / n


def required_rate(start, target, current, days_left):
    """Return the value per day needed from now to reach the target, or None when time is up.

    rate = (target - current) / days_left, negative for a decreasing metric; 0 once the
    target is reached; None when the period is over (``days_left`` <= 0).
    """
    if days_left <= 0:
        return None
    if key_result_progress(start, target, current) >= 100.0:
        return 0.0
    return (target - current) / days_left


def forecast(sums, *, start, target, current, period_days, days_left):
    """Return the trend projected to the end of the period, or None without enough history.

    projected_value = intercept + slope * period_days (x at the end of the period's last
    day); projected_progress is that value's progress, clamped to 0 to 100 like any other.
    """
    if missing_history(sums) is not None:
        return None
    slope, intercept = linear_trend(sums)
    projected = intercept + slope * period_days
    return {
        "projected_value": projected,
        "projected_progress": key_result_progress(start, target, projected),
        "required_rate": required_rate(start, target, current, days_left),
        "trend_per_day": slope,
    }


def period_forecast(sums, *, start, target, current, start_date, end_date, now):
    """Return ``(forecast, reason)``: the forecast, or None and why there is none.

    The period runs from ``start_date`` to ``end_date`` inclusive; ``now`` gives the days left.
    """
    reason = missing_history(sums)
    if reason is not None:
        return None, reason
    period_end = first_moment(end_date + timedelta(days=1))
    projection = forecast(
        sums,
        start=start,
        target=target,
        current=current,
        period_days=(end_date - start_date).days + 1,
        days_left=(period_end - now).total_seconds() / 86400.0,
    )
    return projection, None


def stored_trend(key_result):
    """Return the trend sums stored on a key result (model or row), None without check-ins."""
    if not key_result.trend_count:
        return None
    return TrendSums(
        key_result.trend_count,
        key_result.trend_sum_x,
        key_result.trend_sum_y,
        key_result.trend_sum_xy,
        key_result.trend_sum_xx,
        key_result.trend_first_x,
        key_result.trend_last_x,
    )


def key_result_forecast(key_result, start_date, end_date, now):
    """Return ``period_forecast`` for a key result (model or row) in the period given."""
    return period_forecast(
        stored_trend(key_result),
        start=key_result.start_value,
        target=key_result.target_value,
        current=key_result.current_value,
        start_date=start_date,
        end_date=end_date,
        now=now,
    )


def objective_projection(items):
    """Return sum(weight * projected progress) / sum(weight) over (forecast, progress, weight).

    A key result without a forecast counts with its current progress: it is assumed to stay
    where it is. None when no key result has a forecast.
    """
    items = list(items)
    if all(item_forecast is None for item_forecast, _progress, _weight in items):
        return None
    return objective_progress(
        (progress if item_forecast is None else item_forecast["projected_progress"], weight)
        for item_forecast, progress, weight in items
    )
