"""Kinds of key result: what each measures and the formula of its progress.

``increase`` and ``decrease`` move a value from ``start_value`` to ``target_value``
(``okr_app.okr.progress``). The ``stay_*`` kinds keep a value in a band (above a
``threshold``, below it, or between ``range_min`` and ``range_max``, ends included) and
measure the share of the period spent in it. A ``milestone`` is done (value 1) or not
(value 0).

Time in band treats the check-ins as a step function: each value holds from its moment
to the next check-in (by ``at``, the last recorded winning a tie). Moments are ``x``: days
since the start of the objective's period (midnight UTC of its first day), so the period
runs from x = 0 to x = ``period_days`` (the end of its last day).
"""

from okr_app.okr.pace import expected_progress
from okr_app.okr.progress import clamp, key_result_progress

INCREASE = "increase"
DECREASE = "decrease"
STAY_ABOVE = "stay_above"
STAY_BELOW = "stay_below"
STAY_IN_RANGE = "stay_in_range"
MILESTONE = "milestone"
DIRECTIONAL = (INCREASE, DECREASE)
STAYS = (STAY_ABOVE, STAY_BELOW, STAY_IN_RANGE)
KINDS = (*DIRECTIONAL, *STAYS, MILESTONE)
#: The fields that define each kind; any other of them sent with the kind is refused.
FIELDS = {
    INCREASE: ("start_value", "target_value"),
    DECREASE: ("start_value", "target_value"),
    STAY_ABOVE: ("threshold",),
    STAY_BELOW: ("threshold",),
    STAY_IN_RANGE: ("range_min", "range_max"),
    MILESTONE: ("due_on",),
}
KIND_FIELDS = ("start_value", "target_value", "threshold", "range_min", "range_max", "due_on")
#: A milestone's values: done and not done.
DONE = 1.0
NOT_DONE = 0.0
#: Out-of-band time shorter than this (days: under a tenth of a second) counts as none.
#: The stored days in band and the first and last x come from different arithmetic (Python
#: and SQL), which can leave ~1e-9 days of a span in band all along out of it; nothing real
#: is measured at that scale.
BAND_TOLERANCE_DAYS = 1e-6


def direction(start, target):
    """Return ``increase`` when ``target`` lies above ``start``, else ``decrease``."""
    return INCREASE if target > start else DECREASE


def in_band(kind, value, threshold=None, range_min=None, range_max=None):
    """Tell whether ``value`` is in the band of a ``stay_*`` kind, its ends included.

    stay_above: value >= threshold; stay_below: value <= threshold; stay_in_range:
    range_min <= value <= range_max.
    """
    if kind == STAY_ABOVE:
        return value >= threshold
    if kind == STAY_BELOW:
        return value <= threshold
    return range_min <= value <= range_max


def is_done(value):
    """Tell whether a milestone's value says done: exactly 1.

    A milestone's own check-ins are 1 or 0; a value recorded before a key result became a
    milestone (say 40 of an increase) says nothing about it being done: not done.
    """
    return value == DONE


def finished(kind, value):
    """Tell whether a key result of ``kind`` at ``value`` is a milestone done: never due."""
    return kind == MILESTONE and is_done(value)


def milestone_progress(value):
    """Return 100 when ``value`` says done (1), else 0."""
    return 100.0 if is_done(value) else 0.0


def ratio(numerator, denominator):
    """Return numerator / denominator, 0 when the denominator is not above 0."""
    return numerator / denominator if denominator > 0 else 0.0


def choose(condition, chosen, otherwise):
    """Return ``chosen`` when ``condition`` holds, else ``otherwise``."""
    return chosen if condition else otherwise


def time_in_band(points, inside, period_days, now_x):
    """Return ``(days in band, measured days)`` of the step function through ``points``.

    ``points`` are ``(x, value)`` in the order recorded (by ``at``, then by id). The
    measured span runs from max(first x, 0) to min(now_x, period_days); each value holds
    from its x to the next point's x (the last one to the end of the span);
    ``inside(value)`` tells whether a value is in band.
    """
    if not points:
        return 0.0, 0.0
    end = clamp(now_x, 0.0, period_days)
    begin = clamp(points[0][0], 0.0, period_days)
    if end <= begin:
        return 0.0, 0.0
    days = 0.0
    following = [x for x, _value in points[1:]] + [end]
    for (x, value), next_x in zip(points, following, strict=True):
        if inside(value):
            days += max(0.0, clamp(next_x, begin, end) - clamp(x, begin, end))
    return days, end - begin


