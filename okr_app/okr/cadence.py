"""Check-in cadence: when a key result is due, overdue or stale, and its pace status.

An objective may ask for a check-in every ``every_days`` days. Each of its key results is
then due ``every_days`` after its latest check-in (or its creation, before any), counted
from no earlier than its period's first moment; it is overdue once that moment has passed,
and stale once it has passed by ``stale_after_days`` more. Only active objectives whose
period has started and not ended have due key results, so a due moment after the period's
last day is never listed; a milestone that is done is never due.
"""

from datetime import timedelta

from okr_app.okr.pace import expected_progress, pace_delta, pace_status
from okr_app.okr.periods import first_moment

#: The pace status of a stale key result, whatever its progress.
STALE = "stale"
SECONDS_PER_DAY = 86400


def in_cadence(status, start_date, end_date, now):
    """Tell whether an objective's key results can be due: active, and its period current."""
    return status == "active" and start_date <= now.date() <= end_date


def due_at(every_days, last_check_in_at, created_at, start_date):
    """Return the anchor + ``every_days`` days, or None without a cadence.

    The anchor is ``last_check_in_at or created_at``, but never before the period's first
    moment: a key result created in advance cannot be checked in before its period starts.
    """
    if every_days is None:
        return None
    anchor = max(last_check_in_at or created_at, first_moment(start_date))
    return anchor + timedelta(days=every_days)


def falls_in_period(due, end_date):
    """Tell whether the due moment ``due`` comes before the end of the period's last day (UTC).

    A later one never becomes due: once it passes, the period is over.
    """
    return due < first_moment(end_date + timedelta(days=1))


def due_seconds(every_days, anchor_seconds):
    """Return ``due_at`` in seconds since the epoch: ``anchor_seconds + every_days`` days.

    The statistics call it on column expressions, as the SQL twin of ``due_at``.
    """
    return anchor_seconds + every_days * SECONDS_PER_DAY


def is_overdue(due, now):
    """Tell whether ``now`` is past the due moment ``due`` (None: never)."""
    return due is not None and now > due


def is_stale(due, now, stale_after_days):
    """Tell whether ``now`` is past ``due`` by more than ``stale_after_days`` days."""
    return due is not None and now > due + timedelta(days=stale_after_days)


def key_result_due(objective, last_check_in_at, created_at, now, stale_after_days, *, done=False):
    """Return ``(due_at, overdue, stale)`` of a key result of ``objective`` at ``now``.

    ``objective`` maps ``status``, ``start_date``, ``end_date`` and
    ``check_in_every_days``; outside an active, current objective nothing is due, and
    nothing of a milestone ``done`` (``okr.kinds.finished``): it has nothing more to report
    unless it is checked in as not done again.
    """
    every_days = objective["check_in_every_days"]
    if (
        done
        or every_days is None
        or not in_cadence(objective["status"], objective["start_date"], objective["end_date"], now)
    ):
        return None, False, False
    due = due_at(every_days, last_check_in_at, created_at, objective["start_date"])
    return due, is_overdue(due, now), is_stale(due, now, stale_after_days)


def key_result_pace_status(progress, start_date, end_date, on, stale, *, expected=None):
    """Return a key result's pace status on day ``on``: ``stale``, or as an objective's.

    ``done``, ``ahead``, ``on_track`` or ``at_risk`` compare its progress with ``expected``
    (by default the share of the period elapsed, ``okr_app.okr.pace``; see
    ``okr_app.okr.kinds.expected_kind_progress`` for the other kinds); a stale key result is
    ``stale`` whatever its progress, since nobody has confirmed it for longer than the
    cadence allows.
    """
    if stale:
        return STALE
    if expected is None:
        expected = expected_progress(start_date, end_date, on)
    return pace_status(progress, pace_delta(progress, expected))


def turned_off_track(previous, current):
    """Tell whether a pace status turned ``at_risk`` from a better one (not from unknown)."""
    return current == "at_risk" and previous in ("done", "ahead", "on_track")
