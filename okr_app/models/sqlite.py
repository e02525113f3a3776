"""SQLite enforces foreign keys (and so ON DELETE CASCADE) only when asked, per connection."""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def enforce_foreign_keys(dbapi_connection, _record):
    """Turn on foreign key enforcement for every new SQLite connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
