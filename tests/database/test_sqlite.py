"""SQLite transactions: write requests and the worker's tasks take the write lock at once."""

import sqlite3

import pytest
from flask import g
from sqlalchemy import text

from okr_app import create_app
from okr_app.extensions import db
from tests.conftest import make_config


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