def band_share(days, span, *, clamp=clamp, ratio=ratio, choose=choose):
    """Return 100 x days in band / measured span, 0 while the span is empty.

    Days in band short of the span by less than ``BAND_TOLERANCE_DAYS`` are the whole span:
    in band all along is exactly 100. A span shorter than that (the first value was stated
    moments ago) counts as empty: measured against it, a value out of band all along
    would be in band all along.
    """
    share = clamp(100.0 * ratio(days, span), 0.0, 100.0)
    # Exactly 100, not a quotient: SQL may compute the span of a quotient in other types.
    settled = choose(span - days < BAND_TOLERANCE_DAYS, 100.0, share)
    return choose(span < BAND_TOLERANCE_DAYS, 0.0, settled)


def stay_progress(points, inside, period_days, now_x):
    """Return 100 x (time in band) / (measured span) (``band_share``)."""
    return band_share(*time_in_band(points, inside, period_days, now_x))


def band_days_until_last(points, inside, period_days):
    """Return the days in band up to the last point: the part no later moment changes."""
    if not points:
        return 0.0
    return time_in_band(points, inside, period_days, max(x for x, _value in points))[0]


def stay_progress_from_sums(
    band_days,
    first_x,
    last_x,
    current_inside,
    period_days,
    now_x,
    *,
    clamp=clamp,
    ratio=ratio,
    choose=choose,
):
    """Return ``stay_progress`` from what a key result stores instead of its check-ins.

    ``band_days`` is ``band_days_until_last``; after the last check-in the current value
    holds: time in band = band_days + current_inside x (min(now_x, period_days) - last x),
    both ends clamped to the period, as a ``band_share`` of the measured span. The
    statistics call it on column expressions with a SQL ``clamp``, ``ratio`` and ``choose``.
    """
    if first_x is None:
        return 0.0
    end = clamp(now_x, 0.0, period_days)
    last = clamp(last_x, 0.0, period_days)
    tail = current_inside * clamp(end - last, 0.0, period_days)
    span = end - clamp(first_x, 0.0, period_days)
    return band_share(band_days + tail, span, clamp=clamp, ratio=ratio, choose=choose)


def kind_progress(kind, start, target, current, *, stay=None):
    """Return a key result's progress by its kind.

    increase/decrease: ``key_result_progress``; milestone: ``milestone_progress``;
    stay_*: ``stay`` (a number computed by ``stay_progress``), 0 when not given.
    """
    if kind in STAYS:
        return 0.0 if stay is None else stay
    if kind == MILESTONE:
        return milestone_progress(current)
    return key_result_progress(start, target, current)


def expected_kind_progress(kind, time_share, on, due_on, end_date):
    """Return the progress a key result of ``kind`` is expected to have on day ``on``.

    increase/decrease: ``time_share`` (the share of the period elapsed, times 100);
    stay_*: 100 once the period has started (``time_share`` above 0), the value should be
    in band all along, and 0 before it, as for every kind; milestone: 0 up to its due day
    (``due_on``, else the period's last day), 100 after it.
    """
    if kind in STAYS:
        return 100.0 if time_share > 0 else 0.0
    if kind == MILESTONE:
        return 100.0 if on > (due_on or end_date) else 0.0
    return time_share


def objective_expected_progress(time_share, timed_weight, full_weight, total_weight):
    """Return an objective's expected progress: its key results' expected, weighted.

    (timed_weight x time_share + full_weight x 100) / total_weight, where ``timed_weight``
    sums the weights of its increase and decrease key results and ``full_weight`` those
    expected at 100 (stay_* in a started period, milestones past due); ``time_share``
    without key results.
    """
    if not total_weight:
        return time_share
    return ((timed_weight or 0.0) * time_share + (full_weight or 0.0) * 100.0) / total_weight


