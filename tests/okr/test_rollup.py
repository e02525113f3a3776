"""Nesting periods, moving them, and the rolled-up progress, by hand-computed values."""

import pytest

from okr_app.okr.rollup import (
    months_between,
    period_contains,
    period_months,
    rolled_up_progress,
    shifted_period,
)


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("2026", "2026-Q4", True),
        ("2026", "2026", True),
        ("2026-H2", "2026-07", True),
        ("2026-H1", "2026-Q3", False),
        ("2026-Q1", "2026", False),
        ("2025", "2026-01", False),
    ],
)
def test_period_contains(outer, inner, expected):
    assert period_contains(outer, inner) is expected


def test_rolled_up_progress_weighs_key_results_and_children():
    # (40 * 2 + 100 * 3 + 25 * 1) / 6 = 67.5
    assert rolled_up_progress([(40.0, 2.0)], [(100.0, 3.0), (25.0, 1.0)]) == 67.5
    assert rolled_up_progress([], [(30.0, 1.0)]) == 30.0
    assert rolled_up_progress([], []) == 0.0


@pytest.mark.parametrize(
    ("period", "months", "expected"),
    [
        ("2026-Q3", 12, "2027-Q3"),
        ("2026-Q2", 6, "2026-Q4"),
        ("2026-03", 6, "2026-09"),
        ("2026-11", 3, "2027-02"),
        ("2026-H2", 12, "2027-H2"),
        ("2026", -12, "2025"),
    ],
)
def test_shifted_period(period, months, expected):
    assert shifted_period(period, months) == expected


def test_a_period_moves_only_by_whole_lengths():
    with pytest.raises(ValueError):
        shifted_period("2026-Q1", 1)
    with pytest.raises(ValueError):
        shifted_period("2999-Q4", 3)


def test_lengths_and_distances():
    assert [period_months(p) for p in ("2026", "2026-H1", "2026-Q1", "2026-01")] == [12, 6, 3, 1]
    assert months_between("2026-Q1", "2027-Q2") == 15
