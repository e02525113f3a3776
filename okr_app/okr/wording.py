"""How numbers, percentages and goals read for people: on pages, in the calendar feed.

Computed figures are rounded for reading (``number``, ``percent``); a value a person stated
(a target, a check-in) keeps every digit it was given (``exact``).
"""

import math
from decimal import Decimal

from okr_app.okr.kinds import MILESTONE, STAYS, is_done
from okr_app.okr.rounding import rounded_progress

#: Decimals a number below 1 may take to show its first two significant digits.
MOST_DECIMALS = 12
#: Below this, a stored value is written in scientific notation rather than as 0.000...
SMALLEST_FIXED = 1e-6
#: From here (past what the API takes), in scientific notation rather than 1,000,...
LARGEST_FIXED = 1e16


def number(value):
    """Return a number as people write it: 1,234.5 and 12 (never 12.0), two decimals at most.

    Below 1, as many as its first two significant digits take: a threshold of 0.005 reads
    0.005, never 0.01, and a value of 0.004 never reads 0.
    """
    if value is None:
        return "-"
    value = float(value)
    decimals = 2
    if value and abs(value) < 1:
        decimals = min(max(2, 1 - math.floor(math.log10(abs(value)))), MOST_DECIMALS)
    rounded = round(value, decimals)
    if rounded.is_integer():
        return f"{int(rounded):,}"
    return f"{rounded:,.{decimals}f}".rstrip("0")


def exact(value):
    """Return a value a person stated (a target, a check-in) with all its digits: 1,234.5.

    ``number`` rounds what is computed; a stated 99.999 must never read 100, nor 0.000001 0.
    """
    if value is None:
        return "-"
    value = float(value)
    if value == 0:
        return "0"
    if not SMALLEST_FIXED <= abs(value) < LARGEST_FIXED:
        return repr(value)
    # The shortest text that reads back as the value: what was typed. Stated values carry
    # no float noise (deltas and progress are worked out in decimal), so none is shown.
    if value.is_integer():
        return f"{int(value):,}"
    return f"{Decimal(repr(value)):,f}"


def percent(value):
    """Return a percentage with at most one decimal: "40 %", "61.3 %", halves up as the API.

    Short of 100, never "100 %": 99.96 reads "99.9 %", as it is not done.
    """
    if value is None:
        return "-"
    shown = rounded_progress(float(value), 1)
    return f"{int(shown) if shown.is_integer() else shown} %"


def percent_as_graded(value):
    """Return a progress as its grade is taken from it: "52.45 %", to 2 decimals like the API.

    Beside a grade, "52.5 %" would read as 0.53 where 52.45 grades 0.52.
    """
    return "-" if value is None else f"{number(rounded_progress(float(value)))} %"


def goal(item):
    """Return a key result's goal in words by its kind, e.g. "from 0 to 100"."""
    read = _reader(item)
    kind = read("kind")
    if kind == "stay_above":
        return f"stay at or above {exact(read('threshold'))}"
    if kind == "stay_below":
        return f"stay at or below {exact(read('threshold'))}"
    if kind == "stay_in_range":
        return f"stay from {exact(read('range_min'))} to {exact(read('range_max'))}"
    if kind == "milestone":
        due = read("due_on")
        state = "done" if is_done(read("current_value")) else "not done yet"
        return f"milestone, {state}" + (f", due {due}" if due else "")
    return f"from {exact(read('start_value'))} to {exact(read('target_value'))}"


def stated(value, kind):
    """Return a check-in's value in words: a milestone's "done" or "not done", else ``exact``."""
    if kind == MILESTONE:
        return "done" if is_done(value) else "not done"
    return exact(value)


def standing(item):
    """Return where a key result stands in words: "12 people: from 0 to 100".

    A milestone reads as its goal ("milestone, done"), a ``stay_*`` key result with no
    value yet as "no value yet: stay at or above 5" (its 0 is a placeholder).
    """
    read = _reader(item)
    if read("kind") == MILESTONE:
        return goal(item)
    return f"{value_now(item, read('metric'))}: {goal(item)}"


def value_now(item, metric="", lead=""):
    """Return a key result's current value after ``lead`` and before ``metric``.

    "now 12 people" for ``lead="now "``; "no value yet" for a ``stay_*`` key result before
    its first check-in, whose 0 is a placeholder.
    """
    read = _reader(item)
    if read("kind") in STAYS and read("in_band") is None:
        return "no value yet"
    return f"{lead}{exact(read('current_value'))} {metric}".rstrip()


def _reader(item):
    """Return a function reading a field of a key result: a model's attribute or a dict's key."""
    return item.get if isinstance(item, dict) else lambda name: getattr(item, name)


#: Suffixes of a chart axis's large values, from the largest: 2.5M for 2,500,000.
COMPACT = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))


def compact(value, largest=None):
    """Return an axis label: ``number``'s below 10,000, then 12.5K, 2.5M, 3B, 1,000T.

    The unit follows ``largest`` (the axis's largest value, by default ``value`` itself),
    so that one axis speaks one unit: 9,500 beside 11,000 reads 9.5K beside 11K.
    """
    largest = abs(value) if largest is None else abs(largest)
    if largest < 10_000 or value == 0:
        return number(value)
    scale, suffix = next((scale, suffix) for scale, suffix in COMPACT if largest >= scale)
    return f"{number(value / scale)}{suffix}"
