"""The migrations build exactly the models' schema, and run down and up again cleanly."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from okr_app import create_app
from okr_app.extensions import db
from tests.conftest import POSTGRES_URL, make_config


def schema_differences():
    """Return what autogenerate would change to make the database match the models."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def round_trip(database_url):
    """Upgrade, compare, downgrade to nothing, upgrade again, compare."""
    app = create_app(make_config(database_url))
    with app.app_context():
        upgrade()
        assert schema_differences() == []
        head = db.session.execute(text("SELECT seq, last_hash FROM audit_head")).one()
        assert tuple(head) == (0, "")
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
