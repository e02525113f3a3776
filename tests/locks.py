"""Waiting in a test until a request of another thread waits for a row lock (PostgreSQL)."""

import time

from sqlalchemy import text

from okr_app.extensions import db

WAITING = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def wait_for_a_lock_wait(app, seconds=20):
    """Return once a connection of the test database waits for a lock; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    with app.app_context():
        while not db.session.scalar(WAITING):
            db.session.rollback()
            assert time.monotonic() < deadline, "nothing waited for a lock"
            time.sleep(0.01)
        db.session.rollback()
