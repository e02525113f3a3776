"""The floor: GET /objectives, GET /stats and a check-in with the least machinery possible.

Plain Flask, psycopg2 with a connection pool, the SQL that okr_app sends, and
``json.dumps`` with Flask's own settings (sorted keys, compact), so the bodies match
okr_app's byte for byte. It checks a token as strictly as okr_app: HS256 signature,
expiry, type ``access``, and one query for the session and its user. The benchmark serves
it with deploy/gunicorn.conf.py: ``gunicorn -c deploy/gunicorn.conf.py bench.floor_app:app``.
"""

import json
import os
import threading
from datetime import UTC, datetime

import jwt
from flask import Flask, Response, request
from psycopg2.extras import NamedTupleCursor
from psycopg2.pool import ThreadedConnectionPool

from bench import floor_check_in, floor_objectives, floor_stats

SESSION_SQL = """
SELECT auth_sessions.user_id, auth_sessions.expires_at, auth_sessions.revoked_at, users.is_active
FROM auth_sessions JOIN users ON auth_sessions.user_id = users.id
WHERE auth_sessions.id = %s"""
PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX = 20, 100

app = Flask(__name__)
_pool = None
_pool_lock = threading.Lock()


def connection_pool():
    """Return this worker's pool, made on first use so that no connection crosses a fork."""
    global _pool  # one pool per process, like an engine
    with _pool_lock:
        if _pool is None:
            _pool = ThreadedConnectionPool(1, 10, os.environ["DATABASE_URL"])
    return _pool


def query(cursor, sql, parameters):
    """Run ``sql`` with its parameters (a tuple or a dict); return the rows as named tuples."""
    cursor.execute(sql, parameters)
    return cursor.fetchall()


def answer(body, headers=None, status=200):
    """Return ``body`` as JSON the way Flask's provider writes it."""
    return Response(dumps(body) + "\n", status, headers, mimetype="application/json")


def dumps(body):
    """Return ``body`` as JSON text the way Flask's provider writes it."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=_isoformat)


def _isoformat(value):
    """Write dates as ISO 8601 and moments in UTC, as okr_app's schemas do."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


def authenticated(cursor):
    """Return the caller's user id, or None for a bad, expired or revoked token."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    try:
        claims = jwt.decode(header[7:], os.environ["SECRET_KEY"], algorithms=["HS256"])
    except jwt.InvalidTokenError:
        return None
    if claims.get("type") != "access":
        return None
    rows = query(cursor, SESSION_SQL, (str(claims.get("sid", "")),))
    if not rows:
        return None
    session = rows[0]
    if session.revoked_at is not None or session.expires_at <= datetime.now(UTC):
        return None
    if not session.is_active or str(session.user_id) != claims.get("sub"):
        return None
    return session.user_id


def handle(view):
    """Run ``view(cursor, user_id)`` on a pooled connection; 401 without a valid token."""
    pool = connection_pool()
    connection = pool.getconn()
    try:
        with connection, connection.cursor(cursor_factory=NamedTupleCursor) as cursor:
            user_id = authenticated(cursor)
            if user_id is None:
                return answer({"code": 401, "message": "Invalid token."}, status=401)
            return view(cursor, user_id)
    finally:
        pool.putconn(connection)


@app.get("/objectives")
def objectives():
    """Return a page of the caller's objectives with their key results."""
    try:
        page = int(request.args.get("page", 1))
        size = min(int(request.args.get("page_size", PAGE_SIZE_DEFAULT)), PAGE_SIZE_MAX)
    except ValueError:
        return answer({"code": 422, "message": "Bad page."}, status=422)
    return handle(
        lambda cursor, user_id: answer(*floor_objectives.page(query, cursor, user_id, page, size))
    )


@app.get("/stats")
def stats():
    """Return the caller's statistics over every objective that is not archived."""
    return handle(lambda cursor, user_id: answer(floor_stats.statistics(query, cursor, user_id)))


@app.post("/key-results/<int:key_result_id>/check-ins")
def check_in(key_result_id):
    """Record a check-in stated as ``{"value": number}``, with its audit row; answer both."""
    body = request.get_json(silent=True) or {}
    value = body.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return answer({"code": 422, "message": "value must be a number."}, status=422)

    def view(cursor, user_id):
        written, status = floor_check_in.record(
            query, dumps, cursor, user_id, key_result_id, float(value), request
        )
        return answer(written, status=status)

    return handle(view)
