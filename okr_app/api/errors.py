"""One JSON error shape, ``{code, status, message, errors?}``, for every failure."""

from flask import current_app
from sqlalchemy.exc import DBAPIError, OperationalError, PendingRollbackError
from werkzeug.exceptions import HTTPException

from okr_app.database import conflicts
from okr_app.extensions import api, db


def init_app(app):
    """Register the handlers; call after ``api.init_app``, whose HTTP handler this replaces."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(OperationalError, database_unavailable)
    # A connection lost earlier in the request leaves a transaction to roll back first.
    app.register_error_handler(PendingRollbackError, database_unavailable)
    app.register_error_handler(DBAPIError, database_error)
    app.register_error_handler(RecursionError, too_deeply_nested)


def handle_http_exception(error):
    """Answer any HTTP error as ``{code, status, message, errors?}``, keeping its headers."""
    payload, code, headers = api.handle_http_exception(error)
    if "message" not in payload:
        payload["message"] = error.description or error.name
    if "errors" in payload:
        payload["errors"] = {
            location: flat_messages(messages) for location, messages in payload["errors"].items()
        }
    # Keep the exception's own headers, such as Allow on 405.
    own = {name: value for name, value in error.get_headers() if name != "Content-Type"}
    return payload, code, {**own, **(headers or {})}


def flat_messages(messages, prefix=None):
    """Return ``{field: [message, ...]}``, nested fields' names joined by dots (``a.0.b``).

    Marshmallow nests the errors of nested fields and lists; the API's error shape is one
    level of fields under each location, each with its list of messages.
    """
    if isinstance(messages, str):
        return {"_schema" if prefix is None else prefix: [messages]}
    if isinstance(messages, list):
        if all(isinstance(item, str) for item in messages):
            return {"_schema" if prefix is None else prefix: list(messages)}
        flat = {}
        for item in messages:
            for name, texts in flat_messages(item, prefix).items():
                flat.setdefault(name, []).extend(texts)
        return flat
    flat = {}
    for name, nested in messages.items():
        for key, texts in flat_messages(
            nested, str(name) if prefix is None else f"{prefix}.{name}"
        ).items():
            flat.setdefault(key, []).extend(texts)
    return flat


def error_body(code, status, message):
    """Return the JSON body of an error that no ``abort`` raised."""
    return {"code": code, "status": status, "message": message}


def too_deeply_nested(_error):
    """Answer 400 for a JSON body nested deeper than the parser can follow."""
    return error_body(400, "Bad Request", "The JSON body is nested too deeply."), 400


def database_unavailable(error):
    """Answer 503 when the database cannot be reached; the pool recovers by itself.

    A write rolled back for a concurrent one's sake (a deadlock) is 409: retry.
    """
    discard_transaction()
    if conflicts.is_write_conflict(error):
        current_app.logger.warning("write conflict: %s", error.orig.pgcode)
        return write_conflict()
    current_app.logger.error("database unavailable: %s", error.__class__.__name__)
    message = "The database is unavailable. Try again shortly."
    return error_body(503, "Service Unavailable", message), 503, {"Retry-After": "5"}


def write_conflict():
    """Return the 409 of a write rolled back for a concurrent one's sake: retry in a second."""
    body = error_body(409, "Conflict", conflicts.MESSAGE)
    return body, 409, {"Retry-After": conflicts.RETRY_AFTER}


def database_error(error):
    """Answer 503 for a lost connection and 500 for any other database failure."""
    if error.connection_invalidated:
        return database_unavailable(error)
    discard_transaction()
    current_app.logger.exception("database error")
    return error_body(500, "Internal Server Error", "Internal error."), 500


def discard_transaction():
    """Roll the request's transaction back; a connection already gone has nothing to undo."""
    try:
        db.session.rollback()
    except (DBAPIError, PendingRollbackError):
        current_app.logger.warning("rollback failed on a lost connection")
