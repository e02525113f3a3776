"""Fixtures: an app on an empty SQLite or PostgreSQL database, a client, an ``auth`` helper.

An app is built once per test process and set of ``settings``, and reused by the tests
sharing them: each test finds it with its settings as built and its database empty.
Without ``TEST_DATABASE_URL`` the app's SQLite file is built from the models and its rows
deleted after each test (a test that changed its schema, a trigger of a failure test say,
has the next test build a new app). With it, the PostgreSQL schema is built once from the
migrations, and each test runs inside a transaction that is rolled back at teardown. Tests
marked ``concurrent`` need real commits from several connections: they run without that
transaction and the tables are emptied afterwards. ``TEST_REDIS_URL`` puts the limiter
storage in Redis, under a key prefix of its own. The steps are in ``tests/app_lifecycle.py``,
the URLs and settings in ``tests/backends.py``.
"""

import os
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from okr_app import create_app
from okr_app.database import migrations
from okr_app.extensions import db
from tests.app_lifecycle import (
    built_app,
    delete_rows,
    empty_tables,
    in_rolled_back_transaction,
    reset_storage,
    retire,
    server_statement,
    sqlite_schema,
)

# Test modules import BACKEND, POSTGRES_URL and make_config from here.
from tests.backends import BACKEND, POSTGRES_URL, WORKER, make_config


def migrating_app(database_url):
    """Return a test app on ``database_url`` that Flask-Migrate's functions can migrate."""
    app = create_app(make_config(database_url))
    migrations.bind(app)
    return app


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


#: The variables of a shell that would reach an app's settings (``okr_app.config``).
SHELL_SETTINGS = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")


@pytest.fixture(scope="session", autouse=True)
def local_settings_left_out(tmp_path_factory):
    """Keep the developer's ``instance/config.py`` and ``OKR_*`` variables out of the tests.

    Set for ``make run`` (webhooks to a receiver on loopback, say), they would change what
    the tests' apps do. Each app gets an empty instance folder; a test sets what it needs.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("OKR_") or name in SHELL_SETTINGS:
                patch.delenv(name)
        # In the environment, so that the processes the tests start use it too.
        patch.setenv("OKR_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
        yield


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
    app = migrating_app(POSTGRES_URL)
    with app.app_context():
        upgrade()
        empty_tables()
        db.engine.dispose()
    yield POSTGRES_URL
    if WORKER:
        server_statement(
            f'DROP DATABASE IF EXISTS "{make_url(POSTGRES_URL).database}" WITH (FORCE)'
        )


@pytest.fixture
def scratch_postgres_url():
    """A throwaway PostgreSQL database on the test server, dropped afterwards."""
    name = f"okr_scratch_{uuid.uuid4().hex[:12]}"
    server_statement(f"CREATE DATABASE {name}")
    server = make_url(POSTGRES_URL).set(database=name)
    yield server.render_as_string(hide_password=False)
    server_statement(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def settings(request):
    """Setting overrides from the test's ``@pytest.mark.settings(NAME=value)`` marker."""
    marker = request.node.get_closest_marker("settings")
    return dict(marker.kwargs) if marker else {}


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
