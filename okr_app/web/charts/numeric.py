"""The chart of a numeric key result: its value over the period.

Check-ins as a step line, the expected line from start to target over the period, the
least-squares forecast from the last check-in to the period end, the target, and today.
"""

from datetime import UTC, datetime, time, timedelta

from okr_app.okr.forecast import linear_trend, missing_history, stored_trend
from okr_app.web.charts.scale import Scale, nice_ticks, padded

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 40


def draw(key_result, objective, check_ins, now):
    """Return the figures of the chart: paths, ticks, labels and the summary in words."""
    start = datetime.combine(objective.start_date, time(), UTC)
    end = datetime.combine(objective.end_date + timedelta(days=1), time(), UTC)
    first = min([start, *(item.at for item in check_ins)])
    last = max([end, *(item.at for item in check_ins)])
    trend = _trend(key_result, start, end)
    # The forecast may run far off the range: it is clipped to the plot, its value is in words.
    values = [key_result.start_value, key_result.target_value, *(i.value for i in check_ins)]
    low, high = padded(values)
    x = Scale(first.timestamp(), last.timestamp(), LEFT, WIDTH - RIGHT)
    y = Scale(low, high, HEIGHT - BOTTOM, TOP)
    return {
        "template": "charts/numeric.svg",
        "width": WIDTH,
        "height": HEIGHT,
        "plot": {"left": LEFT, "right": WIDTH - RIGHT, "top": TOP, "bottom": HEIGHT - BOTTOM},
        "steps": _steps(check_ins, x, y, min(now, last)),
        "points": [
            {"x": x(item.at.timestamp()), "y": y(item.value), "value": item.value, "at": item.at}
            for item in check_ins
        ],
        "expected": {
            "x1": x(start.timestamp()),
            "y1": y(key_result.start_value),
            "x2": x(end.timestamp()),
            "y2": y(key_result.target_value),
        },
        "forecast": _forecast_line(trend, x, y),
        "target_y": y(key_result.target_value),
        "today_x": x(now.timestamp()) if first <= now <= last else None,
        "y_ticks": [{"y": y(value), "value": value} for value in nice_ticks(low, high)],
        "x_ticks": _date_ticks(first, last, x),
        "trend": trend,
    }


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
