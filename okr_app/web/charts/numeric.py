"""The chart of a numeric key result: its value over the period.

Check-ins as a step line and today; for increase and decrease the expected line from
start to target over the period, the least-squares forecast from the last check-in to the
period end and the target; for stay_above and stay_below the threshold, for stay_in_range
the band; for a milestone its due day and a marker where it was done.
"""

from datetime import timedelta

from okr_app.okr.forecast import linear_trend, missing_history, stored_trend
from okr_app.okr.kinds import DIRECTIONAL, DONE, MILESTONE, NOT_DONE, STAY_IN_RANGE, is_done
from okr_app.okr.periods import first_moment
from okr_app.okr.wording import compact, exact, number
from okr_app.web.charts.scale import Scale, nice_ticks, padded

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 40
#: The width of a label's character at the phone's 20 px (``app.css``), and the gap to the plot.
CHARACTER, GAP = 12, 10


def draw(key_result, objective, check_ins, now):
    """Return the figures of the chart: paths, ticks, labels and the summary in words."""
    start = first_moment(objective.start_date)
    end = first_moment(objective.end_date + timedelta(days=1))
    first = min([start, *(item.at for item in check_ins)])
    last = max([end, *(item.at for item in check_ins)])
    directional = key_result.kind in DIRECTIONAL
    trend = _trend(key_result, start, end) if directional else None
    # The forecast may run far off the range: it is clipped to the plot, its value is in words.
    values = [*_defining_values(key_result), *(i.value for i in check_ins)]
    low, high = padded(values)
    if key_result.kind == MILESTONE:
        y_ticks = [(NOT_DONE, "not done"), (DONE, "done")]
    else:
        y_ticks = _labelled(nice_ticks(low, high))
    # The labels fit left of the plot however long (-12.5K, 0.0012), at the phone's size too.
    left = max(LEFT, GAP + CHARACTER * max(len(label) for _value, label in y_ticks))
    x = Scale(first.timestamp(), last.timestamp(), left, WIDTH - RIGHT)
    y = Scale(low, high, HEIGHT - BOTTOM, TOP)
    return {
        "template": "charts/numeric.svg",
        "width": WIDTH,
        "height": HEIGHT,
        "plot": {"left": left, "right": WIDTH - RIGHT, "top": TOP, "bottom": HEIGHT - BOTTOM},
        "steps": _steps(check_ins, x, y, min(now, last)),
        "points": [
            {"x": x(item.at.timestamp()), "y": y(item.value), "value": item.value, "at": item.at}
            for item in check_ins
        ],
        "kind": key_result.kind,
        "expected": {
            "x1": x(start.timestamp()),
            "y1": y(key_result.start_value),
            "x2": x(end.timestamp()),
            "y2": y(key_result.target_value),
        }
        if directional
        else None,
        "forecast": _forecast_line(trend, x, y),
        "target_y": y(key_result.target_value) if directional else None,
        "threshold_y": None if key_result.threshold is None else y(key_result.threshold),
        "band": _band(key_result, y),
        "due_x": _due_x(key_result, x, first, last),
        "done": _done_marker(key_result, check_ins, x, y),
        "today_x": x(now.timestamp()) if first <= now <= last else None,
        "y_ticks": [{"y": y(value), "label": label} for value, label in y_ticks],
        "x_ticks": _date_ticks(first, last, x),
        "trend": trend,
    }


def _labelled(ticks):
    """Return ``(value, label)`` of the ticks: short in one unit (2.5M), unless two read the same.

    2,500,000 and 2,501,000 both read 2.5M: then every label is written in full, and if
    99.995 and 100 still read the same, with all the digits the ticks have.
    """
    largest = max(abs(value) for value in ticks)
    labels = [compact(value, largest) for value in ticks]
    for write in (number, exact):  # in full, then with every digit the ticks have
        if len(set(labels)) == len(labels):
            break
        labels = [write(value) for value in ticks]
    return list(zip(ticks, labels, strict=True))


def _defining_values(key_result):
    """Return the values the chart must show by kind: start and target, threshold, band."""
    if key_result.kind in DIRECTIONAL:
        return [key_result.start_value, key_result.target_value]
    if key_result.kind == STAY_IN_RANGE:
        return [key_result.range_min, key_result.range_max]
    if key_result.kind == MILESTONE:
        return [NOT_DONE, DONE]
    return [key_result.threshold]


def _band(key_result, y):
    """Return the band of a stay_in_range key result as its top and height, else None."""
    if key_result.kind != STAY_IN_RANGE:
        return None
    top = y(key_result.range_max)
    return {"y": top, "height": max(y(key_result.range_min) - top, 1.0)}


def _due_x(key_result, x, first, last):
    """Return the x of a milestone's due day (its end), or None."""
    if key_result.kind != MILESTONE or key_result.due_on is None:
        return None
    due = first_moment(key_result.due_on + timedelta(days=1))
    return x(due.timestamp()) if first <= due <= last else None


def _done_marker(key_result, check_ins, x, y):
    """Return where a milestone was done (its latest check-in saying so, if it is done)."""
    if key_result.kind != MILESTONE or not check_ins or not is_done(check_ins[-1].value):
        return None
    since = check_ins[-1]
    for item in reversed(check_ins):
        if not is_done(item.value):
            break
        since = item
    return {"x": x(since.at.timestamp()), "y": y(DONE), "at": since.at}


def _trend(key_result, start, end):
    """Return the forecast line's two ends (last check-in, period end), or None without one."""
    sums = stored_trend(key_result)
    if missing_history(sums) is not None:
        return None
    slope, intercept = linear_trend(sums)
    period_days = (end - start).total_seconds() / 86400.0
    return {
        "from_day": sums.last_x,
        "from_value": intercept + slope * sums.last_x,
        "end_day": period_days,
        "end_value": intercept + slope * period_days,
        "start": start,
    }


def _forecast_line(trend, x, y):
    """Return the forecast's line in coordinates, or None."""
    if trend is None or trend["from_day"] >= trend["end_day"]:
        return None
    origin = trend["start"].timestamp()
    return {
        "x1": x(origin + trend["from_day"] * 86400),
        "y1": y(trend["from_value"]),
        "x2": x(origin + trend["end_day"] * 86400),
        "y2": y(trend["end_value"]),
    }


def _steps(check_ins, x, y, until):
    """Return the SVG path of the values as steps, held until ``until``; None without any."""
    if not check_ins:
        return None
    parts = [f"M{x(check_ins[0].at.timestamp())},{y(check_ins[0].value)}"]
    for item in check_ins[1:]:
        parts.append(f"H{x(item.at.timestamp())}V{y(item.value)}")
    if until > check_ins[-1].at:
        parts.append(f"H{x(until.timestamp())}")
    return "".join(parts)


def _date_ticks(first, last, x, count=5):
    """Return about ``count`` evenly spaced dates with their coordinates."""
    span = (last - first) / (count - 1)
    moments = [first + span * index for index in range(count)]
    return [{"x": x(moment.timestamp()), "label": moment.strftime("%d %b")} for moment in moments]
