"""flask backup PATH: a consistent copy of the SQLite database, and a refusal on PostgreSQL."""

import sqlite3

from okr_app import create_app
from okr_app.extensions import db
from tests.conftest import make_config


def sqlite_app(tmp_path):
    """Return an app on a fresh SQLite file with one registered user."""
    app = create_app(make_config(f"sqlite:///{tmp_path}/live.sqlite3"))
    with app.app_context():
        db.create_all()
    response = app.test_client().post(
        "/auth/register", json={"email": "ada@example.com", "password": "a long passphrase here"}
    )
    assert response.status_code == 201
    return app


def test_backup_writes_a_consistent_copy(tmp_path):
    app = sqlite_app(tmp_path)
    target = tmp_path / "copy.sqlite3"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output
    # The live rows were still in the write-ahead log; the copy is one file all the same.
    assert (tmp_path / "live.sqlite3-wal").exists()
    assert not list(tmp_path.glob("copy.sqlite3-*"))
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT email FROM users").fetchall() == [("ada@example.com",)]
        assert copy.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 1
    assert not list(tmp_path.glob(".backup-*")), "no partial file is left behind"


def test_backup_refuses_to_overwrite_without_force(tmp_path):
    app = sqlite_app(tmp_path)
    target = tmp_path / "copy.sqlite3"
    target.write_text("an older backup")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["backup", str(target)])
    assert refused.exit_code == 1
    assert "--force" in refused.output
    assert target.read_text() == "an older backup"
    assert runner.invoke(args=["backup", "--force", str(target)]).exit_code == 0
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM users").fetchone()[0] == 1


def test_backup_refuses_to_overwrite_the_live_database(tmp_path):
    app = sqlite_app(tmp_path)
    result = app.test_cli_runner().invoke(
        args=["backup", "--force", str(tmp_path / "live.sqlite3")]
    )
    assert result.exit_code == 1
    assert "live database" in result.output


def test_backup_into_a_folder_that_is_not_there_says_so(tmp_path):
    app = sqlite_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "nowhere" / "x.db")])
    assert result.exit_code == 1
    assert f"There is no folder {tmp_path / 'nowhere'} to write the backup in." in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_backup_on_postgres_points_to_pg_dump(tmp_path):
    app = create_app(make_config("postgresql://nobody@127.0.0.1:1/none"))
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "pg_dump" in result.output
    assert not (tmp_path / "x").exists()
