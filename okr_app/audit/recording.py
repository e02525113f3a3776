"""The content of audit rows: of a request, or of an administrative command run from the shell."""

from flask import g, request

from okr_app.audit import chain
from okr_app.models.types import utcnow

SECRET_WORDS = ("password", "token", "secret", "authorization", "hash")


def request_row(event, status_code):
    """Return the column values of the row of this request, from its ``AuditEvent``."""
    # The request and its globals, each looked up once (``docs/PERFORMANCE.md``).
    current, kept = request._get_current_object(), g._get_current_object()
    actor_id = event.actor_id or (kept.get("okr_user_id") if event.caller_acts else None)
    return {
        "at": utcnow(),
        "actor_id": actor_id,
        "owner_id": actor_id if event.owner_id is None else event.owner_id,
        "action": event.action,
        "resource_type": event.resource_type,
        "resource_id": event.resource_id,
        "outcome": outcome(status_code),
        "status_code": status_code,
        "method": current.method,
        "path": current.path[:255],
        "ip": current.remote_addr,
        "user_agent": (current.user_agent.string or "")[:255] or None,
        "request_id": kept.get("audit_request_id"),
        "token_id": kept.get("okr_token_id"),
        "details": with_client_request_id(scrub(event.details), kept.get("client_request_id")),
    }


def with_client_request_id(details, supplied):
    """Add the ``X-Request-ID`` the client (or its proxy) sent, if any, to ``details``."""
    return details if supplied is None else {**details, "client_request_id": supplied}


def outcome(status_code):
    """Return ``success`` (below 400), ``denied`` (4xx) or ``error`` (5xx)."""
    return "success" if status_code < 400 else "denied" if status_code < 500 else "error"


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
