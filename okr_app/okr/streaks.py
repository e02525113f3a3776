"""Check-in streaks: runs of consecutive days with at least one check-in."""

from datetime import timedelta


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
