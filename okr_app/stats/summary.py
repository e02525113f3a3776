"""Assemble the /stats body from the aggregate rows."""

from collections import Counter, defaultdict
from datetime import timedelta

from okr_app.extensions import db
from okr_app.models.objective import STATUSES
from okr_app.objectives.rollups import rolled_up
from okr_app.okr.cadence import STALE
from okr_app.okr.grades import average_grade
from okr_app.okr.kinds import KINDS, objective_expected_progress
from okr_app.okr.pace import completion_date, expected_progress, pace_delta, pace_status
from okr_app.okr.progress import weighted_mean
from okr_app.okr.rounding import rounded, rounded_progress
from okr_app.okr.streaks import streaks
from okr_app.stats import queries

#: Objectives in these states are measured against the calendar, unless they are closed.
PACED_STATUSES = ("active",)


def statistics(user_id, filters, on):
    """Return every figure of /stats for ``user_id``, as of the end of day ``on``."""
    covered = queries.objective_filter(user_id, filters)
    rows = queries.objective_rows(covered, on)
    rolling = [row._asdict() for row in rows if row.roll_up]
    inside = set()
    return summarise(
        rows,
        queries.check_in_days(covered),
        queries.latest_confidence_average(covered),
        on,
        rolled_up(db.session.connection(), rolling, on, inside),
        inside,
    )


def summarise(rows, days, confidence, on, rolled=None, inside=None):
    """Return the /stats body from the three aggregates, as of the end of day ``on``.

    ``rows`` are ``objective_rows``' rows (any rows with those attributes), ``days`` maps a
    day to its check-ins and ``confidence`` is the mean latest confidence, or None.
    ``rolled`` maps the objectives that roll up to their ``RolledUp`` (progress and expected
    progress, children included), and ``inside`` holds the objectives counted in those (by
    default, their direct children).
    """
    objectives = [_objective(row, rolled or {}) for row in rows]
    pace = [_pace(objective, on) for objective in objectives if _is_paced(objective)]
    return {
        "on": on,
        "objectives": _objective_totals(objectives, pace, inside),
        "key_results": _key_result_totals(rows),
        "periods": _periods(objectives),
        "pace": pace,
        "check_ins": _check_in_totals(days, on),
        "confidence": None if confidence is None else round(float(confidence), 4),
    }


def _objective(row, rolled):
    """Return an objective's figures; progress is the weighted mean of its key results.

    One that rolls up counts its children too, in its progress and its expected progress
    (``rolled``); a closed objective counts with the progress frozen at its closing, and
    its grade.
    """
    progress = weighted_mean(row.weighted, row.weight)
    expected = None
    if row.id in rolled:
        progress, expected = rolled[row.id]
    if row.grade is not None:
        progress = row.final_progress
    return {
        "id": row.id,
        "title": row.title,
        "period": row.period,
        "status": row.status,
        "start_date": row.start_date,
        "end_date": row.end_date,
        "progress": progress,
        "grade": row.grade,
        "stale": row.stale or 0,
        "weight": row.weight,
        "timed_weight": row.timed_weight,
        "full_weight": row.full_weight,
        "rolled_up_expected": expected,
        "parent_id": getattr(row, "parent_id", None),
        "roll_up": bool(getattr(row, "roll_up", False)),
    }


def _is_paced(objective):
    """Tell whether an objective is measured against the calendar: active and not closed."""
    return objective["status"] in PACED_STATUSES and objective["grade"] is None


def _pace(objective, on):
    """Return one pace entry: progress against the progress expected on day ``on``.

    One that rolls up is expected where its key results and children are (``rolled_up``);
    an objective with a stale key result is ``stale``, whatever its progress.
    """
    progress = objective["progress"]
    expected = objective["rolled_up_expected"]
    if expected is None:
        expected = objective_expected_progress(
            expected_progress(objective["start_date"], objective["end_date"], on),
            objective["timed_weight"],
            objective["full_weight"],
            objective["weight"],
        )
    delta = pace_delta(progress, expected)
    completion = completion_date(progress, objective["start_date"], on)
    return {
        "objective_id": objective["id"],
        "title": objective["title"],
        "period": objective["period"],
        "progress": rounded_progress(progress),
        "expected_progress": rounded(expected),
        "delta": delta,
        "status": STALE if objective["stale"] else pace_status(progress, delta),
        "completion_date": completion,
        "forecast_date": completion,
    }


