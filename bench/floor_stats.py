"""The floor's GET /stats: okr_app's three aggregate queries and the same arithmetic.

The pace rules are imported from okr_app (plain functions, no framework), so the floor and
the app cannot disagree on a figure; everything around them is written out plainly.
"""

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from okr_app.objectives.grades import average_grade
from okr_app.stats.pace import expected_progress, forecast_date, pace_status, streaks

STATUSES = ("active", "completed", "missed", "cancelled", "archived")
COVERED = "objectives.user_id = %(user)s AND objectives.status != 'archived'"
#: Where key results are joined: the user's own, as okr_app states it for the index.
KEY_RESULTS_COVERED = f"key_results.user_id = %(user)s AND {COVERED}"
PROGRESS = """CASE
  WHEN (current_value - start_value) / (target_value - start_value) <= 0 THEN 0.0
  WHEN (current_value - start_value) / (target_value - start_value) >= 1 THEN 100.0
  ELSE (current_value - start_value) / (target_value - start_value) * 100.0 END"""
OBJECTIVES_SQL = f"""
SELECT objectives.id, objectives.title, objectives.period, objectives.status,
       objectives.start_date, objectives.end_date, sums.count, sums.weighted, sums.weight,
       sums.progress, sums.completed, sums.not_started, objective_closings.grade,
       objective_closings.final_progress
FROM objectives LEFT OUTER JOIN (
  SELECT key_results.objective_id, count(*) AS count,
         sum(({PROGRESS}) * key_results.weight) AS weighted, sum(key_results.weight) AS weight,
         sum({PROGRESS}) AS progress,
         sum(CASE WHEN ({PROGRESS}) >= 100.0 THEN 1 ELSE 0 END) AS completed,
         sum(CASE WHEN ({PROGRESS}) <= 0.0 THEN 1 ELSE 0 END) AS not_started
  FROM key_results JOIN objectives ON objectives.id = key_results.objective_id
  WHERE {KEY_RESULTS_COVERED} GROUP BY key_results.objective_id
) AS sums ON sums.objective_id = objectives.id
LEFT OUTER JOIN objective_closings ON objective_closings.objective_id = objectives.id
  AND objective_closings.reopened_at IS NULL
WHERE {COVERED} ORDER BY objectives.start_date, objectives.id"""
CONFIDENCE_SQL = f"""
SELECT avg((
  SELECT check_ins.confidence FROM check_ins
  WHERE check_ins.key_result_id = key_results.id AND check_ins.confidence IS NOT NULL
  ORDER BY check_ins.at DESC, check_ins.id DESC LIMIT 1
)) AS average
FROM key_results JOIN objectives ON objectives.id = key_results.objective_id
WHERE {KEY_RESULTS_COVERED}"""
DAYS_SQL = f"""
SELECT CAST(timezone('UTC', check_ins.at) AS DATE) AS day, count(*) AS count
FROM check_ins JOIN key_results ON key_results.id = check_ins.key_result_id
JOIN objectives ON objectives.id = key_results.objective_id
WHERE {KEY_RESULTS_COVERED} GROUP BY CAST(timezone('UTC', check_ins.at) AS DATE)"""


def statistics(query, cursor, user_id):
    """Return the /stats body of ``user_id`` as of today (UTC)."""
    on = datetime.now(UTC).date()
    rows = query(cursor, OBJECTIVES_SQL, {"user": user_id})
    objectives = [(row, _progress(row)) for row in rows]
    pace = [
        _pace(row, progress, on)
        for row, progress in objectives
        if row.status == "active" and row.grade is None
    ]
    confidence = query(cursor, CONFIDENCE_SQL, {"user": user_id})[0].average
    days = {row.day: row.count for row in query(cursor, DAYS_SQL, {"user": user_id})}
    by_status = Counter(row.status for row in rows)
    key_results = sum(row.count or 0 for row in rows)
    current, longest = streaks(days, on)
    periods = defaultdict(list)
    for row, progress in objectives:
        periods[(row.start_date, -(row.end_date - row.start_date).days, row.period)].append(
            (progress, row.grade)
        )
    return {
        "on": on,
        "objectives": {
            "total": len(rows),
            "by_status": {status: by_status.get(status, 0) for status in STATUSES},
            "average_progress": _mean(progress for _row, progress in objectives),
            "completed": sum(1 for _row, progress in objectives if progress >= 100.0),
            "not_started": sum(1 for _row, progress in objectives if progress <= 0.0),
            "at_risk": sum(1 for entry in pace if entry["status"] == "at_risk"),
        },
        "key_results": {
            "total": key_results,
            "average_progress": round(sum(row.progress or 0.0 for row in rows) / key_results, 2)
            if key_results
            else 0.0,
            "completed": sum(row.completed or 0 for row in rows),
            "not_started": sum(row.not_started or 0 for row in rows),
        },
        "periods": [
            {
                "period": key[2],
                "count": len(members),
                "average_progress": _mean(progress for progress, _grade in members),
                "average_grade": average_grade(grade for _p, grade in members if grade is not None),
            }
            for key, members in sorted(periods.items())
        ],
        "pace": pace,
        "check_ins": {
            "last_7_days": _count_since(days, on, 7),
            "last_30_days": _count_since(days, on, 30),
            "current_streak_days": current,
            "longest_streak_days": longest,
        },
        "confidence": None if confidence is None else round(float(confidence), 4),
    }


def _progress(row):
    """Return the frozen progress of a closed objective, else its key results' weighted mean."""
    if row.grade is not None:
        return row.final_progress
    return row.weighted / row.weight if row.weight else 0.0


def _pace(row, progress, on):
    """Return one pace entry, rounded as okr_app rounds it."""
    expected = expected_progress(row.start_date, row.end_date, on)
    return {
        "objective_id": row.id,
        "title": row.title,
        "period": row.period,
        "progress": round(progress, 2),
        "expected_progress": round(expected, 2),
        "delta": round(progress - expected, 2),
        "status": pace_status(progress, progress - expected),
        "forecast_date": forecast_date(progress, row.start_date, on),
    }


def _count_since(days, on, window):
    """Return the check-ins on the ``window`` days ending with ``on``."""
    first = on - timedelta(days=window - 1)
    return sum(count for day, count in days.items() if first <= day <= on)


def _mean(values):
    """Return the mean rounded to two decimals, 0 for no values."""
    values = list(values)
    return round(sum(values) / len(values), 2) if values else 0.0
