"""The after-request hook that writes one audit row per state-changing request."""

from flask import current_app, g, jsonify, request
from sqlalchemy.exc import OperationalError

from okr_app.audit import chain
from okr_app.audit.context import current_event, declared_action
from okr_app.extensions import db
from okr_app.models.types import utcnow
from okr_app.ops import metrics

AUDITED_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SECRET_WORDS = ("password", "token", "secret", "authorization", "hash")


def init_app(app):
    """Install the hook."""
    app.after_request(write_audit_row)


def write_audit_row(response):
    """Commit the request's changes together with its audit row, or refuse the change.

    Successful requests: the row joins the request's transaction, so the change and its
    row commit together or not at all. Refused or failed requests: their changes are rolled
    back and the row is committed on its own. If the row of a change cannot be written, the
    change is rolled back and the client gets a JSON 500 (503 with the database away); a
    refusal whose row cannot be written keeps its answer, since nothing changed.
    """
    event = current_event()
    if request.method not in AUDITED_METHODS and event is None:
        return response
    success = response.status_code < 400
    try:
        if not success:
            db.session.rollback()
        fields = _row_fields(event, response.status_code)
        chain.append(fields)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        current_app.logger.exception("audit row could not be written; changes rolled back")
        return _unrecorded(error) if success else response
    metrics.record_audit_row(fields["action"], fields["outcome"])
    return response


def _unrecorded(error):
    """Return the JSON answer for a change that was rolled back for want of its row."""
    unavailable = isinstance(error, OperationalError)
    failure = jsonify(
        code=503 if unavailable else 500,
        status="Service Unavailable" if unavailable else "Internal Server Error",
        message="The change could not be recorded and was not applied.",
    )
    failure.status_code = 503 if unavailable else 500
    failure.headers["X-Request-ID"] = g.get("request_id", "")
    return failure


def _row_fields(event, status_code):
    """Return the column values of the row for this request."""
    event = event or {}
    actor = g.get("okr_session_user")
    actor_id = event.get("actor_id") or (actor.id if actor is not None else None)
    return {
        "at": utcnow(),
        "actor_id": actor_id,
        "owner_id": event.get("owner_id", actor_id),
        "action": event.get("action") or _default_action(),
        "resource_type": event.get("resource_type"),
        "resource_id": event.get("resource_id"),
        "outcome": "success" if status_code < 400 else "denied" if status_code < 500 else "error",
        "status_code": status_code,
        "method": request.method,
        "path": request.path[:255],
        "ip": request.remote_addr,
        "user_agent": (request.user_agent.string or "")[:255] or None,
        "request_id": g.get("request_id"),
        "details": scrub(event.get("details") or {}),
    }


def _default_action():
    """Name the action as the view declared it, else ``request.<method>``."""
    declared = declared_action(current_app.view_functions, request.endpoint, request.method)
    return declared or f"request.{request.method.lower()}"


def scrub(value):
    """Return ``value`` without any key that names a secret."""
    if isinstance(value, dict):
        return {
            key: scrub(item)
            for key, item in value.items()
            if not any(word in str(key).lower() for word in SECRET_WORDS)
        }
    if isinstance(value, list):
        return [scrub(item) for item in value]
    return value


def record_command(action, *, resource_type, resource_id, owner_id, details=None):
    """Append the row of an administrative command run from the shell (no request)."""
    chain.append(
        {
            "at": utcnow(),
            "actor_id": None,
            "owner_id": owner_id,
            "action": action,
            "resource_type": resource_type,
            "resource_id": str(resource_id),
            "outcome": "success",
            "status_code": 0,
            "method": "CLI",
            "path": "flask " + action,
            "ip": None,
            "user_agent": None,
            "request_id": None,
            "details": scrub(details or {}),
        }
    )
