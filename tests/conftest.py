"""Fixtures: an app on an empty SQLite or PostgreSQL database, a client, an ``auth`` helper.

An app is built once per test process and set of ``settings``, and reused by the tests
sharing them: each test finds it with its settings as built and its database empty.
Without ``TEST_DATABASE_URL`` the app's SQLite file is built from the models and its rows
deleted after each test (a test that changed its schema, a trigger of a failure test say,
has the next test build a new app). With it, the PostgreSQL schema is built once from the
migrations, and each test runs inside a transaction that is rolled back at teardown. Tests
marked ``concurrent`` need real commits from several connections: they run without that
transaction and the tables are emptied afterwards. ``TEST_REDIS_URL`` puts the limiter
storage in Redis, under a key prefix of its own.
"""

import contextlib
import os
import uuid

import psycopg2
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from okr_app import create_app, extensions
from okr_app.extensions import db, limiter

#: Under ``pytest -n`` each worker process ("gw0", "gw1", ...) gets a database and a Redis
#: database of its own, next to the ones named: their tests never see each other's rows, and
#: one worker's limiter reset never wipes another's counts.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def for_this_worker(database_url, redis_url):
    """Return the PostgreSQL and Redis URLs this test process uses."""
    if not WORKER:
        return database_url, redis_url
    number = int(WORKER.removeprefix("gw"))
    if database_url:
        url = make_url(database_url)
        database_url = url.set(database=f"{url.database}_{WORKER}").render_as_string(
            hide_password=False
        )
    if redis_url:
        base, _, index = redis_url.rpartition("/")
        redis_url = f"{base}/{int(index or 0) + number}" if index.isdigit() else redis_url
    return database_url, redis_url


POSTGRES_URL, REDIS_URL = for_this_worker(
    os.environ.get("TEST_DATABASE_URL"), os.environ.get("TEST_REDIS_URL")
)
BACKEND = "postgresql" if POSTGRES_URL else "sqlite"


class WholeAnswerClient(FlaskClient):
    """A test client that reads each answer whole and closes it, as a WSGI server does.

    Werkzeug's client otherwise reads a streamed answer's first chunk only, and
    ``stream_with_context`` then keeps the finished request's contexts pushed on the thread
    until the rest is read: an export a test never reads to the end would pop them later, from
    another test's context. ``buffered=False`` still streams, for the tests of streaming.
    """

    def open(self, *args, buffered=True, **kwargs):
        """Send the request and return its answer, read whole unless ``buffered=False``."""
        return super().open(*args, buffered=buffered, **kwargs)


Flask.test_client_class = WholeAnswerClient
PASSWORD = "a perfectly long passphrase"


def pytest_configure(config):
    """Declare the markers."""
    config.addinivalue_line("markers", "concurrent: the test commits from several threads")
    config.addinivalue_line("markers", "settings(**values): setting overrides for the app")
    config.addinivalue_line("markers", "e2e: drives the deployed stack (gunicorn, nginx, Redis)")


def make_config(database_url, **overrides):
    """Return the settings of a test app."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-" + "x" * 40,
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": REDIS_URL or "memory://",
        "RATELIMIT_KEY_PREFIX": "test-" + uuid.uuid4().hex,
        **overrides,
    }


@pytest.fixture(scope="session")
def postgres_schema():
    """Build the PostgreSQL schema from the migrations, once per run."""
    if not POSTGRES_URL:
        yield None
        return
    from flask_migrate import upgrade

    name = make_url(POSTGRES_URL).database
    if WORKER:
        server_statement(f'CREATE DATABASE "{name}"')
    app = create_app(make_config(POSTGRES_URL))
    with app.app_context():
        upgrade()
        empty_tables()
        db.engine.dispose()
    yield POSTGRES_URL
    if WORKER:
        server_statement(
            f'DROP DATABASE IF EXISTS "{make_url(POSTGRES_URL).database}" WITH (FORCE)'
        )


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


@pytest.fixture
def scratch_postgres_url():
    """A throwaway PostgreSQL database on the test server, dropped afterwards."""
    server = make_url(POSTGRES_URL)
    name = f"okr_scratch_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(
        host=server.host,
        port=server.port or 5432,
        user=server.username,
        password=server.password,
        dbname="postgres",
    )
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    yield server.set(database=name).render_as_string(hide_password=False)
    admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


@pytest.fixture
def settings(request):
    """Setting overrides from the test's ``@pytest.mark.settings(NAME=value)`` marker."""
    marker = request.node.get_closest_marker("settings")
    return dict(marker.kwargs) if marker else {}


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


@pytest.fixture
def app(request, tmp_path_factory, postgres_schema, settings):
    """An app on an empty database, with a clean limiter storage and its own settings.

    The app of the same settings is reused from test to test: every setting a test sets,
    adds or removes is put back (not a change made inside a setting's own dict or list; no
    test makes one), and every row it wrote is deleted (SQLite), rolled back or truncated
    (PostgreSQL), as its limiter counts are. When any of that fails, the next test builds a
    new app.
    """
    app = built_app(settings, postgres_schema, tmp_path_factory)
    saved = dict(app.config)
    try:
        if BACKEND == "sqlite":
            yield app
            with app.app_context():
                if sqlite_schema() == app.extensions["test_schema"]:
                    delete_rows()
                else:  # a test of failures added a trigger or dropped a table: start afresh
                    retire(app)
        elif request.node.get_closest_marker("concurrent"):
            yield app
            with app.app_context():
                empty_tables()
        else:
            yield from in_rolled_back_transaction(app)
    except BaseException:
        retire(app)
        raise
    finally:
        app.config.clear()
        app.config.update(saved)
        reset_storage(app)


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


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for the app."""
    return app.test_cli_runner()


class AuthActions:
    """Register and log users in through the API."""

    def __init__(self, client):
        self.client = client
        self.counter = 0

    def register(self, email=None, password=PASSWORD, **extra):
        """Register an account and return the response."""
        if email is None:
            self.counter += 1
            email = f"user{self.counter}-{uuid.uuid4().hex[:6]}@example.com"
        return self.client.post(
            "/auth/register", json={"email": email, "password": password, **extra}
        )

    def login(self, email, password=PASSWORD):
        """Log in and return the response."""
        return self.client.post("/auth/login", json={"email": email, "password": password})

    def user(self, email=None, password=PASSWORD):
        """Register and log in a new user; return ``(profile, tokens, headers)``."""
        profile = self.register(email, password).get_json()
        tokens = self.login(profile["email"], password).get_json()
        return profile, tokens, bearer(tokens["access_token"])


def bearer(token):
    """Return the ``Authorization`` header for ``token``."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def auth(client):
    """The ``AuthActions`` helper."""
    return AuthActions(client)
