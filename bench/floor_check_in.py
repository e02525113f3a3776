"""The floor's check-in: the writes okr_app's POST /key-results/{id}/check-ins does, by hand.

In one transaction, as okr_app writes a value stated now: one statement locks the key
result, checks it is the caller's and its period has started, writes its value, version
and trend sums and returns it with its objective's period, a CTE inserting the check-in
row (a key result it cannot take that way is read with a row lock and written by separate
statements); then an audit row appended to the caller's own chain (the head advanced, the
link hash computed by PostgreSQL) with the webhooks' ``check_in.created`` event in the
outbox, carrying the answer, in the same statement as okr_app writes them. It answers what
okr_app answers: the check-in with its progress and the key result as it stands
afterwards, shown as the floor's list shows key results (``bench.floor_objectives``:
okr_app's plain functions for progress and forecast).
"""

import hashlib
import json
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

from bench.floor_objectives import _key_result, _rounded_key_result
from okr_app.okr.readings import value_progress
from okr_app.okr.rounding import rounded

KEY_RESULT_SQL = """
SELECT key_results.id, key_results.objective_id, key_results.title, key_results.metric,
       key_results.kind, key_results.current_value, key_results.weight, key_results.threshold,
       key_results.range_min, key_results.range_max, key_results.created_at,
       key_results.updated_at, key_results.start_value, key_results.target_value,
       key_results.due_on, key_results.band_days, key_results.trend_count,
       key_results.trend_sum_x, key_results.trend_sum_y, key_results.trend_sum_xy,
       key_results.trend_sum_xx, key_results.trend_first_x, key_results.trend_last_x,
       key_results.last_check_in_at, objectives.start_date, objectives.end_date
FROM key_results JOIN objectives ON objectives.id = key_results.objective_id
WHERE key_results.id = %(id)s AND key_results.user_id = %(user_id)s
FOR UPDATE OF key_results"""
#: What the check-in moves on the key result, returned by its UPDATE.
MOVED = (
    "trend_count",
    "trend_sum_x",
    "trend_sum_y",
    "trend_sum_xy",
    "trend_sum_xx",
    "trend_first_x",
    "trend_last_x",
    "last_check_in_at",
    "current_value",
    "updated_at",
)
#: What a check-in at x of a value adds to the key result's trend sums.
SUMS = """
    trend_count = trend_count + 1,
    trend_sum_x = trend_sum_x + point.x,
    trend_sum_y = trend_sum_y + %(value)s,
    trend_sum_xy = trend_sum_xy + point.x * %(value)s,
    trend_sum_xx = trend_sum_xx + point.x * point.x,
    trend_first_x = least(coalesce(trend_first_x, point.x), point.x),
    trend_last_x = greatest(coalesce(trend_last_x, point.x), point.x),"""
# x: days since the objective's period start, as okr_app.key_results.trends computes it.
# The version read by the snapshot must still be the row's when the UPDATE locks it.
PLAIN_CHECK_IN_SQL = f"""
WITH point AS (
    SELECT seen.version, objectives.start_date, objectives.end_date,
           (extract(epoch FROM %(at)s::timestamptz)
            - extract(epoch FROM objectives.start_date::timestamp))::float / 86400.0 AS x
    FROM key_results AS seen JOIN objectives ON objectives.id = seen.objective_id
    WHERE seen.id = %(id)s),
moved AS (
    UPDATE key_results SET
{SUMS}
        current_value = CASE WHEN last_check_in_at IS NULL OR %(at)s >= last_check_in_at
                        THEN %(value)s ELSE current_value END,
        last_check_in_at = greatest(coalesce(last_check_in_at, %(at)s), %(at)s),
        version = key_results.version + 1,
        updated_at = %(at)s
    FROM point
    WHERE key_results.id = %(id)s AND key_results.user_id = %(user_id)s
      AND key_results.version = point.version AND point.start_date <= %(today)s
      AND key_results.kind IN ('increase', 'decrease')
    RETURNING key_results.*, point.start_date, point.end_date),
new_check_in AS (
    INSERT INTO check_ins (key_result_id, user_id, at, value, created_at)
    SELECT moved.id, moved.user_id, %(at)s, %(value)s, %(at)s FROM moved
    RETURNING id)
SELECT moved.*, new_check_in.id AS check_in_id FROM moved, new_check_in"""
CHECK_IN_SQL = """
INSERT INTO check_ins (key_result_id, user_id, at, value, created_at)
VALUES (%(id)s, %(user_id)s, %(at)s, %(value)s, %(at)s)
RETURNING id"""
# x: days since the objective's period start, as okr_app.key_results.trends computes it.
KEY_RESULT_UPDATE_SQL = f"""
WITH point AS (
    SELECT (extract(epoch FROM %(at)s::timestamptz)
            - extract(epoch FROM objectives.start_date::timestamp))::float / 86400.0 AS x
    FROM key_results JOIN objectives ON objectives.id = key_results.objective_id
    WHERE key_results.id = %(id)s)
UPDATE key_results SET
{SUMS}
    last_check_in_at = greatest(coalesce(last_check_in_at, %(at)s), %(at)s),
    current_value = CASE WHEN %(current)s THEN %(value)s ELSE current_value END,
    version = version + 1,
    updated_at = %(at)s
FROM point
WHERE key_results.id = %(id)s
RETURNING """ + ", ".join(f"key_results.{name}" for name in MOVED)
AUDIT_SQL = """
WITH head AS (
    UPDATE audit_chain_head SET
        seq = seq + 1,
        prev_hash = last_hash,
        last_hash = encode(sha256(convert_to(
            last_hash || ':' || CAST(seq + 1 AS VARCHAR) || ':' || %(digest)s, 'UTF8')), 'hex')
    WHERE chain_key = %(user_id)s
    RETURNING seq, prev_hash, last_hash){event}
INSERT INTO audit_log (chain_key, seq, at, actor_id, owner_id, action, resource_type,
    resource_id, outcome, status_code, method, path, ip, user_agent, request_id, details,
    prev_hash, hash)
SELECT %(user_id)s, head.seq, %(at)s, %(user_id)s, %(user_id)s, 'check_in.created',
    'check_in', %(resource_id)s, 'success', 201, 'POST', %(path)s, %(ip)s, %(user_agent)s,
    NULL, %(details)s, head.prev_hash, head.last_hash
FROM head"""
#: The event's row, written by a CTE of the audit row's statement (it runs even when the
#: chain has no head yet: the retry after creating the head goes without it).
EVENT_SQL = """, event AS (
    INSERT INTO outbox_events (event_id, user_id, type, data, created_at)
    VALUES (%(event_id)s, %(user_id)s, 'check_in.created', %(event_data)s, %(at)s))"""
