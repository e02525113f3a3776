"""Cadence rules, with hand-computed values."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr_app.okr.cadence import (
    due_at,
    due_seconds,
    falls_in_period,
    is_overdue,
    is_stale,
    key_result_due,
    key_result_pace_status,
    turned_off_track,
)

CREATED = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
CHECKED_IN = datetime(2026, 1, 8, 18, 30, tzinfo=UTC)
Q1 = {"status": "active", "start_date": date(2026, 1, 1), "end_date": date(2026, 3, 31)}


def test_due_counts_from_the_latest_check_in_or_the_creation():
    start = Q1["start_date"]
    assert due_at(7, None, CREATED, start) == datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
    assert due_at(7, CHECKED_IN, CREATED, start) == datetime(2026, 1, 15, 18, 30, tzinfo=UTC)
    assert due_at(None, CHECKED_IN, CREATED, start) is None


def test_due_counts_from_no_earlier_than_the_period_start():
    created_before = datetime(2025, 12, 20, 10, 0, tzinfo=UTC)
    assert due_at(7, None, created_before, date(2026, 1, 1)) == datetime(2026, 1, 8, tzinfo=UTC)


def test_a_due_moment_falls_in_the_period_until_its_last_day_ends():
    end = Q1["end_date"]
    assert falls_in_period(datetime(2026, 3, 31, 23, 59, tzinfo=UTC), end)
    assert not falls_in_period(datetime(2026, 4, 1, tzinfo=UTC), end)


def test_overdue_strictly_after_and_stale_after_the_grace_days():
    due = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
    assert not is_overdue(due, due)
    assert is_overdue(due, due + timedelta(microseconds=1))
    assert not is_stale(due, due + timedelta(days=3), 3)
    assert is_stale(due, due + timedelta(days=3, seconds=1), 3)
    assert not is_overdue(None, due) and not is_stale(None, due, 3)


@pytest.mark.parametrize(
    ("objective", "now", "expected"),
    [
        ({**Q1, "check_in_every_days": 7}, datetime(2026, 1, 12, 9, tzinfo=UTC), (False, False)),
        ({**Q1, "check_in_every_days": 7}, datetime(2026, 1, 12, 11, tzinfo=UTC), (True, False)),
        ({**Q1, "check_in_every_days": 7}, datetime(2026, 1, 15, 11, tzinfo=UTC), (True, True)),
        # Not active, not in its period, no cadence: nothing is due.
        (
            {**Q1, "status": "completed", "check_in_every_days": 7},
            datetime(2026, 2, 1, tzinfo=UTC),
            None,
        ),
        ({**Q1, "check_in_every_days": 7}, datetime(2026, 4, 1, tzinfo=UTC), None),
        ({**Q1, "check_in_every_days": None}, datetime(2026, 2, 1, tzinfo=UTC), None),
    ],
)
def test_key_result_due(objective, now, expected):
    due, overdue, stale = key_result_due(objective, None, CREATED, now, 3)
    if expected is None:
        assert (due, overdue, stale) == (None, False, False)
    else:
        assert due == datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
        assert (overdue, stale) == expected


def test_a_stale_key_result_is_stale_whatever_its_progress():
    start, end = Q1["start_date"], Q1["end_date"]
    assert key_result_pace_status(100.0, start, end, date(2026, 2, 1), True) == "stale"
    assert key_result_pace_status(100.0, start, end, date(2026, 2, 1), False) == "done"
    # 1 February: 32 of 90 days expect 35.56; 30 is within 10 points, 20 is not.
    assert key_result_pace_status(30.0, start, end, date(2026, 2, 1), False) == "on_track"
    assert key_result_pace_status(20.0, start, end, date(2026, 2, 1), False) == "at_risk"
    assert key_result_pace_status(40.0, start, end, date(2026, 2, 1), False) == "ahead"


def test_off_track_is_a_turn_to_at_risk_from_better():
    for better in ("done", "ahead", "on_track"):
        assert turned_off_track(better, "at_risk")
    for previous in (None, "at_risk", "stale"):
        assert not turned_off_track(previous, "at_risk")
    assert not turned_off_track("on_track", "stale")


@given(
    st.integers(min_value=1, max_value=92),
    st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2999, 1, 1)),
)
def test_due_seconds_is_due_at_in_seconds(every_days, anchor):
    anchor = anchor.replace(tzinfo=UTC)
    expected = due_at(every_days, anchor, CREATED, date(1970, 1, 1)).timestamp()
    assert due_seconds(every_days, anchor.timestamp()) == pytest.approx(expected, abs=1e-6)
