"""The database pool settings reach the SQLAlchemy engine, and PostgreSQL gets its timeout."""

import pytest
from sqlalchemy import text

from okr_app import create_app
from okr_app.database import engine
from okr_app.extensions import db
from tests.conftest import POSTGRES_URL, make_config
from tests.security.test_faults import Outage

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"  # the engine is built, never connected


def engine_of(app):
    """Return the app's engine."""
    with app.app_context():
        return db.engine


def test_pool_settings_from_the_environment_reach_the_engine(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    monkeypatch.setenv("OKR_DB_POOL_SIZE", "3")
    monkeypatch.setenv("OKR_DB_MAX_OVERFLOW", "4")
    monkeypatch.setenv("OKR_DB_POOL_TIMEOUT_SECONDS", "7")
    pool = engine_of(create_app({"TESTING": True})).pool
    assert pool.size() == 3
    assert pool._max_overflow == 4
    assert pool._timeout == 7


def test_postgres_connections_carry_the_timeouts():
    app = create_app(
        {"TESTING": True, "DATABASE_URL": UNREACHABLE, "OKR_DB_STATEMENT_TIMEOUT_MS": 1234}
    )
    connect_args = app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]
    assert connect_args["options"] == "-c statement_timeout=1234"
    assert connect_args["connect_timeout"] == 5
    assert engine_of(app).url.drivername == "postgresql+psycopg2"


def test_sqlite_gets_a_busy_timeout(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/e.sqlite3"})
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {"timeout": 30}


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
def test_the_statement_timeout_is_in_force_on_postgres():
    app = create_app(
        {"TESTING": True, "DATABASE_URL": POSTGRES_URL, "OKR_DB_STATEMENT_TIMEOUT_MS": 1234}
    )
    with app.app_context():
        assert db.session.scalar(text("SHOW statement_timeout")) == "1234ms"
        db.session.remove()
        db.engine.dispose()


def cut_open_connections(url):
    """Terminate every connection to the database of ``url``, as a restart would."""
    outage = Outage(url)
    outage.start()
    outage.end()
    outage.admin.close()


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
@pytest.mark.parametrize(("idle_seconds", "first_status"), [(0, 200), (3600, 503)])
def test_a_connection_cut_while_idle_is_tested_and_replaced(
    scratch_postgres_url, idle_seconds, first_status
):
    app = create_app(make_config(scratch_postgres_url, OKR_DB_PING_AFTER_IDLE_SECONDS=idle_seconds))
    client = app.test_client()
    assert client.get("/health").status_code == 200  # a pooled connection, now idle
    cut_open_connections(scratch_postgres_url)
    # Idle for longer than the setting: tested, found cut and replaced before use. Used
    # moments ago: taken as it is, the request fails and the pool is replaced.
    assert client.get("/health").status_code == first_status
    assert client.get("/health").status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_the_idle_time_before_a_test_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    monkeypatch.setenv("OKR_DB_PING_AFTER_IDLE_SECONDS", "2.5")
    assert create_app({"TESTING": True}).config["OKR_DB_PING_AFTER_IDLE_SECONDS"] == 2.5


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg2://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg2://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_postgres_urls_use_psycopg2(url, expected):
    assert engine.database_url({"DATABASE_URL": url}, "/instance") == expected