AUDIT_WITH_EVENT_SQL = AUDIT_SQL.format(event=EVENT_SQL)
AUDIT_ALONE_SQL = AUDIT_SQL.format(event="")


def digest(content):
    """Return SHA-256 over the canonical JSON of a row's content, as okr_app's chain does."""
    content = {**content, "at": content["at"].isoformat(timespec="microseconds")}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def record(query, dumps, cursor, user_id, key_result_id, value, request):
    """Write the check-in; return ``(body, status)``: 201 with the check-in, or 404.

    ``dumps`` writes the answer as JSON text, as the floor answers: the event carries it.
    """
    at = datetime.now(UTC)
    values = {"id": key_result_id, "user_id": user_id, "at": at, "value": value}
    written = query(cursor, PLAIN_CHECK_IN_SQL, {**values, "today": at.date()})
    if written:
        check_in_id, moved = written[0].check_in_id, written[0]
        key_result = SimpleNamespace(**moved._asdict())
    else:
        found = query(cursor, KEY_RESULT_SQL, {"id": key_result_id, "user_id": user_id})
        if not found:
            return {"code": 404, "message": "No such key result."}, 404
        latest = found[0].last_check_in_at
        check_in_id = query(cursor, CHECK_IN_SQL, values)[0].id
        moved = query(
            cursor, KEY_RESULT_UPDATE_SQL, {**values, "current": latest is None or at >= latest}
        )[0]
        key_result = SimpleNamespace(**{**found[0]._asdict(), **moved._asdict()})
    details = {"key_result_id": key_result_id, "value": value, "at": at.isoformat()}
    details["current_value"] = moved.current_value
    row = {
        "at": at,
        "actor_id": user_id,
        "owner_id": user_id,
        "action": "check_in.created",
        "resource_type": "check_in",
        "resource_id": str(check_in_id),
        "outcome": "success",
        "status_code": 201,
        "method": "POST",
        "path": request.path,
        "ip": request.remote_addr,
        "user_agent": (request.user_agent.string or "")[:255] or None,
        "request_id": None,
        "details": details,
        "chain_key": user_id,
    }
    shown = _key_result(key_result, key_result.start_date, key_result.end_date, at)
    body = {
        "id": check_in_id,
        "key_result_id": key_result_id,
        "at": at,
        "value": value,
        "progress": rounded(value_progress(key_result, value)),
        "confidence": None,
        "note": None,
        "source": None,
        "created_at": at,
        "key_result": _rounded_key_result(shown),
    }
    _append(cursor, row, dumps(body))
    return body, 201


def _append(cursor, row, event_data):
    """Append the audit row to the caller's chain with the event, creating the head if new."""
    parameters = {
        **row,
        "digest": digest(row),
        "details": json.dumps(row["details"]),
        "user_id": row["chain_key"],
        "event_id": "msg_" + uuid.uuid4().hex,
        "event_data": event_data,
    }
    cursor.execute(AUDIT_WITH_EVENT_SQL, parameters)
    if cursor.rowcount == 0:
        cursor.execute(
            "INSERT INTO audit_chain_head (chain_key, seq, prev_hash, last_hash) "
            "VALUES (%s, 0, '', '') ON CONFLICT DO NOTHING",
            (row["chain_key"],),
        )
        cursor.execute(AUDIT_ALONE_SQL, parameters)
