"""Pace arithmetic: expected progress, pace status, forecast and check-in streaks."""

import math
from datetime import timedelta

ON_TRACK_MARGIN = 10.0


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


def pace_status(progress, delta):
    """Return ``done`` (progress 100), ``ahead`` (delta > 0), ``on_track`` or ``at_risk``.

    ``on_track`` means 0 >= delta >= -10; ``at_risk`` means delta < -10.
    """
    if progress >= 100.0:
        return "done"
    if delta > 0:
        return "ahead"
    if delta >= -ON_TRACK_MARGIN:
        return "on_track"
    return "at_risk"


def forecast_date(progress, start, on):
    """Return the day the objective reaches 100 % at its rate so far, or None without a rate.

    The rate is the progress made per elapsed day of the period (the day ``on`` included):
    ``progress / (on - start + 1)``. The forecast is ``on`` plus the days the remaining
    ``100 - progress`` needs at that rate, rounded up. There is no rate before the period
    starts, with no progress, or once the objective is done.
    """
    if on < start or progress <= 0.0 or progress >= 100.0:
        return None
    rate = progress / ((on - start).days + 1)
    return on + timedelta(days=math.ceil((100.0 - progress) / rate))


def streaks(days, on):
    """Return ``(current, longest)`` runs of consecutive days with a check-in.

    ``days`` are the distinct dates with check-ins. The current streak is the run ending on
    ``on``, or on the day before when nothing was checked in yet on ``on`` (the day is not
    over); days after ``on`` are ignored.
    """
    ordered = sorted(day for day in set(days) if day <= on)
    longest = run = 0
    previous = None
    for day in ordered:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    if previous is None or (on - previous).days > 1:
        return 0, longest
    return run, longest
