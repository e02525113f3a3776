"""Progress: a key result's from its values, an objective's from its key results.

Each formula is written once. Where the statistics compute the same figure in SQL, they call
the same function on column expressions, passing a SQL ``clamp`` (see
``okr_app.database.expressions``); a test holds the two equal on the same data.
"""

from decimal import Decimal


def clamp(value, low, high):
    """Return ``value`` limited to the range from ``low`` to ``high``."""
    return min(high, max(low, value))


def key_result_progress(start, target, current, *, clamp=clamp):
    """Return (current - start) / (target - start) * 100, clamped to 0 to 100.

    The same formula serves decreasing metrics (target below start): moving from start
    towards target is progress either way. ``start`` never equals ``target``.
    """
    return clamp((current - start) / (target - start) * 100.0, 0.0, 100.0)


def value_for_progress(start, target, progress):
    """Return start + progress / 100 * (target - start), the value a progress stands for.

    Computed on the numbers as written (``decimal_sum``): 50 % from 0.1 to 0.7 is 0.4.
    """
    start, target, progress = map(_as_written, (start, target, progress))
    return float(start + progress / 100 * (target - start))


def decimal_sum(value, delta):
    """Return ``value + delta`` on the numbers as written, not on their binary fractions.

    Ten deltas of 0.1 from 0 reach 1.0, as the person sending them counts, where floating
    point arrives at 0.9999999999999999: short of a target of 1 and of "done", and a band's
    bound of 0.3 reached from 0.1 by 0.2 would lie outside it (0.30000000000000004).
    """
    return float(_as_written(value) + _as_written(delta))


def _as_written(number):
    """Return ``number`` as the decimal its shortest text writes (0.1, not its binary value)."""
    return Decimal(repr(number))


#: A weighted mean this close to 100 is 100: every key result at 100 must read as done.
FULL_TOLERANCE = 1e-9


def weighted_mean(weighted_sum, total_weight):
    """Return weighted_sum / total_weight, 0 when nothing carries weight, 100 when within a hair.

    Floating-point sums leave (0.1 x 100 + 0.2 x 100) / (0.1 + 0.2) at 99.99999999999999;
    such a figure is snapped to exactly 100 so that "done" never depends on the weights.
    """
    if not total_weight:
        return 0.0
    mean = weighted_sum / total_weight
    return 100.0 if abs(mean - 100.0) <= FULL_TOLERANCE else mean


def objective_progress(progress_and_weights):
    """Return sum(weight * progress) / sum(weight) over (progress, weight) pairs, 0 with none."""
    total_weight = 0.0
    weighted_sum = 0.0
    for progress, weight in progress_and_weights:
        total_weight += weight
        weighted_sum += weight * progress
    return weighted_mean(weighted_sum, total_weight)
