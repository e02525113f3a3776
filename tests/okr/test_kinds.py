"""The formulas of each kind of key result, by hand-computed examples and by properties."""

from datetime import date
from functools import partial

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from okr_app.okr.kinds import (
    BAND_TOLERANCE_DAYS,
    band_days_until_last,
    expected_kind_progress,
    in_band,
    kind_progress,
    milestone_progress,
    objective_expected_progress,
    stay_progress,
    stay_progress_from_sums,
    time_in_band,
    weighted_expected_progress,
)
from okr_app.okr.progress import key_result_progress

ABOVE_10 = partial(in_band, "stay_above", threshold=10)
# 2025-Q1: 90 days; 12 on Jan 1, 8 on Jan 31, 11 on Mar 2 (x in days since Jan 1).
ISSUE_EXAMPLE = [(0.0, 12), (30.0, 8), (60.0, 11)]

xs = st.floats(min_value=-30, max_value=120, allow_nan=False)
values = st.floats(min_value=-100, max_value=100, allow_nan=False)
histories = st.lists(st.tuples(xs, values), max_size=8).map(
    lambda points: sorted(points, key=lambda point: point[0])
)
period_days = st.sampled_from([28.0, 31.0, 90.0, 91.0, 92.0, 181.0, 365.0])
thresholds = st.floats(min_value=-50, max_value=50, allow_nan=False)


def test_the_issue_example_is_in_band_60_of_90_days():
    assert time_in_band(ISSUE_EXAMPLE, ABOVE_10, 90.0, 200.0) == (60.0, 90.0)
    assert stay_progress(ISSUE_EXAMPLE, ABOVE_10, 90.0, 200.0) == pytest.approx(66.6667, abs=1e-4)


def test_the_span_ends_now_while_the_period_runs():
    # On Feb 15 (x = 45): in band 30 of 45 days.
    assert stay_progress(ISSUE_EXAMPLE, ABOVE_10, 90.0, 45.0) == pytest.approx(200 / 3)
    # On Mar 12 (x = 70): 30 + 10 of 70 days.
    assert stay_progress(ISSUE_EXAMPLE, ABOVE_10, 90.0, 70.0) == pytest.approx(400 / 7)


def test_the_span_starts_with_the_first_value_or_the_period_start():
    # First value on day 10: the 10 days before it are not measured.
    assert time_in_band([(10.0, 12)], ABOVE_10, 90.0, 40.0) == (30.0, 30.0)
    # A value from before the period holds from the period start.
    assert time_in_band([(-5.0, 12), (30.0, 8)], ABOVE_10, 90.0, 60.0) == (30.0, 60.0)


def test_an_empty_span_gives_0():
    assert stay_progress([], ABOVE_10, 90.0, 50.0) == 0.0
    assert stay_progress([(50.0, 12)], ABOVE_10, 90.0, 50.0) == 0.0
    assert stay_progress([(100.0, 12)], ABOVE_10, 90.0, 120.0) == 0.0
    # A span shorter than the tolerance is empty too, whichever side the value is on.
    moments_later = 50.0 + BAND_TOLERANCE_DAYS / 10
    assert stay_progress([(50.0, 8)], ABOVE_10, 90.0, moments_later) == 0.0
    assert stay_progress([(50.0, 12)], ABOVE_10, 90.0, moments_later) == 0.0
    assert stay_progress_from_sums(0.0, 50.0, 50.0, False, 90.0, moments_later) == 0.0


def test_in_band_all_along_is_exactly_100_despite_rounding():
    # Days in band from Python, first and last x from SQL: 1e-10 days apart.
    first_x, last_x = 2.025694444444444, 45.5
    band_days = last_x - first_x - 1e-10
    progress = stay_progress_from_sums(band_days, first_x, last_x, True, 90.0, 45.5)
    assert progress == 100.0


def test_out_of_band_for_the_tolerance_or_longer_counts():
    points = [(0.0, 12), (10.0, 8), (10.0 + 2 * BAND_TOLERANCE_DAYS, 12)]
    assert stay_progress(points, ABOVE_10, 90.0, 20.0) < 100.0
    points = [(0.0, 12), (10.0, 8), (10.0 + BAND_TOLERANCE_DAYS / 2, 12)]
    assert stay_progress(points, ABOVE_10, 90.0, 20.0) == 100.0


def test_the_last_recorded_wins_a_tie():
    assert stay_progress([(0.0, 12), (0.0, 8)], ABOVE_10, 90.0, 90.0) == 0.0
    assert stay_progress([(0.0, 8), (0.0, 12)], ABOVE_10, 90.0, 90.0) == 100.0


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("stay_above", 10, True),  # equal to the threshold is in band
        ("stay_above", 9.99, False),
        ("stay_below", 10, True),
        ("stay_below", 10.01, False),
        ("stay_in_range", 2, True),
        ("stay_in_range", 5, True),
        ("stay_in_range", 1.99, False),
        ("stay_in_range", 5.01, False),
    ],
)
def test_band_boundaries_count_as_in_band(kind, value, expected):
    assert in_band(kind, value, threshold=10, range_min=2, range_max=5) is expected


