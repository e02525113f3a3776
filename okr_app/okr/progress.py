"""Progress: a key result's from its values, an objective's from its key results.

Each formula is written once. Where the statistics compute the same figure in SQL, they call
the same function on column expressions, passing a SQL ``clamp`` (see
``okr_app.database.expressions``); a test holds the two equal on the same data.
"""


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
    """Return start + progress / 100 * (target - start), the value a progress stands for."""
    return start + progress / 100.0 * (target - start)


def weighted_mean(weighted_sum, total_weight):
    """Return weighted_sum / total_weight, 0 when nothing carries weight."""
    return weighted_sum / total_weight if total_weight else 0.0


def objective_progress(progress_and_weights):
    """Return sum(weight * progress) / sum(weight) over (progress, weight) pairs, 0 with none."""
    total_weight = 0.0
    weighted_sum = 0.0
    for progress, weight in progress_and_weights:
        total_weight += weight
        weighted_sum += weight * progress
    return weighted_mean(weighted_sum, total_weight)
