"""The check-in calendar: a year of days as a heatmap, a column per week, Monday on top."""

from datetime import timedelta

from markupsafe import Markup

CELL, GAP = 11, 2
LEFT, TOP = 28, 16
#: Upper bounds of the shading levels: none, 1, 2-3, 4-6, 7 and more.
LEVELS = (0, 1, 3, 6)


def level(count):
    """Return the shading level of a day with ``count`` check-ins, 0 to 4."""
    return next((index for index, bound in enumerate(LEVELS) if count <= bound), len(LEVELS))


def draw(days, first_day, today):
    """Return the cells, month labels and size of the calendar from ``first_day`` to today."""
    cells, months = [], []
    day = first_day
    while day <= today:
        week = (day - first_day).days // 7
        x = LEFT + week * (CELL + GAP)
        if day.day == 1 or day == first_day:
            months.append({"x": x, "label": day.strftime("%b")})
        count = days.get(day, 0)
        cells.append(
            {
                "x": x,
                "y": TOP + day.weekday() * (CELL + GAP),
                "level": level(count),
                "count": count,
                "day": day,
            }
        )
        day += timedelta(days=1)
    weeks = (today - first_day).days // 7 + 1
    if len(months) > 1 and months[1]["x"] - months[0]["x"] < 3 * (CELL + GAP):
        months.pop(0)  # a first label too close to the next would overlap it
    return {
        "cells": cells,
        "markup": cells_markup(cells),
        "months": months,
        "cell": CELL,
        "width": LEFT + weeks * (CELL + GAP),
        "height": TOP + 7 * (CELL + GAP),
        "weekdays": [
            {"y": TOP + index * (CELL + GAP) + CELL - 1, "label": label}
            for index, label in ((0, "Mon"), (2, "Wed"), (4, "Fri"))
        ],
    }


def cells_markup(cells):
    """Return the SVG squares of ``cells``, each with its day and count as a tooltip.

    Written here rather than in a template loop: a year is 371 squares, and only numbers
    and dates go into them.
    """
    return Markup(  # noqa: S704  (numbers and dates only, never text a user typed)
        "".join(
            f'<rect class="heat-{cell["level"]}" x="{cell["x"]}" y="{cell["y"]}" '
            f'width="{CELL}" height="{CELL}" rx="2"><title>{cell["day"]}: {cell["count"]} '
            f"check-in{'s' * (cell['count'] != 1)}</title></rect>"
            for cell in cells
        )
    )
