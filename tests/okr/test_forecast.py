"""Forecast arithmetic: least squares, the projection, the required rate, by hand."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr_app.okr.forecast import (
    TrendSums,
    forecast,
    linear_trend,
    missing_history,
    objective_projection,
    required_rate,
)


def sums_of(points):
    """Return the TrendSums of ``(x, y)`` points."""
    xs = [x for x, _ in points]
    return TrendSums(
        count=len(points),
        sum_x=sum(xs),
        sum_y=sum(y for _, y in points),
        sum_xy=sum(x * y for x, y in points),
        sum_xx=sum(x * x for x in xs),
        first_x=min(xs),
        last_x=max(xs),
    )


def test_linear_trend_by_hand():
    # n 3, Σx 3, Σy 15, Σxy 22, Σx² 5: slope (22 - 15) / (5 - 3) = 3.5, intercept (15 - 10.5) / 3
    assert linear_trend(sums_of([(0, 2), (1, 4), (2, 9)])) == pytest.approx((3.5, 1.5))
    # A decreasing series: Σx 30, Σy 126, Σxy 1120, Σx² 500: slope -140 / 200, intercept 49
    assert linear_trend(sums_of([(0, 50), (10, 40), (20, 36)])) == pytest.approx((-0.7, 49))


@given(
    slope=st.floats(-1e3, 1e3),
    intercept=st.floats(-1e6, 1e6),
    xs=st.lists(st.floats(-400, 400), min_size=2, max_size=20, unique=True),
)
def test_points_on_a_line_give_back_that_line(slope, intercept, xs):
    if max(xs) - min(xs) < 1:
        xs = [*xs, min(xs) + 1]
    fitted = linear_trend(sums_of([(x, intercept + slope * x) for x in xs]))
    assert fitted == pytest.approx((slope, intercept), rel=1e-6, abs=1e-3)


def test_missing_history_needs_two_check_ins_over_a_day():
    assert missing_history(None).startswith("No check-ins yet")
    assert missing_history(sums_of([(3, 1)])).startswith("Only 1 check-in")
    assert missing_history(sums_of([(3, 1), (3.9, 2)])).startswith("The check-ins span less")
    assert missing_history(sums_of([(3, 1), (4, 2)])) is None


def test_required_rate():
    assert required_rate(0, 100, 9, 10) == pytest.approx(9.1)  # (100 - 9) / 10
    assert required_rate(50, 10, 36, 15) == pytest.approx(-26 / 15)  # decreasing
    assert required_rate(0, 100, 120, 10) == 0.0  # reached already
    assert required_rate(50, 10, 5, 10) == 0.0
    assert required_rate(0, 100, 9, 0) is None  # the period is over
    assert required_rate(0, 100, 9, -3.5) is None


def test_forecast_projects_to_the_end_of_the_period():
    sums = sums_of([(0, 50), (10, 40), (20, 36)])  # y = 49 - 0.7 x
    result = forecast(sums, start=50, target=10, current=36, period_days=30, days_left=15)
    assert result == pytest.approx(
        {
            "projected_value": 28.0,  # 49 - 21
            "projected_progress": 55.0,  # (28 - 50) / (10 - 50)
            "required_rate": -26 / 15,
            "trend_per_day": -0.7,
        }
    )
    beyond = forecast(sums, start=50, target=10, current=36, period_days=60, days_left=0)
    assert beyond["projected_value"] == pytest.approx(7.0)
    assert beyond["projected_progress"] == 100.0  # clamped
    assert beyond["required_rate"] is None
    assert (
        forecast(sums_of([(0, 1)]), start=0, target=1, current=1, period_days=9, days_left=1)
        is None
    )


def test_objective_projection_is_weighted():
    with_forecast = {"projected_progress": 31.65}
    # (1 * 31.65 + 3 * 50) / 4: the key result without forecast stays at its 50 %.
    assert objective_projection([(with_forecast, 20.0, 1), (None, 50.0, 3)]) == pytest.approx(
        45.4125
    )
    assert objective_projection([(None, 50.0, 3)]) is None
    assert objective_projection([]) is None
