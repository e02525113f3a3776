"""The ``flask`` commands on a database the migrations have not brought up to date."""

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import text

from okr_app.database.migrations import MIGRATIONS_DIR
from okr_app.extensions import db
from tests.conftest import PASSWORD, migrating_app

#: Every command that reads or writes the tables, with arguments that would otherwise run it.
COMMANDS = [
    ["users", "create-admin", "root@example.com", "--password-stdin"],
    ["audit", "verify"],
    ["audit", "checkpoint"],
    ["auth", "purge-sessions"],
    ["seed-demo", "--users", "1"],
    ["purge"],
    ["worker"],
]


def run(app, args):
    """Run a ``flask`` command of ``app`` and return its result."""
    return app.test_cli_runner().invoke(args=args, input=PASSWORD + "\n")


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_command_on_an_empty_database_says_to_migrate(tmp_path, args):
    app = migrating_app(f"sqlite:///{tmp_path}/empty.sqlite3")
    result = run(app, args)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "(it is not migrated): run `flask --app wsgi db upgrade` first." in result.output
    with app.app_context():
        db.engine.dispose()


def test_a_command_on_a_database_behind_the_migrations_says_to_upgrade(tmp_path):
    latest = ScriptDirectory(MIGRATIONS_DIR).get_revision("head")
    app = migrating_app(f"sqlite:///{tmp_path}/behind.sqlite3")
    with app.app_context():
        upgrade(revision=latest.down_revision)
    result = run(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert (
        f"The database is at migration {latest.down_revision}, this version of okr-tracker "
        f"needs {latest.revision}"
    ) in result.output
    assert "run `flask --app wsgi db upgrade` first." in result.output
    with app.app_context():
        db.engine.dispose()


def test_a_command_runs_on_a_database_at_the_latest_or_a_newer_migration(tmp_path):
    app = migrating_app(f"sqlite:///{tmp_path}/latest.sqlite3")
    with app.app_context():
        upgrade()
    assert run(app, ["audit", "verify"]).exit_code == 0
    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        db.session.commit()
    result = run(app, ["users", "create-admin", "root@example.com", "--password-stdin"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
