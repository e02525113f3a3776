"""Pace: where an objective should stand by a day, and when it ends at its average rate.

``completion_date`` is not the least-squares forecast of ``okr_app.okr.forecast``: it takes
the straight average rate since the period start (progress / elapsed days), while the
forecast fits a line through the check-ins. They differ whenever recent progress is faster
or slower than the average, and the API reports each under its own name.
"""

import math
from datetime import date

from okr_app.okr.rounding import rounded, rounded_progress

ON_TRACK_MARGIN = 10.0
#: A completion further ahead than this is no date anyone plans by: it is reported as none.
COMPLETION_HORIZON_DAYS = 36525  # 100 years


def expected_progress(start, end, on):
    """Return the share of the period elapsed by the end of day ``on``, times 100.

    ``(on - start + 1) / (end - start + 1) * 100`` in whole days, so the first day of a
    quarter expects 1/92 of it and the last day all of it; 0 before the period, 100 after.
    """
    if on < start:
        return 0.0
    if on >= end:
        return 100.0
    return ((on - start).days + 1) / ((end - start).days + 1) * 100.0


def pace_delta(progress, expected):
    """Return ``progress - expected`` of the two as the answers show them, to 2 decimals.

    Progress reads 99.99 short of 100 (``rounded_progress``) and both are rounded first, so
    the delta, and the status taken from it, never contradict the figures beside them:
    40.004 against 50.005 reads 40.0 against 50.01, a delta of -10.01, at risk.
    """
    return rounded(rounded_progress(progress) - rounded(expected))


def pace_status(progress, delta):
    """Return ``done`` (progress 100), ``ahead`` (delta > 0), ``on_track`` or ``at_risk``.

    ``on_track`` means 0 >= delta >= -10; ``at_risk`` means delta < -10. The delta is taken
    as the answers show it, rounded to 2 decimals: 0.001 ahead reads 0.0 and is on track.
    """
    if progress >= 100.0:
        return "done"
    delta = rounded(delta)
    if delta > 0:
        return "ahead"
    if delta >= -ON_TRACK_MARGIN:
        return "on_track"
    return "at_risk"


def completion_date(progress, start, on):
    """Return the day the objective reaches 100 % at its average rate so far, or None.

    The rate is the progress made per elapsed day of the period (the day ``on`` included):
    ``progress / (on - start + 1)``. The completion date is ``on`` plus the days the remaining
    ``100 - progress`` needs at that rate, rounded up. There is no rate before the period
    starts, with no progress, or once the objective is done; and no date when it lies more
    than ``COMPLETION_HORIZON_DAYS`` after ``on`` (a tiny progress would reach past the
    calendar's end).
    """
    if on < start or progress <= 0.0 or progress >= 100.0:
        return None
    rate = progress / ((on - start).days + 1)
    days = (100.0 - progress) / rate
    if not days <= COMPLETION_HORIZON_DAYS:  # also false for an infinite or NaN quotient
        return None
    completion = on.toordinal() + math.ceil(days)
    return date.fromordinal(completion) if completion <= date.max.toordinal() else None
