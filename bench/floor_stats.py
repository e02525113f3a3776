"""The floor's GET /stats: okr_app's three aggregate queries and the same arithmetic.

The body is assembled by okr_app's ``summarise`` (plain functions over rows, no framework),
so the floor and the app cannot disagree on a figure; the rows come from psycopg2.
"""

from datetime import UTC, datetime

from okr_app.config import DEFAULTS
from okr_app.stats.summary import summarise

COVERED = "objectives.user_id = %(user)s AND objectives.status != 'archived'"
#: Where key results are joined: the user's own, as okr_app states it for the index.
KEY_RESULTS_COVERED = f"key_results.user_id = %(user)s AND {COVERED}"
PROGRESS = """CASE
  WHEN (current_value - start_value) / (target_value - start_value) <= 0 THEN 0.0
  WHEN (current_value - start_value) / (target_value - start_value) >= 1 THEN 100.0
  ELSE (current_value - start_value) / (target_value - start_value) * 100.0 END"""
#: A key result's due moment in seconds, and whether its objective has a current cadence.
DUE = """extract(epoch FROM coalesce(key_results.last_check_in_at, key_results.created_at))
  + objectives.check_in_every_days * 86400"""
IN_CADENCE = """objectives.check_in_every_days IS NOT NULL AND objectives.status = 'active'
  AND objectives.start_date <= %(today)s AND objectives.end_date >= %(today)s"""
OBJECTIVES_SQL = f"""
SELECT objectives.id, objectives.title, objectives.period, objectives.status,
       objectives.start_date, objectives.end_date, sums.count, sums.weighted, sums.weight,
       sums.progress, sums.completed, sums.not_started, sums.overdue, sums.stale,
       objective_closings.grade,
       objective_closings.final_progress
FROM objectives LEFT OUTER JOIN (
  SELECT key_results.objective_id, count(*) AS count,
         sum(({PROGRESS}) * key_results.weight) AS weighted, sum(key_results.weight) AS weight,
         sum({PROGRESS}) AS progress,
         sum(CASE WHEN ({PROGRESS}) >= 100.0 THEN 1 ELSE 0 END) AS completed,
         sum(CASE WHEN ({PROGRESS}) <= 0.0 THEN 1 ELSE 0 END) AS not_started,
         sum(CASE WHEN {IN_CADENCE} AND {DUE} < %(now)s THEN 1 ELSE 0 END) AS overdue,
         sum(CASE WHEN {IN_CADENCE} AND {DUE} + %(stale)s < %(now)s THEN 1 ELSE 0 END) AS stale
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
    now = datetime.now(UTC)
    stale = DEFAULTS["OKR_STALE_AFTER_DAYS"] * 86400
    rows = query(
        cursor,
        OBJECTIVES_SQL,
        {"user": user_id, "today": now.date(), "now": now.timestamp(), "stale": stale},
    )
    days = {row.day: row.count for row in query(cursor, DAYS_SQL, {"user": user_id})}
    confidence = query(cursor, CONFIDENCE_SQL, {"user": user_id})[0].average
    return summarise(rows, days, confidence, datetime.now(UTC).date())
