"""JSON answers for failures that do not come from ``abort``."""

from flask import current_app
from sqlalchemy.exc import DBAPIError, OperationalError

from okr_app.extensions import db


def init_app(app):
    """Register the handlers for database outages and unexpected exceptions."""
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(DBAPIError, database_error)
    app.register_error_handler(RecursionError, too_deeply_nested)


def too_deeply_nested(_error):
    """Answer 400 for a JSON body nested deeper than the parser can follow."""
    message = "The JSON body is nested too deeply."
    return {"code": 400, "status": "Bad Request", "message": message}, 400


def database_unavailable(error):
    """Answer 503 when the database cannot be reached; the pool recovers by itself."""
    db.session.rollback()
    current_app.logger.error("database unavailable: %s", error.__class__.__name__)
    return (
        {
            "code": 503,
            "status": "Service Unavailable",
            "message": "The database is unavailable. Try again shortly.",
        },
        503,
        {"Retry-After": "5"},
    )


def database_error(error):
    """Answer 503 for a lost connection and 500 for any other database failure."""
    if error.connection_invalidated:
        return database_unavailable(error)
    db.session.rollback()
    current_app.logger.exception("database error")
    return {"code": 500, "status": "Internal Server Error", "message": "Internal error."}, 500
