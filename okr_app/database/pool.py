"""Pooled database connections are tested before use when they have sat idle.

SQLAlchemy's ``pool_pre_ping`` tests every checkout, which is one more round trip on every
request (see docs/PERFORMANCE.md). A connection given back moments ago is
as alive as a test could show; one that sat idle longer than
``OKR_DB_PING_AFTER_IDLE_SECONDS`` may have been cut by a database restart, a failover or
a firewall, so it answers ``SELECT 1`` first and is replaced when it cannot. A connection
cut while in steady use fails its request (503) and makes SQLAlchemy replace the whole
pool, as it would with ``pool_pre_ping``.
"""

import time

from sqlalchemy import event, exc

#: Key of the moment a connection went back to the pool, in its pool record.
RETURNED = "okr_returned_at"


def ping_when_idle(engine, idle_seconds):
    """Test ``engine``'s pooled connections idle for ``idle_seconds`` or more on checkout."""
    error_types = engine.dialect.loaded_dbapi.Error

    @event.listens_for(engine, "checkin")
    def remember_return(_dbapi_connection, record):
        record.info[RETURNED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection, record, _proxy):
        returned = record.info.pop(RETURNED, None)
        if returned is None or time.monotonic() - returned < idle_seconds:
            return  # new, or used moments ago
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        except error_types as error:
            # The pool discards this connection and checks out another (a new one if need be).
            raise exc.DisconnectionError(str(error)) from error
