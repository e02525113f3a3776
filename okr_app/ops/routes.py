"""Operational endpoints."""

import hmac

from flask import Response, current_app, request
from flask_jwt_extended import current_user
from flask_smorest import abort
from marshmallow import fields
from sqlalchemy import text

from okr_app.api.authentication import AccessPolicy, authenticate
from okr_app.api.blueprint import BEARER, ERROR, Blueprint
from okr_app.api.ratelimit import StorageUnavailable, check_storage
from okr_app.api.schemas import Schema
from okr_app.extensions import db
from okr_app.ops import metrics
from okr_app.worker.heartbeat import worker_status

blp = Blueprint("ops", __name__, description="Service health and metrics.")


class HealthSchema(Schema):
    """The state of each dependency: ``ok`` or what failed."""

    status = fields.String(metadata={"enum": ["ok", "degraded"]})
    database = fields.String()
    limiter = fields.String()
    worker = fields.String(
        metadata={
            "enum": ["ok", "late", "unknown"],
            "description": "The worker's last heartbeat: within OKR_WORKER_LATE_SECONDS (ok), "
            "older (late), or none (unknown). The API serves either way, so it leaves "
            "`status` alone: events wait in the outbox until a worker runs.",
        }
    )


@blp.route("/health", methods=["GET"])
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="A dependency is failing.")
def get_health():
    """Report whether the database and the rate-limit storage answer, and the worker's beat."""
    checks = {"database": _check_database(), "limiter": _check_limiter()}
    healthy = all(value == "ok" for value in checks.values())
    worker = _check_worker() if checks["database"] == "ok" else "unknown"
    body = {"status": "ok" if healthy else "degraded", **checks, "worker": worker}
    return body, 200 if healthy else 503


def _check_database():
    """Run ``SELECT 1``; return ``ok`` or the failure's name."""
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as error:  # any driver error means the database is not usable
        db.session.rollback()
        return f"unavailable: {error.__class__.__name__}"


def _check_worker():
    """Return the worker's state from its last heartbeat: ``ok``, ``late`` or ``unknown``."""
    try:
        return worker_status()
    except Exception:  # a failing read says nothing about the worker
        db.session.rollback()
        return "unknown"


def _check_limiter():
    """Ping the limiter storage; return ``ok`` or the failure."""
    try:
        check_storage()
        return "ok"
    except StorageUnavailable:
        return "unavailable"


@blp.route("/metrics", methods=["GET"])
@blp.doc(
    security=BEARER,
    responses={
        "200": {
            "description": "Prometheus text exposition format.",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    },
)
@blp.alt_response(401, response=ERROR)
@blp.alt_response(403, response=ERROR)
def prometheus_metrics():
    """Return the Prometheus metrics; for admins, or a scraper presenting OKR_METRICS_TOKEN.

    An admin's access token is accepted; personal access tokens are refused (403).
    """
    if not _scraper_token_presented():
        authenticate(AccessPolicy(personal_tokens=False))
        if not current_user.is_admin:
            abort(401, message="Metrics are for admins and the configured scraper token.")
    body, content_type = metrics.exposition()
    return Response(body, content_type=content_type)


def _scraper_token_presented():
    """Tell whether the request carries the configured scraper token (constant time)."""
    expected = current_app.config.get("OKR_METRICS_TOKEN")
    presented = request.headers.get("Authorization", "")
    return bool(expected) and hmac.compare_digest(presented.encode(), f"Bearer {expected}".encode())
