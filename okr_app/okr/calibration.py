"""Calibration: how well stated confidences foretold which key results were achieved.

Each closed key result gives a pair ``(c, o)``: the confidence ``c`` stated (0 to 1) and the
outcome ``o``, 1 when achieved and 0 when not. Over ``n`` pairs:

- the Brier score is ``sum((c - o) ** 2) / n``: 0 is perfect, 0.25 is what always saying
  0.5 earns, 1 is always certain and always wrong;
- the mean confidence ``sum(c) / n`` is set against the achieved share ``sum(o) / n``;
  their difference is the over- (positive) or under-confidence (negative);
- the reliability table puts each pair in one of ten bins by confidence, ``[0, 0.1)`` to
  ``[0.9, 1.0]``, with each bin's count, mean confidence and achieved share.
"""

import math

#: Fewer closed key results than this give no figures, only a message saying why.
MINIMUM_CLOSINGS = 5
#: A difference between mean confidence and achieved share within this reads as calibrated.
CALIBRATED_WITHIN = 0.05
FLOAT_SLACK = 1e-9
BINS = 10
DECIMALS = 4


def achieved(progress):
    """Tell whether a key result closed at ``progress`` (percent) was achieved: 100 or more.

    Progress 100 is every kind's own success: an increase or decrease at its target, a
    stay_* key result in band over its whole measured span, a milestone done.
    """
    return progress >= 100.0


def brier_score(pairs):
    """Return ``sum((c - o) ** 2) / n`` over ``(confidence, outcome)`` pairs; None without any."""
    if not pairs:
        return None
    return sum((confidence - outcome) ** 2 for confidence, outcome in pairs) / len(pairs)


def bin_index(confidence):
    """Return the bin of a confidence: ``floor(c * 10)``, with 1.0 in the last bin."""
    # round() first, so that 0.3 * 10 = 3.0000000000000004 or 2.9999... stays in bin 3.
    return min(math.floor(round(confidence * BINS, 9)), BINS - 1)


def reliability(pairs):
    """Return the ten bins of the reliability table, empty ones included (figures null)."""
    grouped = [[] for _ in range(BINS)]
    for confidence, outcome in pairs:
        grouped[bin_index(confidence)].append((confidence, outcome))
    return [
        {
            "from": index / BINS,
            "to": (index + 1) / BINS,
            "count": len(members),
            "mean_confidence": _mean(confidence for confidence, _ in members),
            "achieved_share": _mean(outcome for _, outcome in members),
        }
        for index, members in enumerate(grouped)
    ]


def reading(mean_confidence, achieved_share):
    """Return one line saying whether the confidences ran high, low, or about right."""
    difference = mean_confidence - achieved_share
    figures = f"mean confidence {mean_confidence:.2f}, achieved share {achieved_share:.2f}"
    # Unrounded: 0.054 is not within 0.05. The slack only absorbs floating-point error, as in
    # 0.55 - 0.5 = 0.05000000000000004.
    if abs(difference) <= CALIBRATED_WITHIN + FLOAT_SLACK:
        return f"You are well calibrated ({figures})."
    if difference > 0:
        return f"You are overconfident by {difference:.2f} on average ({figures})."
    return f"You are underconfident by {-difference:.2f} on average ({figures})."


def calibration(pairs):
    """Return the calibration of ``(confidence, outcome)`` pairs, or a message with too few.

    With fewer than ``MINIMUM_CLOSINGS`` pairs the figures are null and ``message`` says
    why; otherwise ``message`` is null.
    """
    pairs = [(float(confidence), 1 if outcome else 0) for confidence, outcome in pairs]
    count = len(pairs)
    if count < MINIMUM_CLOSINGS:
        return {
            "count": count,
            "brier_score": None,
            "mean_confidence": None,
            "achieved_share": None,
            "bins": [],
            "reading": None,
            "message": f"Only {count} closed key result{'s' if count != 1 else ''} with a "
            f"stated confidence: calibration needs at least {MINIMUM_CLOSINGS}.",
        }
    # The reading compares the means before they are rounded to four decimals for the answer.
    mean_confidence = sum(confidence for confidence, _ in pairs) / count
    achieved_share = sum(outcome for _, outcome in pairs) / count
    return {
        "count": count,
        "brier_score": round(brier_score(pairs), DECIMALS),
        "mean_confidence": round(mean_confidence, DECIMALS),
        "achieved_share": round(achieved_share, DECIMALS),
        "bins": reliability(pairs),
        "reading": reading(mean_confidence, achieved_share),
        "message": None,
    }


def _mean(values):
    """Return the mean rounded to four decimals, None for no values."""
    values = list(values)
    return round(sum(values) / len(values), DECIMALS) if values else None
