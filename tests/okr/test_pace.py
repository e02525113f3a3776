"""Pace arithmetic, with hand-computed values."""

from datetime import date

import pytest

from okr_app.okr.pace import completion_date, expected_progress, pace_delta, pace_status
from okr_app.okr.streaks import streaks

Q4 = (date(2025, 10, 1), date(2025, 12, 31))  # 92 days


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2025, 9, 30), 0.0),  # the day before
        (date(2025, 10, 1), 100 / 92),  # first day counts once it is over
        (date(2025, 11, 15), 50.0),  # 46 of 92 days
        (date(2025, 12, 30), 9100 / 92),
        (date(2025, 12, 31), 100.0),  # last day
        (date(2026, 1, 1), 100.0),  # after
    ],
)
def test_expected_progress_in_a_quarter(on, expected):
    assert expected_progress(*Q4, on) == pytest.approx(expected)


def test_expected_progress_in_a_leap_year():
    assert expected_progress(date(2028, 1, 1), date(2028, 12, 31), date(2028, 12, 30)) == (
        pytest.approx(365 / 366 * 100)
    )


def test_expected_progress_in_a_leap_february():
    assert expected_progress(date(2028, 2, 1), date(2028, 2, 29), date(2028, 2, 28)) == (
        pytest.approx(28 / 29 * 100)
    )


@pytest.mark.parametrize(
    ("progress", "delta", "status"),
    [
        (100.0, -50.0, "done"),
        (40.0, 0.01, "ahead"),
        (40.0, 0.0, "on_track"),
        (40.0, -10.0, "on_track"),
        (40.0, -10.01, "at_risk"),
        (0.0, -100.0, "at_risk"),
        # As the answers show the delta, rounded to 2 decimals:
        (50.001, 0.001, "on_track"),
        (40.0, 0.005, "ahead"),
        (39.999, -10.001, "on_track"),
        (39.994, -10.006, "at_risk"),
    ],
)
def test_pace_status_boundaries(progress, delta, status):
    assert pace_status(progress, delta) == status


def test_forecast_from_the_rate_so_far():
    # 52 % in 46 days: 48 % more needs 48 / (52 / 46) = 42.46 days, so 43.
    assert completion_date(52.0, Q4[0], date(2025, 11, 15)) == date(2025, 12, 28)
    # 10 % on the first day: the other 90 % take 9 more days.
    assert completion_date(10.0, Q4[0], Q4[0]) == date(2025, 10, 10)


@pytest.mark.parametrize(
    ("progress", "on"),
    [(0.0, date(2025, 11, 1)), (100.0, date(2025, 11, 1)), (20.0, date(2025, 9, 1))],
)
def test_no_forecast_without_a_rate(progress, on):
    assert completion_date(progress, Q4[0], on) is None


def days(*numbers):
    """Return November 2025 dates."""
    return [date(2025, 11, number) for number in numbers]


@pytest.mark.parametrize(
    ("checked", "on", "current", "longest"),
    [
        ([], date(2025, 11, 15), 0, 0),
        (days(13, 14, 15), date(2025, 11, 15), 3, 3),
        (days(13, 14), date(2025, 11, 15), 2, 2),  # today not over yet
        (days(12, 13), date(2025, 11, 15), 0, 2),  # a whole day missed
        (days(1, 2, 3, 4, 10, 14, 15), date(2025, 11, 15), 2, 4),
        (days(14, 15, 16, 17), date(2025, 11, 15), 2, 2),  # after ``on`` ignored
        (days(15, 15, 15), date(2025, 11, 15), 1, 1),
    ],
)
def test_streaks(checked, on, current, longest):
    assert streaks(checked, on) == (current, longest)


def test_streak_across_a_month_boundary():
    checked = [date(2025, 10, 30), date(2025, 10, 31), date(2025, 11, 1)]
    assert streaks(checked, date(2025, 11, 1)) == (3, 3)


@pytest.mark.parametrize(
    ("progress", "expected", "delta"),
    [
        (50.004, 49.996, 0.0),  # both read 50.0: not ahead
        (40.004, 50.005, -10.01),  # 40.0 against 50.01: at risk, as the figures say
        (99.996, 100.0, -0.01),  # 99.99 short of done
        (100.0, 100.0, 0.0),
    ],
)
def test_the_delta_is_that_of_the_figures_as_answered(progress, expected, delta):
    assert pace_delta(progress, expected) == delta
