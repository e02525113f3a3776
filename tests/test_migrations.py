"""The migrations build exactly the models' schema, and run down and up again cleanly."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from okr_app.database.migrations import MIGRATIONS_DIR
from okr_app.extensions import db
from tests.conftest import POSTGRES_URL, AuthActions, migrating_app
from tests.factories import create_key_result, create_objective, record_check_ins

ROOT = Path(__file__).resolve().parents[1]


def schema_differences():
    """Return what autogenerate would change to make the database match the models."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def round_trip(database_url):
    """Upgrade, compare, downgrade to nothing, upgrade again, compare."""
    app = migrating_app(database_url)
    with app.app_context():
        upgrade()
        assert schema_differences() == []
        assert db.session.execute(text("SELECT * FROM audit_chain_head")).all() == []
        db.session.remove()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert schema_differences() == []
        db.session.remove()
        db.engine.dispose()


def test_sqlite_round_trip(tmp_path):
    round_trip(f"sqlite:///{tmp_path}/migrations.sqlite3")


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
def test_postgres_round_trip(scratch_postgres_url):
    round_trip(scratch_postgres_url)


def forecasts_survive_the_trend_sums_migration(database_url):
    """Build a history at the head, rebuild the sums with 0004 and compare the forecasts."""
    app = migrating_app(database_url)
    client = app.test_client()
    # The forecast's required rate counts from now: the two reads must see the same moment,
    # however long the migrations between them take.
    with app.app_context(), time_machine.travel(datetime.now(UTC), tick=False):
        upgrade()
        _, _, headers = AuthActions(client).user()
        objective = create_objective(client, headers, period="2026")
        key_result = create_key_result(client, headers, objective["id"], target_value=1000)
        points = (("2026-01-01T06:00:00Z", 2), ("2026-02-01T00:00:00Z", 40))
        record_check_ins(client, headers, key_result["id"], points)
        path = f"/key-results/{key_result['id']}"
        before = client.get(path, headers=headers).get_json()["forecast"]
        db.session.remove()
        downgrade(revision="0003")
        assert "trend_count" not in {
            column["name"] for column in inspect(db.engine).get_columns("key_results")
        }
        upgrade()
        after = client.get(path, headers=headers).get_json()["forecast"]
        assert before["trend_per_day"] == round(38 / (31 - 0.25), 2)
        assert after == pytest.approx(before)
        db.session.remove()
        db.engine.dispose()


def test_sqlite_trend_sums_are_backfilled(tmp_path):
    forecasts_survive_the_trend_sums_migration(f"sqlite:///{tmp_path}/backfill.sqlite3")


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
def test_postgres_trend_sums_are_backfilled(scratch_postgres_url):
    forecasts_survive_the_trend_sums_migration(scratch_postgres_url)


def test_sqlite_ids_freed_before_the_upgrade_are_never_given_again(tmp_path):
    app = migrating_app(f"sqlite:///{tmp_path}/reuse.sqlite3")
    client = app.test_client()
    with app.app_context():
        upgrade(revision="0008")
        for email in ("first@example.com", "last@example.com"):
            db.session.execute(
                text(
                    "INSERT INTO users (email, password_hash, role, is_active, created_at, "
                    "updated_at) VALUES (:email, 'x', 'user', 1, CURRENT_TIMESTAMP, "
                    "CURRENT_TIMESTAMP)"
                ),
                {"email": email},
            )
        first, last = db.session.execute(text("SELECT id FROM users ORDER BY id")).scalars()
        # The trail keeps naming the deleted account: its id must never come back.
        db.session.execute(
            text(
                "INSERT INTO audit_log (seq, at, actor_id, owner_id, action, outcome, "
                "status_code, method, path, details, prev_hash, hash) VALUES (1, "
                "CURRENT_TIMESTAMP, :id, :id, 'auth.registered', 'success', 201, 'POST', "
                "'/auth/register', '{}', '', 'x')"
            ),
            {"id": last},
        )
        db.session.execute(text("DELETE FROM users WHERE id = :id"), {"id": last})
        db.session.commit()
        db.session.remove()
        upgrade()
        assert schema_differences() == []
        newcomer = AuthActions(client).register().get_json()
        assert newcomer["id"] > last > first
        definition = db.session.execute(
            text("SELECT sql FROM sqlite_master WHERE name = 'users'")
        ).scalar()
        assert "AUTOINCREMENT" in definition
        assert "CHECK (role IN ('user', 'admin'))" in definition
        db.session.remove()
        downgrade(revision="0008")
        upgrade()
        db.session.remove()
        db.engine.dispose()


