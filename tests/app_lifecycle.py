"""A test app's life: built or reused, then its database and limiter storage emptied.

``tests/conftest.py`` describes the scheme; its ``app`` fixture runs these steps.
"""

import contextlib

import psycopg2
from sqlalchemy import text
from sqlalchemy.engine import make_url

from okr_app import create_app, extensions
from okr_app.extensions import db, limiter
from tests.backends import BACKEND, POSTGRES_URL, make_config


def server_statement(statement):
    """Run one statement on the test server's ``postgres`` database, outside a transaction."""
    server = make_url(POSTGRES_URL)
    admin = psycopg2.connect(
        host=server.host,
        port=server.port or 5432,
        user=server.username,
        password=server.password,
        dbname="postgres",
    )
    admin.autocommit = True
    try:
        admin.cursor().execute(statement)
    finally:
        admin.close()


def empty_tables():
    """Delete every row of every table (PostgreSQL only)."""
    names = ", ".join(table.name for table in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def built_app(settings, postgres_schema, tmp_path_factory):
    """Return the app built last for these ``settings``, or build one.

    Building one (the blueprints, the OpenAPI document, the URL rules) costs more than most
    tests. The extensions (flask-smorest's document, the limiter's storage) are one object each for
    the process and belong to the app built last: only that app is reused, and only by tests
    of the settings it was built with; after a test calling ``create_app`` itself, or after
    ``retire``, the next test builds a new one.
    """
    app = extensions.api._app
    if app is not None and app.extensions.get("test_settings") == settings:
        return app
    url = postgres_schema or f"sqlite:///{tmp_path_factory.mktemp('db')}/test.sqlite3"
    # The limiter reads RATELIMIT_HEADERS_ENABLED from the first app it is bound to only:
    # each app states its own.
    limiter._headers_enabled = None
    app = create_app(make_config(url, **settings))
    if BACKEND == "sqlite":
        with app.app_context():
            db.create_all()
            app.extensions["test_schema"] = sqlite_schema()
    app.extensions["test_settings"] = dict(settings)
    return app


def retire(app):
    """Keep ``app`` from being reused: the next test builds a new one."""
    app.extensions.pop("test_settings", None)


def sqlite_schema():
    """Return the SQLite database's tables, indexes and triggers, as their statements."""
    with db.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT type, name, sql FROM sqlite_master").all()


def reset_storage(app):
    """Empty the limiter storage, close the Redis breaker and the database connections."""
    with app.app_context():
        # A Redis that failed a call in this test is asked again from here on.
        options = app.config.get("RATELIMIT_STORAGE_OPTIONS") or {}
        if "connection_class" in options:
            options["connection_class"].breaker.close()
        # The limiter is one object for the process: its key prefix stays that of the first
        # app, so counts would carry over between tests sharing a Redis. Tests of an
        # unreachable storage have nothing to reset.
        with contextlib.suppress(Exception):
            limiter.reset()
        db.engine.dispose()


def delete_rows():
    """Delete every row of every table of a SQLite database, numbering from 1 again."""
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        if connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"
        ).first():
            connection.exec_driver_sql("DELETE FROM sqlite_sequence")


def in_rolled_back_transaction(app):
    """Yield ``app`` with every request joining one transaction, rolled back afterwards."""
    with app.app_context():
        engines = db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        # Every session of every request joins this transaction through savepoints.
        engines[None] = connection
        original = db.session
        db.session = db._make_scoped_session({"join_transaction_mode": "create_savepoint"})
    yield app
    with app.app_context():
        db.session.remove()
        db.session = original
        engines[None] = engine
        transaction.rollback()
        connection.close()
