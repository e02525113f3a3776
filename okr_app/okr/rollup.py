"""Parents and children: which periods may nest, how deep, a parent's rolled-up progress.

A parent that rolls up is expected, on a day, where its key results and its children are
expected, by the same weights as its progress: its progress and its expected progress
count the same things, so its pace compares like with like.
"""

from okr_app.okr.kinds import expected_pairs, weighted_expectation
from okr_app.okr.pace import expected_progress
from okr_app.okr.periods import bounds
from okr_app.okr.progress import objective_progress

#: The most levels of objectives one above another: e.g. year, quarter, month.
MAX_DEPTH = 3


def period_contains(outer, inner):
    """Tell whether period ``outer`` spans every day of period ``inner`` (equal ones do)."""
    outer_start, outer_end = bounds(outer)
    inner_start, inner_end = bounds(inner)
    return outer_start <= inner_start and inner_end <= outer_end


def rolled_up_progress(key_results, children):
    """Return the weighted mean over (progress, weight) of key results and of children.

    ``sum(w * p) / sum(w)`` over the key results, each with its ``weight``, and the
    children, each with its ``child_weight``, every child counted once with its own progress
    (which includes its children only if it rolls up itself); 0 when nothing carries weight.
    """
    return objective_progress([*key_results, *children])


def expected_of(start, end, key_results, children, on):
    """Return the progress an objective of period ``start``-``end`` is expected to have on ``on``.

    The weighted mean over its key results, each ``(kind, due_on, weight)`` expected by its
    kind, and ``children``, each ``(expected, child_weight)`` with the child's own expected
    progress (its children's included only if it rolls up itself); the share of the period
    elapsed when nothing carries weight. Without children it is ``expected_on``'s figure.
    """
    time_share = expected_progress(start, end, on)
    own = expected_pairs(key_results, time_share, on, end)
    return weighted_expectation([*own, *children], time_share)


def period_months(period):
    """Return how many months ``period`` spans: 12, 6, 3 or 1."""
    start, end = bounds(period)
    return (end.year - start.year) * 12 + end.month - start.month + 1


def shifted_period(period, months):
    """Return ``period`` moved ``months`` later (earlier if negative), of the same length.

    ``months`` must be a multiple of the period's length (12, 6, 3 or 1); ValueError if not.
    """
    start, _ = bounds(period)
    length = period_months(period)
    if months % length:
        raise ValueError(f"{period} cannot move by {months} months")
    index = start.year * 12 + start.month - 1 + months
    year, first_month = divmod(index, 12)
    if length == 12:
        moved = f"{year}"
    elif length == 6:
        moved = f"{year}-H{first_month // 6 + 1}"
    elif length == 3:
        moved = f"{year}-Q{first_month // 3 + 1}"
    else:
        moved = f"{year}-{first_month + 1:02d}"
    bounds(moved)  # the year range
    return moved


def months_between(earlier, later):
    """Return how many months the start of period ``later`` lies after that of ``earlier``."""
    first, _ = bounds(earlier)
    second, _ = bounds(later)
    return (second.year - first.year) * 12 + second.month - first.month