def existing_key_results_get_their_kind(database_url):
    """Key results made before kinds existed become increase or decrease, as they read."""
    app = migrating_app(database_url)
    with app.app_context():
        upgrade(revision="0008")
        db.session.execute(
            text(
                "INSERT INTO users (email, password_hash, role, is_active, created_at, "
                "updated_at) VALUES ('old@example.com', 'x', 'user', true, CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP)"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO objectives (user_id, title, period, start_date, end_date, status, "
                "version, created_at, updated_at) SELECT id, 'Old', '2026-Q1', '2026-01-01', "
                "'2026-03-31', 'active', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM users"
            )
        )
        for start, target in ((0, 100), (10, 2)):
            db.session.execute(
                text(
                    "INSERT INTO key_results (objective_id, user_id, title, metric, start_value, "
                    "target_value, current_value, weight, version, created_at, updated_at) "
                    "SELECT id, user_id, 'KR', 'm', :start, :target, :start, 1, 1, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM objectives"
                ),
                {"start": start, "target": target},
            )
        db.session.commit()
        upgrade()
        rows = db.session.execute(
            text("SELECT kind, threshold, due_on, band_days FROM key_results ORDER BY id")
        ).all()
        assert [tuple(row) for row in rows] == [
            ("increase", None, None, 0.0),
            ("decrease", None, None, 0.0),
        ]


def existing_deliveries_get_their_user(database_url):
    """Deliveries made before they named their user get their webhook's."""
    app = migrating_app(database_url)
    with app.app_context():
        upgrade(revision="0014")
        for email in ("first@example.com", "second@example.com"):
            db.session.execute(
                text(
                    "INSERT INTO users (email, password_hash, role, is_active, created_at, "
                    "updated_at) VALUES (:email, 'x', 'user', true, CURRENT_TIMESTAMP, "
                    "CURRENT_TIMESTAMP)"
                ),
                {"email": email},
            )
        db.session.execute(
            text(
                "INSERT INTO webhooks (user_id, url, events, active, secret, created_at, "
                "updated_at, active_since) SELECT id, 'https://example.com/' || email, '[\"*\"]', "
                "true, 's', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM users"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO outbox_events (event_id, user_id, type, data, created_at) "
                "SELECT 'event-' || user_id, user_id, 'ping', '{}', CURRENT_TIMESTAMP FROM webhooks"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO webhook_deliveries (webhook_id, outbox_event_id, status, attempts, "
                "created_at) SELECT webhooks.id, outbox_events.id, 'pending', 0, CURRENT_TIMESTAMP "
                "FROM webhooks JOIN outbox_events ON outbox_events.user_id = webhooks.user_id"
            )
        )
        db.session.commit()
        upgrade()
        rows = db.session.execute(
            text(
                "SELECT webhook_deliveries.user_id, webhooks.user_id FROM webhook_deliveries "
                "JOIN webhooks ON webhooks.id = webhook_deliveries.webhook_id"
            )
        ).all()
        assert len(rows) == 2
        assert all(delivery_user == webhook_user for delivery_user, webhook_user in rows)
        db.session.remove()
        db.engine.dispose()


def test_sqlite_existing_deliveries_get_their_user(tmp_path):
    existing_deliveries_get_their_user(f"sqlite:///{tmp_path}/deliveries.sqlite3")


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
def test_postgres_existing_deliveries_get_their_user(scratch_postgres_url):
    existing_deliveries_get_their_user(scratch_postgres_url)


def test_sqlite_existing_key_results_get_their_kind(tmp_path):
    existing_key_results_get_their_kind(f"sqlite:///{tmp_path}/kinds.sqlite3")


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
def test_postgres_existing_key_results_get_their_kind(scratch_postgres_url):
    existing_key_results_get_their_kind(scratch_postgres_url)


def test_flask_db_migrates_from_the_command_line_and_a_web_process_never_loads_alembic(tmp_path):
    """``flask --app wsgi db ...`` runs Flask-Migrate; the app served by gunicorn goes without.

    Flask-Migrate brings Alembic and Mako (11 MB a process); they load when a ``db``
    command runs, never when the app is only built, as gunicorn builds it in each worker.
    """
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3",
        "SECRET_KEY": "cli-test-secret-" + "x" * 40,
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]

    def run(*arguments):
        result = subprocess.run(arguments, env=env, cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()

    run(*flask, "db", "--directory", str(MIGRATIONS_DIR), "upgrade")
    assert run(*flask, "db", "current")[-1].endswith("(head)")
    loaded = (
        "import sys, wsgi; print(sorted({'alembic', 'flask_migrate', 'mako'} & set(sys.modules)))"
    )
    assert run(sys.executable, "-c", loaded)[-1] == "[]"
