"""SQLite connections: write-ahead log, foreign keys, write requests serialised from their start.

The database runs in write-ahead-log mode (``-wal`` and ``-shm`` files beside it): a commit
never waits for a reader (a streaming export, say) and costs one sync of the log, where
SQLite's default journal makes the writer wait for every reader to finish and syncs the
journal and the database each. ``synchronous`` stays ``FULL``, so a committed write
survives a power cut.
SQLite enforces foreign keys (and so ON DELETE CASCADE) only when asked, per connection;
``sha256_hex`` is registered on each too, so the audit chain's hashing runs in SQL on both
databases.
Its default transactions take the write lock only at the first write, so two requests can
read the same row and the second writer then fails on a stale version; a write request's
transaction (and a worker task's) therefore begins with ``BEGIN IMMEDIATE`` and waits its
turn instead.
"""

import logging
import sqlite3

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import event

from okr_app.database.expressions import python_sha256_hex

logger = logging.getLogger("okr_app.database")

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def configure(engine):
    """Install the connection and transaction settings on a SQLite ``engine``."""
    event.listen(engine, "connect", configure_connection)
    event.listen(engine, "begin", begin_transaction)


def configure_connection(dbapi_connection, _record):
    """Use the write-ahead log, enforce foreign keys, let SQLAlchemy emit BEGIN, add functions.

    ``sha256_hex`` for the audit chain, and a ``lower`` that folds every alphabet.
    """
    dbapi_connection.isolation_level = None
    # Kept in the file once set; an in-memory database answers "memory" and stays so.
    try:
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError:
        # Switching needs the file to itself: a process of an earlier version (the worker, an
        # export) still reads it. This connection works in the old mode; a later one switches.
        logger.warning("the SQLite database is in use: write-ahead log left for a later connection")
    dbapi_connection.execute("PRAGMA synchronous=FULL")
    dbapi_connection.execute("PRAGMA foreign_keys=ON")
    dbapi_connection.create_function("sha256_hex", 1, python_sha256_hex, deterministic=True)
    # SQLite's own lower() folds only A to Z: "ÄBC" would not match "äbc" as on PostgreSQL.
    # No index or constraint is built on lower(), so none holds values of the old one.
    dbapi_connection.create_function("lower", 1, unicode_lower, deterministic=True)


def unicode_lower(value):
    """Return ``value`` in lower case as Python folds it, for any alphabet (NULL stays NULL)."""
    if value is None or isinstance(value, bytes):
        return value
    return str(value).lower()


def begin_transaction(connection):
    """Begin a transaction, taking the write lock at once for write requests and the worker.

    The worker's tasks set ``g.writes_database``: they read, then write, beside the app.
    """
    if has_request_context():
        writing = request.method in WRITE_METHODS
    else:
        writing = has_app_context() and g.get("writes_database", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
