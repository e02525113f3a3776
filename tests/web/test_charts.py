"""The charts' geometry: scales, ticks, the calendar's shading and layout, number formats."""

import re
import threading
from datetime import date, timedelta

from okr_app.web.charts import calendar, numeric
from okr_app.web.charts.scale import Scale, nice_ticks, padded
from tests.factories import create_key_result, create_objective


def test_a_scale_maps_the_domain_onto_the_range_either_way():
    """Low maps to start and high to end, also for an inverted (SVG y) range."""
    y = Scale(0, 100, 240, 16)
    assert (y(0), y(100), y(50)) == (240, 16, 128)
    assert Scale(5, 5, 0, 10)(5) == 5  # an empty domain is widened, never divided by 0


def test_ticks_are_round_and_cover_the_domain():
    """Steps of 1, 2 or 5 times a power of ten."""
    assert nice_ticks(0, 100) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0.9, 5.2) == [1, 2, 3, 4, 5]
    assert nice_ticks(-3, 3) == [-2, 0, 2]
    assert padded([0, 100]) == (-8.0, 108.0)


def test_the_calendar_shades_days_by_their_check_ins():
    """None, 1, 2 to 3, 4 to 6 and 7 or more check-ins: five levels."""
    assert [calendar.level(count) for count in (0, 1, 2, 3, 4, 6, 7, 40)] == [
        0,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
    ]


def test_the_calendar_has_a_column_per_week_and_a_row_per_weekday():
    """A Monday starts the first column; the last day sits in its weekday's row."""
    first = date(2026, 1, 5)  # a Monday
    today = first + timedelta(days=15)  # Tuesday of the third week
    drawn = calendar.draw({today: 3}, first, today)
    squares = re.findall(r'<rect class="heat-(\d)" x="(\d+)" y="(\d+)"', drawn["markup"])
    assert len(squares) == 16
    step = calendar.CELL + calendar.GAP
    assert squares[0] == ("0", str(calendar.LEFT), str(calendar.TOP))
    assert squares[-1] == ("2", str(calendar.LEFT + 2 * step), str(calendar.TOP + step))
    assert "<title>2026-01-20: 3 check-ins</title>" in drawn["markup"]
    assert "<title>2026-01-19: 0 check-ins</title>" in drawn["markup"]
    assert drawn["width"] == calendar.LEFT + 3 * step


def test_a_calendar_starting_midweek_puts_each_day_in_its_weekday_row():
    """A first day that is not a Monday starts in its weekday's row; Monday opens a column."""
    first = date(2026, 1, 8)  # a Thursday
    drawn = calendar.draw({first: 1}, first, first + timedelta(days=4))
    squares = re.findall(r'x="(\d+)" y="(\d+)"', drawn["markup"])
    step = calendar.CELL + calendar.GAP
    places = [
        ((int(x) - calendar.LEFT) // step, (int(y) - calendar.TOP) // step) for x, y in squares
    ]
    assert places == [(0, 3), (0, 4), (0, 5), (0, 6), (1, 0)]
    # Wide enough for its weeks, and for the label of the month they start.
    assert drawn["width"] == max(calendar.LEFT + 2 * step, calendar.LEFT + calendar.MONTH_LABEL)
    assert "<title>2026-01-08: 1 check-in</title>" in drawn["markup"]


def within(seconds, function, *args):
    """Return ``function(*args)``, failing the test if it takes longer than ``seconds``."""
    result = []
    thread = threading.Thread(target=lambda: result.append(function(*args)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{function.__name__} still runs after {seconds} s"
    return result[0]


def test_ticks_end_where_the_step_is_below_the_floats_spacing():
    """Around 5e14 floats lie 0.0625 apart: a tick step of 0.01 must not stand still."""
    ticks = within(5, nice_ticks, *padded([5e14, 5e14 + 0.0625]))
    assert 1 <= len(ticks) <= 6  # count + 1 at most
    assert ticks == sorted(set(ticks))
    assert all(5e14 - 1 <= tick <= 5e14 + 1 for tick in ticks)


def test_a_chart_of_huge_values_a_hair_apart_is_drawn(client, auth):
    """The key result's page and its share link answer: a chart never spins."""
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    create_key_result(
        client, headers, objective["id"], start_value=5e14, target_value=500000000000000.0625
    )
    link = client.post(f"/objectives/{objective['id']}/share", headers=headers, json={})
    path = link.get_json()["url"].removeprefix("http://localhost")
    assert within(20, client.get, path).status_code == 200


def test_the_last_months_label_fits_in_the_calendar():
    """December starting in the last week still has room for "Dec" at the right edge."""
    first = date(2026, 11, 2)  # a Monday
    drawn = calendar.draw({}, first, date(2026, 12, 1))
    last = drawn["months"][-1]
    assert last["label"] == "Dec"
    assert drawn["width"] >= last["x"] + calendar.MONTH_LABEL


def _axis(client, web, start, target):
    """Return the plot's left edge and the value axis's labels of a new key result's chart."""
    objective_id = web.create_objective(
        **{
            "key_results-0-title": "Reach",
            "key_results-0-metric": "people",
            "key_results-0-start_value": start,
            "key_results-0-target_value": target,
        }
    )
    page = client.get(f"/app/objectives/{objective_id}").text
    html = client.get(re.search(r'href="(/app/key-results/\d+)"', page).group(1)).text
    left = float(re.search(r'<clipPath id="plot-area-1"><rect x="([\d.]+)"', html).group(1))
    labels = re.findall(rf'<text x="{left - 6:g}" y="[\d.]+" text-anchor="end">([^<]+)<', html)
    return left, labels


def test_large_values_are_labelled_short_and_the_labels_fit(client, web):
    """10,000,000 reads 10M on the axis; the plot starts right of the longest label."""
    web.user()
    left, labels = _axis(client, web, "-12500", "10000000")
    assert (left, labels) == (numeric.LEFT, ["0", "5M", "10M"])
    left, labels = _axis(client, web, "-0.0125", "-0.0005")
    assert labels == ["-0.01", "-0.005", "0"]
    assert left == numeric.GAP + numeric.CHARACTER * len("-0.005") > numeric.LEFT
    # One unit on one axis: 9,500 beside 11,000 reads 9.5K beside 11K.
    _left, labels = _axis(client, web, "9000", "11000")
    assert labels == ["9K", "9.5K", "10K", "10.5K", "11K"]
    # Ticks a thousand apart at 2.5 million would all read 2.5M: written in full instead.
    _left, labels = _axis(client, web, "2500000", "2504000")
    assert labels == ["2,500,000", "2,501,000", "2,502,000", "2,503,000", "2,504,000"]


def test_ticks_that_round_alike_keep_every_digit():
    """An uptime goal's 99.99, 99.995 and 100 must not read 99.99, 100 and 100."""
    labelled = numeric._labelled([99.99, 99.995, 100.0])
    assert [label for _value, label in labelled] == ["99.99", "99.995", "100"]
