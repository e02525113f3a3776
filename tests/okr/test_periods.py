"""Periods: every accepted form, its dates, rejection of everything else, and elapsed share."""

from datetime import date

import pytest

from okr_app.okr import periods


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
        ("2026-H2", date(2026, 7, 1), date(2026, 12, 31)),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-01", date(2026, 1, 1), date(2026, 1, 31)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
        ("2026-04", date(2026, 4, 1), date(2026, 4, 30)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        ("1900", date(1900, 1, 1), date(1900, 12, 31)),
        ("2999-Q4", date(2999, 10, 1), date(2999, 12, 31)),
    ],
)
def test_bounds_of_every_form(period, start, end):
    assert periods.bounds(period) == (start, end)


@pytest.mark.parametrize(
    "period",
    [
        "",
        "26",
        "20260",
        "1899",
        "3000",
        "2026-",
        "2026-H0",
        "2026-H3",
        "2026-Q0",
        "2026-Q5",
        "2026-00",
        "2026-13",
        "2026-1",
        "2026-q1",
        "2026-h1",
        " 2026",
        "2026-Q1 ",
        "2026-Q1\n",
        "2026/Q1",
        "Q1-2026",
        "2026-W01",
        "٢٠٢٦",
        None,
        2026,
    ],
)
def test_anything_else_is_refused_with_the_accepted_forms(period):
    with pytest.raises(ValueError, match=r"YYYY .*YYYY-Hn .*YYYY-Qn .*YYYY-MM"):
        periods.bounds(period)


def test_pattern_agrees_with_bounds():
    import re

    pattern = re.compile(periods.PATTERN)
    for period in ("2026", "2026-H2", "2026-Q4", "2026-11"):
        assert pattern.match(period)
    for period in ("2026-Q5", "2026-13", "2026-h1"):
        assert not pattern.match(period)


def test_quarter_of_names_the_quarter_holding_a_day():
    """The first and last days of each quarter, and a day in between."""
    from datetime import date

    from okr_app.okr.periods import quarter_of

    assert quarter_of(date(2026, 1, 1)) == "2026-Q1"
    assert quarter_of(date(2026, 3, 31)) == "2026-Q1"
    assert quarter_of(date(2026, 4, 1)) == "2026-Q2"
    assert quarter_of(date(2026, 11, 25)) == "2026-Q4"
    assert quarter_of(date(2026, 12, 31)) == "2026-Q4"
