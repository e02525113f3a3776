"""One JSON line per request on the ``okr_app.requests`` logger (stdout by default).

Written by orjson, compact (no spaces after the separators), as the API's answers are.
"""

import logging
import sys
import time

import orjson
from flask import g, request, request_finished

from okr_app.ops.metrics import endpoint_template

logger = logging.getLogger("okr_app.requests")


def init_app(app):
    """Log every request once it has its final answer."""
    if not logger.handlers and not app.testing:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    request_finished.connect(log_request, app)


def log_request(_app, response, **_extra):
    """Write the request's method, path template, status, duration, request id and user id.

    Never the query string, headers or body: they may hold secrets. Only plain values are
    read: the request's transaction may be over, and the database must not be asked again.
    """
    # The request and its globals, each looked up once (``docs/PERFORMANCE.md``).
    current, kept = request._get_current_object(), g._get_current_object()
    started = kept.get("started_at")
    logger.info(
        orjson.dumps(
            {
                "method": current.method,
                "path": endpoint_template(current),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2)
                if started
                else None,
                "request_id": kept.get("request_id"),
                "audit_request_id": kept.get("audit_request_id"),
                "user_id": kept.get("okr_user_id"),
            }
        ).decode()
    )
