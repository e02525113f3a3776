"""The check-in calendar: a year of days as a heatmap, a column per week, Monday on top."""

from datetime import timedelta

from markupsafe import Markup

CELL, GAP = 11, 2
LEFT, TOP = 28, 16
#: Room for a month's label ("Dec", 11 px in ``app.css``) after its column: the last must fit.
MONTH_LABEL = 24
ONE_DAY = timedelta(days=1)
#: Upper bounds of the shading levels: none, 1, 2-3, 4-6, 7 and more.
LEVELS = (0, 1, 3, 6)
#: The level of each count up to the last bound, looked up rather than searched.
SHADES = tuple(
    next(index for index, bound in enumerate(LEVELS) if count <= bound)
    for count in range(LEVELS[-1] + 1)
)


def level(count):
    """Return the shading level of a day with ``count`` check-ins, 0 to 4."""
    return SHADES[count] if count < len(SHADES) else len(LEVELS)


def draw(days, first_day, today):
    """Return the squares' markup, month labels and size of the calendar to today.

    A column per week, Monday on top: a first day that is not a Monday starts in its
    weekday's row of the first column. The squares, each with its day and count as a
    tooltip, are written here rather than in a template loop: a year is 371 of them, and
    only numbers and dates go into them.
    """
    step = CELL + GAP
    squares, months = [], []
    first_weekday = first_day.weekday()
    last = first_weekday + (today - first_day).days  # today's place, counted from Monday
    day = first_day
    for index in range(first_weekday, last + 1):
        x = LEFT + index // 7 * step
        if day.day == 1 or day == first_day:
            months.append({"x": x, "label": day.strftime("%b")})
        count = days.get(day, 0)
        squares.append(
            f'<rect class="heat-{level(count)}" x="{x}" y="{TOP + index % 7 * step}" '
            f'width="{CELL}" height="{CELL}" rx="2"><title>{day.isoformat()}: {count} '
            f"check-in{'s' * (count != 1)}</title></rect>"
        )
        day += ONE_DAY
    weeks = last // 7 + 1
    if len(months) > 1 and months[1]["x"] - months[0]["x"] < 3 * step:
        months.pop(0)  # a first label too close to the next would overlap it
    return {
        "markup": Markup("".join(squares)),  # noqa: S704  (numbers and dates only)
        "months": months,
        "cell": CELL,
        "width": max(LEFT + weeks * step, months[-1]["x"] + MONTH_LABEL),
        "height": TOP + 7 * step,
        "weekdays": [
            {"y": TOP + index * step + CELL - 1, "label": label}
            for index, label in ((0, "Mon"), (2, "Wed"), (4, "Fri"))
        ],
    }
