"""One JSON line per request on the ``okr_app.requests`` logger (stdout by default)."""

import json
import logging
import sys
import time

from flask import g, request

from okr_app.ops.metrics import endpoint_template

logger = logging.getLogger("okr_app.requests")


def init_app(app):
    """Log every request; register this before hooks that may change the status."""
    if not logger.handlers and not app.testing:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    app.after_request(log_request)


def log_request(response):
    """Write the request's method, path template, status, duration, request id and user id.

    Never the query string, headers or body: they may hold secrets.
    """
    started = g.get("started_at")
    user = g.get("okr_session_user")
    logger.info(
        json.dumps(
            {
                "method": request.method,
                "path": endpoint_template(),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2)
                if started
                else None,
                "request_id": g.get("request_id"),
                "user_id": user.id if user is not None else None,
            }
        )
    )
    return response
