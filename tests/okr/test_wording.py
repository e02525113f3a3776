"""How numbers, percentages and a key result's standing read for people."""

import pytest

from okr_app.okr import wording


def test_numbers_are_written_as_people_write_them():
    """Thousands separated, no trailing zeros, percentages with one decimal."""
    assert wording.number(2600.0) == "2,600"
    assert wording.number(0.126) == "0.13"
    assert wording.number(1.5) == "1.5"
    assert wording.number(None) == "-"
    # Below 1, two significant digits: never 0 for a value that is not, nor 0.01 for 0.005.
    assert [wording.number(value) for value in (0.004, 0.005, -0.0123, 0.5, 1e-15)] == [
        "0.004",
        "0.005",
        "-0.012",
        "0.5",
        "0",
    ]
    assert (wording.percent(99.96), wording.percent(99.94)) == ("99.9 %", "99.9 %")
    # A stated value keeps every digit it was given.
    assert [wording.exact(value) for value in (99.999, 2600.0, 0.3, -1234.5, 0)] == [
        "99.999",
        "2,600",
        "0.3",
        "-1,234.5",
        "0",
    ]
    assert [wording.exact(value) for value in (0.000001, 1e-7, 1e15, None)] == [
        "0.000001",
        "1e-07",
        "1,000,000,000,000,000",
        "-",
    ]
    # Near the API's limit of 1e15 too, and just short of a round number.
    assert [
        wording.exact(value) for value in (100000000000000.5, 123456789012345.67, 999999999999.9999)
    ] == ["100,000,000,000,000.5", "123,456,789,012,345.67", "999,999,999,999.9999"]
    assert wording.percent(100.0) == "100 %"
    assert wording.percent(40.0) == "40 %"
    assert wording.percent(60.8696) == "60.9 %"
    # Halves up, as the API rounds: 12.25 is no 12.2 on one side and 12.25 on the other.
    assert (wording.percent(12.25), wording.percent(0.05)) == ("12.3 %", "0.1 %")


@pytest.mark.parametrize(
    ("item", "read"),
    [
        (
            {
                "kind": "increase",
                "current_value": 1312345.678,
                "metric": "users",
                "start_value": 0,
                "target_value": 2e6,
                "in_band": None,
            },
            "1,312,345.678 users: from 0 to 2,000,000",
        ),
        (
            {
                "kind": "stay_above",
                "current_value": 0,
                "metric": "%",
                "threshold": 99.5,
                "in_band": None,
            },
            "no value yet: stay at or above 99.5",
        ),
        (
            {
                "kind": "stay_in_range",
                "current_value": 7,
                "metric": "h",
                "range_min": 6,
                "range_max": 8,
                "in_band": True,
            },
            "7 h: stay from 6 to 8",
        ),
        (
            {
                "kind": "milestone",
                "current_value": 0,
                "metric": "people",
                "due_on": None,
                "in_band": None,
            },
            "milestone, not done yet",
        ),
    ],
)
def test_a_standing_reads_by_kind(item, read):
    """A milestone is done or not, never "0 people"; a stay with no value says so."""
    assert wording.standing(item) == read


def test_an_axis_speaks_one_unit():
    """The largest value of the axis sets the unit of every label."""
    ticks = (9_000, 9_500, 10_000, 10_500, 11_000)
    assert [wording.compact(value, 11_000) for value in ticks] == [
        "9K",
        "9.5K",
        "10K",
        "10.5K",
        "11K",
    ]
    assert [wording.compact(value, -12_500) for value in (-10_000, -5_000, 0)] == [
        "-10K",
        "-5K",
        "0",
    ]


def test_axis_labels_are_short_from_ten_thousand():
    values = (0, 9_999, 10_000, 12_500, 2_500_000, -12_500, 3e9, 1e15, 0.0012)
    assert [wording.compact(value) for value in values] == [
        "0",
        "9,999",
        "10K",
        "12.5K",
        "2.5M",
        "-12.5K",
        "3B",
        "1,000T",
        "0.0012",
    ]