def expected_pairs(items, time_share, on, end_date):
    """Return ``(expected, weight)`` of each of the (kind, due_on, weight) ``items``.

    Each key result's expected progress is ``expected_kind_progress`` on day ``on``.
    """
    return [
        (expected_kind_progress(kind, time_share, on, due_on, end_date), weight)
        for kind, due_on, weight in items
    ]


def weighted_expectation(pairs, time_share):
    """Return sum(weight x expected) / sum(weight) over (expected, weight) ``pairs``.

    ``time_share`` when nothing carries weight: an objective without key results is
    expected where its period stands.
    """
    total = 0.0
    weighted = 0.0
    for expected, weight in pairs:
        total += weight
        weighted += weight * expected
    return weighted / total if total else time_share


def weighted_expected_progress(items, time_share, on, end_date):
    """Return sum(weight x expected) / sum(weight) over (kind, due_on, weight) items.

    Each key result's expected progress is ``expected_kind_progress``; without key results
    (or weight), ``time_share``. ``/stats`` computes the same from weight sums in SQL
    (``objective_expected_progress``).
    """
    return weighted_expectation(expected_pairs(items, time_share, on, end_date), time_share)


def expected_on(items, start, end, on):
    """Return an objective's progress expected on day ``on`` (its period ``start``-``end``).

    ``weighted_expected_progress`` of its (kind, due_on, weight) ``items``, with the share
    of the period elapsed by then: what its owner's pages and its share link show.
    """
    return weighted_expected_progress(items, expected_progress(start, end, on), on, end)


def definition_errors(kind, values, sent):
    """Return ``{field: message}`` for what is wrong with a kind's definition, {} when right.

    ``values`` maps the defining fields in force (sent or kept); ``sent`` names the fields
    the request sent, of which those that do not define ``kind`` are refused.
    """
    errors = {
        name: f"Not a field of kind {kind}; it defines {_kinds_using(name)}."
        for name in KIND_FIELDS
        if name in sent and values.get(name) is not None and name not in FIELDS[kind]
    }
    if errors:
        return errors
    if kind in DIRECTIONAL:
        missing = [name for name in FIELDS[kind] if values.get(name) is None]
        if missing:
            return {name: f"Required for kind {kind}." for name in missing}
        start, target = values["start_value"], values["target_value"]
        # Name the end the request moved: the other one is what it was.
        if "target_value" in sent or "start_value" not in sent:
            if start == target:
                return {"target_value": "Must differ from start_value."}
            if direction(start, target) != kind:
                side = "above" if kind == INCREASE else "below"
                return {"target_value": f"Must lie {side} start_value for kind {kind}."}
        elif start == target:
            return {"start_value": "Must differ from target_value."}
        elif direction(start, target) != kind:
            side = "below" if kind == INCREASE else "above"
            return {"start_value": f"Must lie {side} target_value for kind {kind}."}
    elif kind in (STAY_ABOVE, STAY_BELOW):
        if values.get("threshold") is None:
            return {"threshold": f"Required for kind {kind}."}
    elif kind == STAY_IN_RANGE:
        missing = [name for name in FIELDS[kind] if values.get(name) is None]
        if missing:
            return {name: f"Required for kind {kind}." for name in missing}
        if values["range_min"] > values["range_max"]:
            # Name the end the request moved, as for start and target.
            if "range_min" in sent and "range_max" not in sent:
                return {"range_min": "Must not be above range_max."}
            return {"range_max": "Must not be below range_min."}
    return {}


def _kinds_using(name):
    """Return the kinds a defining field belongs to, as words."""
    return " and ".join(kind for kind in KINDS if name in FIELDS[kind])


def stored_definition(kind, values):
    """Return every defining field of a key result of ``kind`` as stored, from ``values``.

    Fields the kind does not use are None; start_value and target_value, which every row
    holds, are 0 and 1 outside increase and decrease (a milestone's not done and done).
    """
    definition = {name: values.get(name) if name in FIELDS[kind] else None for name in KIND_FIELDS}
    if kind not in DIRECTIONAL:
        definition["start_value"], definition["target_value"] = NOT_DONE, DONE
    return {"kind": kind, **definition}


def resolve_kind(kind, values):
    """Return ``kind``, or without one the direction from start_value to target_value."""
    if kind is not None:
        return kind
    return direction(values["start_value"], values["target_value"])
