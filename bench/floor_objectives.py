"""The floor's GET /objectives: okr_app's queries for a page, and the same arithmetic.

Progress and forecasts (from the key results' stored trend sums) come from okr_app's plain
functions, rounded as okr_app answers them, so the figures cannot differ; the rows are read
with psycopg2 and turned into dictionaries by hand.
"""

import json
from datetime import UTC, datetime

from okr_app.okr.forecast import objective_projection
from okr_app.okr.progress import objective_progress
from okr_app.okr.readings import reading_forecast, reading_progress, shown_fields
from okr_app.okr.rounding import rounded

COUNT_SQL = "SELECT count(*) FROM objectives WHERE objectives.user_id = %s"
PAGE_SQL = """
SELECT id, title, description, period, start_date, end_date, status, copied_from_id,
       created_at, updated_at
FROM objectives WHERE objectives.user_id = %s
ORDER BY objectives.created_at DESC, objectives.id DESC LIMIT %s OFFSET %s"""
FIELDS = (
    "id, objective_id, title, metric, kind, current_value, weight, threshold, range_min, range_max"
)
#: The body's fields, then what progress and forecast are computed from by kind: start and
#: target, the days in band and the stored trend sums.
KEY_RESULTS_SQL = f"""
SELECT {FIELDS}, created_at, updated_at, start_value, target_value, due_on, band_days,
       trend_count, trend_sum_x, trend_sum_y, trend_sum_xy, trend_sum_xx, trend_first_x,
       trend_last_x
FROM key_results WHERE key_results.objective_id = ANY(%s) ORDER BY key_results.id"""
BODY_FIELDS = (*FIELDS.split(", "), "created_at", "updated_at")
#: The forecast's computed numbers, which okr_app answers rounded to 2 decimals.
FORECAST_NUMBERS = ("projected_value", "projected_progress", "required_rate", "trend_per_day")
CLOSINGS_SQL = """
SELECT id, objective_id, outcome, retrospective, grade, final_progress, key_results,
       closed_at, reopened_at
FROM objective_closings WHERE objective_closings.objective_id = ANY(%s)
ORDER BY objective_closings.closed_at, objective_closings.id"""


def page(query, cursor, user_id, number, size):
    """Return the page body and its ``X-Pagination`` header."""
    total = query(cursor, COUNT_SQL, (user_id,))[0].count
    rows = query(cursor, PAGE_SQL, (user_id, size, (number - 1) * size))
    ids = [row.id for row in rows]
    periods = {row.id: (row.start_date, row.end_date) for row in rows}
    key_results = {objective: [] for objective in ids}
    closings = {}
    for closing in query(cursor, CLOSINGS_SQL, (ids,)):
        if closing.reopened_at is None:
            closings[closing.objective_id] = closing._asdict()
    now = datetime.now(UTC)
    for item in query(cursor, KEY_RESULTS_SQL, (ids,)):
        key_results[item.objective_id].append(_key_result(item, *periods[item.objective_id], now))
    body = [_objective(row, key_results[row.id], closings.get(row.id)) for row in rows]
    return body, {"X-Pagination": json.dumps(_pagination(total, number, size))}


def _key_result(item, start_date, end_date, now):
    """Return one key result's body with its progress and forecast, by its kind."""
    projection, reason = reading_forecast(item, start_date, end_date, now)
    shown = shown_fields(item)
    return {
        **{name: getattr(item, name) for name in BODY_FIELDS},
        "start_value": shown["defined_start_value"],
        "target_value": shown["defined_target_value"],
        "in_band": shown["in_band"],
        "done": shown["done"],
        "progress": reading_progress(item, start_date, end_date, now),
        "forecast": projection,
        "forecast_reason": reason,
    }


def _objective(row, key_results, closing):
    """Return one objective's body, its computed numbers rounded as okr_app answers them."""
    progress = objective_progress((item["progress"], item["weight"]) for item in key_results)
    projected = objective_projection(
        (item["forecast"], item["progress"], item["weight"]) for item in key_results
    )
    if closing is not None:
        closing = {**closing, "final_progress": rounded(closing["final_progress"])}
    return {
        **row._asdict(),
        "key_results": [_rounded_key_result(item) for item in key_results],
        "closing": closing,
        "progress": rounded(progress),
        "projected_progress": rounded(projected),
    }


def _rounded_key_result(item):
    """Return a key result's body with its progress and forecast rounded."""
    forecast = item["forecast"]
    if forecast is not None:
        forecast = {
            name: rounded(value) if name in FORECAST_NUMBERS else value
            for name, value in forecast.items()
        }
    return {**item, "progress": rounded(item["progress"]), "forecast": forecast}


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
