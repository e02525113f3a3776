"""The grade of a closed objective and the mean grade of a period, by hand."""

import pytest

from okr_app.okr.grades import average_grade, grade


@pytest.mark.parametrize(
    ("progress", "expected"),
    [
        (0.0, 0.0),
        (100.0, 1.0),
        (62.4, 0.62),
        (62.5, 0.63),  # halves go up, not to the even neighbour
        (22.5, 0.23),
        (62.49999999999999, 0.63),  # a weighted mean's rounding error does not cost a point
        (62.4999, 0.63),  # answered as 62.5, it grades as 62.5 does
        (52.496, 0.53),
        (62.494, 0.62),
        (0.49, 0.0),
        (99.5, 1.0),
        (33.333333333333336, 0.33),
    ],
)
def test_grade_is_progress_over_100_to_two_decimals(progress, expected):
    assert grade(progress) == expected


def test_average_grade():
    assert average_grade([]) is None
    assert average_grade([0.63, 0.23]) == 0.43
    assert average_grade([1.0, 0.5, 0.2]) == 0.57  # 0.5666...
    assert average_grade(iter([0.0])) == 0.0