def _objective_totals(objectives, pace, inside=None):
    """Count objectives by status and progress, and those at risk.

    Each objective counts once: by itself, or inside a covered objective's roll-up (which
    reaches through a parent left out, an archived one, that rolls up in turn).
    """
    by_status = Counter(objective["status"] for objective in objectives)
    rolling = {objective["id"] for objective in objectives if objective["roll_up"]}
    if inside is None:
        inside = {item["id"] for item in objectives if item["parent_id"] in rolling}
    once = [objective for objective in objectives if objective["id"] not in inside]
    return {
        "total": len(objectives),
        "by_status": {status: by_status.get(status, 0) for status in STATUSES},
        "average_progress": _mean(objective["progress"] for objective in objectives),
        "completed": sum(1 for objective in objectives if objective["progress"] >= 100.0),
        "not_started": sum(1 for objective in objectives if objective["progress"] <= 0.0),
        "at_risk": sum(1 for entry in pace if entry["status"] == "at_risk"),
        "top_level": sum(1 for objective in objectives if objective["parent_id"] is None),
        "roll_ups": len(rolling),
        "counted_once": len(once),
        "counted_once_average_progress": _mean(objective["progress"] for objective in once),
    }


def _key_result_totals(rows):
    """Sum the key results' counts over the objectives, by kind too.

    ``at_risk`` counts milestones past due and not done in active objectives not closed.
    """
    total = sum(row.count or 0 for row in rows)
    at_risk = sum(
        row.late_milestones or 0
        for row in rows
        if row.status in PACED_STATUSES and row.grade is None
    )
    progress = sum(row.progress or 0.0 for row in rows)
    return {
        "total": total,
        "average_progress": rounded_progress(progress / total) if total else 0.0,
        "completed": sum(row.completed or 0 for row in rows),
        "not_started": sum(row.not_started or 0 for row in rows),
        "overdue": sum(row.overdue or 0 for row in rows),
        "stale": sum(row.stale or 0 for row in rows),
        "at_risk": at_risk,
        "by_kind": {kind: sum(getattr(row, f"kind_{kind}") or 0 for row in rows) for kind in KINDS},
    }


def _periods(objectives):
    """Return per period the number of objectives, their mean progress and mean grade."""
    grouped = defaultdict(list)
    for objective in objectives:
        grouped[(objective["start_date"], objective["end_date"], objective["period"])].append(
            objective
        )
    return [
        {
            "period": period,
            "count": len(members),
            "average_progress": _mean(member["progress"] for member in members),
            "average_grade": average_grade(
                member["grade"] for member in members if member["grade"] is not None
            ),
        }
        for (_start, _end, period), members in sorted(grouped.items(), key=_period_order)
    ]


def _period_order(item):
    """Sort periods by start date, longer periods first, then by name."""
    (start, end, period), _values = item
    return start, -(end - start).days, period


def _check_in_totals(days, on):
    """Count check-ins of the last 7 and 30 days up to ``on`` and the streaks."""
    current, longest = streaks(days, on)
    return {
        "last_7_days": _count_since(days, on, 7),
        "last_30_days": _count_since(days, on, 30),
        "current_streak_days": current,
        "longest_streak_days": longest,
    }


def _count_since(days, on, window):
    """Return the check-ins on the ``window`` days ending with ``on``."""
    first = on - timedelta(days=window - 1)
    return sum(count for day, count in days.items() if first <= day <= on)


def _mean(values):
    """Return the mean progress rounded to two decimals (never 100 short of it), 0 for none."""
    values = list(values)
    return rounded_progress(sum(values) / len(values)) if values else 0.0
