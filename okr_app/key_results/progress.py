"""Progress arithmetic: key results from their values, objectives from their key results."""


def key_result_progress(start, target, current):
    """Return (current - start) / (target - start) * 100, clamped to 0 to 100.

    The same formula serves decreasing metrics (target below start): moving from start
    towards target is progress either way. ``start`` never equals ``target``.
    """
    share = (current - start) / (target - start)
    return min(100.0, max(0.0, share * 100.0))


def value_for_progress(start, target, progress):
    """Return start + progress / 100 * (target - start), the value a progress stands for."""
    return start + progress / 100.0 * (target - start)


def objective_progress(progress_and_weights):
    """Return sum(weight * progress) / sum(weight) over (progress, weight) pairs, 0 with none."""
    total_weight = 0.0
    weighted_sum = 0.0
    for progress, weight in progress_and_weights:
        total_weight += weight
        weighted_sum += weight * progress
    return weighted_sum / total_weight if total_weight else 0.0
