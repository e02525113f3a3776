"""Progress arithmetic, with hand-computed values and properties over many inputs."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from okr_app.okr.progress import (
    key_result_progress,
    objective_progress,
    value_for_progress,
)

LIMIT = 1e15
values = st.floats(min_value=-LIMIT, max_value=LIMIT, allow_nan=False)
percentages = st.floats(min_value=0, max_value=100, allow_nan=False)


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [
        (0, 100, 0, 0),
        (0, 100, 25, 25),
        (0, 100, 100, 100),
        (0, 100, 150, 100),
        (0, 100, -10, 0),
        (10, 20, 12.5, 25),
        (-50, 50, 0, 50),
        # Decreasing metrics: target below start.
        (100, 0, 100, 0),
        (100, 0, 75, 25),
        (100, 0, 0, 100),
        (100, 0, -5, 100),
        (100, 0, 120, 0),
        (4.0, 2.5, 3.7, 20),
    ],
)
def test_key_result_progress(start, target, current, expected):
    assert key_result_progress(start, target, current) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("start", "target", "progress", "expected"),
    [(0, 100, 40, 40), (10, 20, 25, 12.5), (100, 0, 25, 75), (4.0, 2.5, 20, 3.7)],
)
def test_value_for_progress(start, target, progress, expected):
    assert value_for_progress(start, target, progress) == pytest.approx(expected)


def test_objective_progress_is_the_weighted_mean():
    assert objective_progress([(50, 1), (100, 1)]) == pytest.approx(75)
    assert objective_progress([(0, 3), (100, 1)]) == pytest.approx(25)
    assert objective_progress([(40, 0.5), (70, 1.5)]) == pytest.approx(62.5)
    assert objective_progress(iter([(30, 2)])) == pytest.approx(30)


def test_objective_progress_without_key_results_is_zero():
    assert objective_progress([]) == 0


@given(st.lists(st.floats(min_value=0.001, max_value=1000), min_size=1, max_size=20))
def test_every_key_result_at_100_is_exactly_100(weights):
    assert objective_progress([(100.0, weight) for weight in weights]) == 100.0


@given(values, values, values)
def test_progress_stays_within_0_and_100(start, target, current):
    assume(start != target)
    assert 0 <= key_result_progress(start, target, current) <= 100


@given(values, values, percentages)
def test_value_for_progress_is_the_inverse(start, target, progress):
    assume(abs(target - start) > 1e-6 * max(abs(start), abs(target), 1))
    value = value_for_progress(start, target, progress)
    assert key_result_progress(start, target, value) == pytest.approx(progress, abs=1e-6)


@given(values, values, values, values)
def test_moving_towards_the_target_never_lowers_progress(start, target, first, second):
    assume(start != target)
    # Order the two values so that ``second`` lies further in the target's direction
    # (comparisons, not a product of differences, which can underflow to zero).
    if (second < first) == (target > start):
        first, second = second, first
    assert key_result_progress(start, target, second) >= key_result_progress(start, target, first)


@given(values, values, values)
def test_a_decreasing_metric_mirrors_an_increasing_one(start, target, current):
    assume(start != target)
    assert key_result_progress(-start, -target, -current) == pytest.approx(
        key_result_progress(start, target, current)
    )


@given(st.lists(st.tuples(percentages, st.floats(min_value=0.001, max_value=1000)), max_size=20))
def test_objective_progress_lies_between_its_key_results(pairs):
    result = objective_progress(pairs)
    if not pairs:
        assert result == 0
    else:
        progresses = [progress for progress, _weight in pairs]
        assert min(progresses) - 1e-9 <= result <= max(progresses) + 1e-9
