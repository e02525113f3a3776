"""SQLite connections: foreign keys enforced, and write requests serialised from their start.

SQLite enforces foreign keys (and so ON DELETE CASCADE) only when asked, per connection.
Its default transactions take the write lock only at the first write, so two requests can
read the same row and the second writer then fails on a stale version; a write request's
transaction therefore begins with ``BEGIN IMMEDIATE`` and waits its turn instead.
"""

import sqlite3

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@event.listens_for(Engine, "connect")
def configure_connection(dbapi_connection, _record):
    """Enforce foreign keys, and let SQLAlchemy (not the driver) emit BEGIN."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")


@event.listens_for(Engine, "begin")
def begin_transaction(connection):
    """Begin SQLite transactions, taking the write lock at once for write requests."""
    if connection.dialect.name != "sqlite":
        return
    writing = has_request_context() and request.method in WRITE_METHODS
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
