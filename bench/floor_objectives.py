"""The floor's GET /objectives: okr_app's queries for a page, and the same arithmetic.

Progress and forecasts come from okr_app's plain functions, so the figures cannot differ;
the rows are read with psycopg2 and turned into dictionaries by hand.
"""

import json
from datetime import UTC, datetime, time, timedelta

from okr_app.key_results.forecast import TrendSums, forecast, missing_history, objective_projection
from okr_app.key_results.progress import key_result_progress, objective_progress

COUNT_SQL = "SELECT count(*) FROM objectives WHERE objectives.user_id = %s"
PAGE_SQL = """
SELECT id, title, description, period, start_date, end_date, status, copied_from_id,
       created_at, updated_at
FROM objectives WHERE objectives.user_id = %s
ORDER BY objectives.created_at DESC, objectives.id DESC LIMIT %s OFFSET %s"""
KEY_RESULTS_SQL = """
SELECT id, objective_id, title, metric, start_value, target_value, current_value, weight,
       created_at, updated_at
FROM key_results WHERE key_results.objective_id = ANY(%s) ORDER BY key_results.id"""
CLOSINGS_SQL = """
SELECT id, objective_id, outcome, retrospective, grade, final_progress, key_results,
       closed_at, reopened_at
FROM objective_closings WHERE objective_closings.objective_id = ANY(%s)
ORDER BY objective_closings.closed_at, objective_closings.id"""
#: A check-in's moment in days since its objective's period start, as okr_app writes it.
X = """CAST(EXTRACT(epoch FROM check_ins.at)
  - EXTRACT(epoch FROM CAST(objectives.start_date AS TIMESTAMP WITHOUT TIME ZONE)) AS FLOAT)
  / 86400.0"""
TREND_SQL = f"""
SELECT check_ins.key_result_id, objectives.start_date, objectives.end_date, count(*) AS n,
       sum({X}) AS sx, sum(check_ins.value) AS sy, sum(({X}) * check_ins.value) AS sxy,
       sum(({X}) * ({X})) AS sxx, min({X}) AS first_x, max({X}) AS last_x
FROM check_ins JOIN key_results ON key_results.id = check_ins.key_result_id
JOIN objectives ON objectives.id = key_results.objective_id
WHERE check_ins.key_result_id = ANY(%s) AND key_results.id = ANY(%s)
GROUP BY check_ins.key_result_id, objectives.start_date, objectives.end_date"""


def page(query, cursor, user_id, number, size):
    """Return the page body and its ``X-Pagination`` header."""
    total = query(cursor, COUNT_SQL, (user_id,))[0].count
    rows = query(cursor, PAGE_SQL, (user_id, size, (number - 1) * size))
    ids = [row.id for row in rows]
    key_results = {objective: [] for objective in ids}
    items = query(cursor, KEY_RESULTS_SQL, (ids,))
    closings = {}
    for closing in query(cursor, CLOSINGS_SQL, (ids,)):
        if closing.reopened_at is None:
            closings[closing.objective_id] = closing._asdict()
    trends = _trends(query, cursor, [item.id for item in items])
    for item in items:
        key_results[item.objective_id].append(_key_result(item, trends.get(item.id)))
    body = [_objective(row, key_results[row.id], closings.get(row.id)) for row in rows]
    return body, {"X-Pagination": json.dumps(_pagination(total, number, size))}


def _trends(query, cursor, key_result_ids):
    """Return ``{key_result_id: (TrendSums, start_date, end_date)}`` in one query."""
    rows = query(cursor, TREND_SQL, (key_result_ids, key_result_ids)) if key_result_ids else []
    return {
        row[0]: (TrendSums(int(row[3]), *(float(value) for value in row[4:])), row[1], row[2])
        for row in rows
    }


def _key_result(item, trend):
    """Return one key result's body with its progress and forecast."""
    progress = key_result_progress(item.start_value, item.target_value, item.current_value)
    sums, start_date, end_date = trend or (None, None, None)
    reason = missing_history(sums)
    projection = None
    if reason is None:
        period_end = datetime.combine(end_date + timedelta(days=1), time(), UTC)
        projection = forecast(
            sums,
            start=item.start_value,
            target=item.target_value,
            current=item.current_value,
            period_days=(end_date - start_date).days + 1,
            days_left=(period_end - datetime.now(UTC)).total_seconds() / 86400.0,
        )
    return {
        **item._asdict(),
        "progress": progress,
        "forecast": projection,
        "forecast_reason": reason,
    }


def _objective(row, key_results, closing):
    """Return one objective's body."""
    return {
        **row._asdict(),
        "key_results": key_results,
        "closing": closing,
        "progress": objective_progress((item["progress"], item["weight"]) for item in key_results),
        "projected_progress": objective_projection(
            (item["forecast"], item["progress"], item["weight"]) for item in key_results
        ),
    }


def _pagination(total, number, size):
    """Return flask-smorest's pagination metadata."""
    pages = -(-total // size)
    metadata = {"total": total, "total_pages": pages}
    if pages:
        metadata.update(first_page=1, last_page=pages)
    if 1 <= number <= pages:
        metadata["page"] = number
        if number > 1:
            metadata["previous_page"] = number - 1
        if number < pages:
            metadata["next_page"] = number + 1
    return metadata