@pytest.mark.parametrize(("value", "expected"), [(0, 0.0), (1, 100.0), (40, 0.0), (100, 0.0)])
def test_a_milestone_is_0_or_100(value, expected):
    assert milestone_progress(value) == expected
    assert kind_progress("milestone", 0, 1, value) == expected


def test_increase_and_decrease_as_before():
    assert kind_progress("increase", 0, 200, 50) == 25.0
    assert kind_progress("decrease", 10, 4, 7) == 50.0
    assert kind_progress("stay_above", 0, 1, 5, stay=40.0) == 40.0


@pytest.mark.parametrize(
    ("kind", "on", "due_on", "expected"),
    [
        ("increase", date(2025, 2, 1), None, 35.0),
        ("stay_below", date(2025, 1, 1), None, 100.0),
        ("milestone", date(2025, 2, 1), date(2025, 2, 1), 0.0),  # due today: not late yet
        ("milestone", date(2025, 2, 2), date(2025, 2, 1), 100.0),
        ("milestone", date(2025, 3, 31), None, 0.0),
        ("milestone", date(2025, 4, 1), None, 100.0),
    ],
)
def test_expected_progress_follows_the_kind(kind, on, due_on, expected):
    assert expected_kind_progress(kind, 35.0, on, due_on, date(2025, 3, 31)) == expected


@given(histories, thresholds, period_days, xs)
def test_stay_progress_lies_within_0_and_100(points, threshold, days, now_x):
    inside = partial(in_band, "stay_above", threshold=threshold)
    assert 0.0 <= stay_progress(points, inside, days, now_x) <= 100.0


@given(histories, thresholds, period_days, xs)
def test_the_stored_sums_give_the_same_progress(points, threshold, days, now_x):
    assume(not points or now_x >= points[-1][0])  # check-ins never lie in the future
    inside = partial(in_band, "stay_below", threshold=threshold)
    band_days = band_days_until_last(points, inside, days)
    first_x = points[0][0] if points else None
    last_x = points[-1][0] if points else None
    current = bool(points) and inside(points[-1][1])
    assert stay_progress_from_sums(
        band_days, first_x, last_x, current, days, now_x
    ) == pytest.approx(stay_progress(points, inside, days, now_x), abs=1e-9)


@given(histories, st.tuples(xs, values), thresholds, period_days, xs)
def test_an_in_band_check_in_never_lowers_progress(points, added, threshold, days, now_x):
    inside = partial(in_band, "stay_above", threshold=threshold)
    assume(inside(added[1]))
    before = stay_progress(points, inside, days, now_x)
    # Recorded last: it goes after the points of equal x.
    after = stay_progress(sorted([*points, added], key=lambda point: point[0]), inside, days, now_x)
    assert after >= before - 1e-9


@given(histories, st.tuples(xs, values), thresholds, period_days, xs)
def test_an_out_of_band_check_in_never_raises_progress(points, added, threshold, days, now_x):
    inside = partial(in_band, "stay_above", threshold=threshold)
    assume(not inside(added[1]))
    assume(points and added[0] >= points[0][0])  # an earlier one would start the span sooner
    before = stay_progress(points, inside, days, now_x)
    after = stay_progress(sorted([*points, added], key=lambda point: point[0]), inside, days, now_x)
    assert after <= before + 1e-9


@given(histories, thresholds, period_days, xs)
def test_stay_below_is_stay_above_mirrored(points, threshold, days, now_x):
    mirrored = [(x, -value) for x, value in points]
    below = partial(in_band, "stay_below", threshold=threshold)
    above = partial(in_band, "stay_above", threshold=-threshold)
    assert stay_progress(points, below, days, now_x) == stay_progress(mirrored, above, days, now_x)


@given(histories, period_days, xs)
def test_a_band_holding_every_value_gives_100_over_any_span(points, days, now_x):
    inside = partial(in_band, "stay_in_range", range_min=-100, range_max=100)
    _in_band, span = time_in_band(points, inside, days, now_x)
    expected = 100.0 if span >= BAND_TOLERANCE_DAYS else 0.0
    assert stay_progress(points, inside, days, now_x) == pytest.approx(expected)


@given(values, values, values)
def test_increase_and_its_mirrored_decrease_agree(start, target, current):
    assume(start < target)
    assert key_result_progress(start, target, current) == pytest.approx(
        key_result_progress(-start, -target, -current)
    )
    assert 0.0 <= kind_progress("increase", start, target, current) <= 100.0


def test_an_objectives_expected_progress_weighs_its_key_results_kinds():
    end = date(2025, 3, 31)
    items = [
        ("increase", None, 1.0),
        ("stay_above", None, 2.0),
        ("milestone", date(2025, 2, 1), 1.0),
    ]
    # On Feb 2: 35 for the increase, 100 for the stay, 100 for the late milestone.
    on = date(2025, 2, 2)
    assert weighted_expected_progress(items, 35.0, on, end) == pytest.approx((35 + 200 + 100) / 4)
    assert objective_expected_progress(35.0, 1.0, 3.0, 4.0) == pytest.approx((35 + 300) / 4)
    assert weighted_expected_progress([], 35.0, on, end) == 35.0
