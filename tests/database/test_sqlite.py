"""SQLite transactions: write requests and the worker's tasks take the write lock at once."""

import sqlite3

import pytest
from flask import g
from sqlalchemy import text

from okr_app import create_app
from okr_app.extensions import db
from tests.conftest import PASSWORD, make_config


@pytest.mark.parametrize(("writes", "locked"), [(True, True), (False, False)])
def test_a_worker_task_begins_with_the_write_lock(tmp_path, writes, locked):
    path = tmp_path / "lock.sqlite3"
    app = create_app(make_config(f"sqlite:///{path}"))
    with app.app_context():
        db.create_all()
        g.writes_database = writes
        db.session.execute(text("SELECT 1"))  # begins the transaction
        other = sqlite3.connect(path, timeout=0)
        try:
            if locked:
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            else:
                other.execute("BEGIN IMMEDIATE")
                other.rollback()
        finally:
            other.close()
            db.session.rollback()
            db.engine.dispose()


@pytest.mark.parametrize("url", ["sqlite:///{path}", "sqlite://"])
def test_the_database_keeps_a_write_ahead_log(tmp_path, url):
    app = create_app(make_config(url.format(path=tmp_path / "wal.sqlite3")))
    with app.app_context():
        mode = db.session.execute(text("PRAGMA journal_mode")).scalar_one()
        synchronous = db.session.execute(text("PRAGMA synchronous")).scalar_one()
        db.session.rollback()
        db.engine.dispose()
    # An in-memory database has no file to keep a log beside; it works as before.
    assert mode == ("wal" if "{path}" in url else "memory")
    assert synchronous == 2  # FULL: a committed write survives a power cut


def impatient_app(path):
    """Return an app on a new SQLite file at ``path`` that waits one second for a lock.

    Not thirty: a connection or a write that a lock blocks fails fast.
    """
    engine_options = {"connect_args": {"timeout": 1}}
    app = create_app(make_config(f"sqlite:///{path}", SQLALCHEMY_ENGINE_OPTIONS=engine_options))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return app


def journal_mode(app):
    """Return the journal mode a new connection of ``app`` finds, and close it again."""
    with app.app_context():
        mode = db.session.execute(text("PRAGMA journal_mode")).scalar_one()
        db.session.rollback()
        db.engine.dispose()
    return mode


def test_a_write_commits_while_a_long_read_is_open(tmp_path):
    path = tmp_path / "reader.sqlite3"
    app = impatient_app(path)
    client = app.test_client()
    assert client.post("/auth/register", json={"email": "a@example.com", "password": PASSWORD})
    reader = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM users").fetchone() == (1,)
        # The reader's transaction is still open, as a streaming export's would be.
        answer = client.post(
            "/auth/register", json={"email": "b@example.com", "password": PASSWORD}
        )
        assert answer.status_code == 201, answer.get_json()
        # The reader keeps the snapshot it began with; the write is there for the next one.
        assert reader.execute("SELECT count(*) FROM users").fetchone() == (1,)
        reader.execute("COMMIT")
        assert reader.execute("SELECT count(*) FROM users").fetchone() == (2,)
    finally:
        reader.close()
        with app.app_context():
            db.engine.dispose()


def test_a_file_still_open_in_the_old_journal_mode_is_switched_by_a_later_connection(tmp_path):
    path = tmp_path / "old.sqlite3"
    app = impatient_app(path)
    # A file of an earlier version, read by a process of that version while this one starts.
    earlier = sqlite3.connect(path, isolation_level=None)
    earlier.execute("PRAGMA journal_mode=DELETE")
    earlier.execute("BEGIN")
    earlier.execute("SELECT count(*) FROM users").fetchone()
    try:
        assert app.test_client().get("/health").status_code == 200
        assert journal_mode(app) == "delete"
    finally:
        earlier.execute("COMMIT")
        earlier.close()
    assert journal_mode(app) == "wal"
