"""The wheel ships okr_app with its migrations and password list, and runs once installed.

The wheel is built from a copy of the checkout, so no stale build/ folder can leak into it,
and installed into a fresh virtual environment; the installed app then migrates a SQLite
file and answers requests from a directory outside the checkout.
"""

import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from okr_app.database.migrations import MIGRATIONS_DIR
from tests.conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parents[1]
LOCAL_LEFTOVERS = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
)
# Anything that could point the installed app back at the checkout or configure it.
INHERITED_SETTINGS = ("PYTHON", "VIRTUAL_ENV", "FLASK_", "OKR_", "PROMETHEUS_")
APP_SETTINGS = ("DATABASE_URL", "SECRET_KEY", "REDIS_URL")

# Run by the installed interpreter: register with a good and with a common password (the
# list must be in the package), then ask /health; the answers go to the file in argv[1].
SERVE = """
import json, sys
import okr_app
from okr_app.database import migrations

client = okr_app.create_app().test_client()
account = {"email": "wheel@example.com", "password": "a perfectly long passphrase"}
common = {"email": "common@example.com", "password": "password1234"}
answers = {
    "package": okr_app.__file__,
    "migrations": migrations.MIGRATIONS_DIR,
    "register": client.post("/auth/register", json=account).status_code,
    "common": client.post("/auth/register", json=common).get_json(),
    "health": client.get("/health").get_json(),
}
with open(sys.argv[1], "w") as out:
    json.dump(answers, out)
"""


def run(command, cwd, env=None, timeout=600):
    """Run ``command`` and fail the test with its output if it does not succeed."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


def shipped_files():
    """Return the wheel paths the source tree promises: okr_app, with migrations inside it."""
    expected = set()
    for source, target in (
        (ROOT / "okr_app", "okr_app"),
        (ROOT / "migrations", "okr_app/migrations"),
    ):
        for path in source.rglob("*"):
            relative = path.relative_to(source)
            hidden = any(part.startswith(".") or part == "__pycache__" for part in relative.parts)
            if path.is_file() and not hidden:
                expected.add(f"{target}/{relative.as_posix()}")
    return expected


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """Build the wheel with ``pip wheel`` from a copy of the checkout and return its path."""
    if POSTGRES_URL:
        # The installed wheel runs on a SQLite file of its own whatever the suite's database:
        # a second pass would build and install the same wheel again for nothing.
        pytest.skip("the wheel's tests run in the SQLite pass")
    scratch = tmp_path_factory.mktemp("wheel")
    source = scratch / "source"
    shutil.copytree(ROOT, source, ignore=LOCAL_LEFTOVERS, symlinks=True)
    dist = scratch / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, source], scratch)
    (built,) = dist.glob("okr_tracker-*.whl")
    return built


def test_the_wheel_holds_okr_app_and_its_data_and_nothing_else(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "okr_app/auth/__init__.py" in names
    assert "okr_app/auth/common-passwords.txt.gz" in names
    for name in ("alembic.ini", "script.py.mako", "env.py", "README"):
        assert f"okr_app/migrations/{name}" in names
    assert any(name.startswith("okr_app/migrations/versions/") for name in names)
    for kept_out in ("bench/", "tests/", "instance/", "migrations/"):
        assert not any(name.startswith(kept_out) for name in names), kept_out
    application = {name for name in names if not name.startswith("okr_tracker-")}
    assert application == shipped_files()


def test_the_installed_wheel_migrates_and_serves_outside_the_checkout(wheel, tmp_path):
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path)
    # The checkout's pip installs into the new environment: creating one with pip costs more.
    run([sys.executable, "-m", "pip", "--python", python, "install", "-q", wheel], tmp_path)

    workdir = tmp_path / "work"
    workdir.mkdir()
    database = workdir / "okr.sqlite3"
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(INHERITED_SETTINGS) and name not in APP_SETTINGS
    }
    env.update(SECRET_KEY=secrets.token_urlsafe(36), DATABASE_URL=f"sqlite:///{database}")
    assert len(env["SECRET_KEY"]) == 48

    flask = venv / "bin" / "flask"
    run([flask, "--app", "okr_app:create_app", "db", "upgrade"], workdir, env, timeout=120)
    with sqlite3.connect(database) as connection:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == ScriptDirectory(MIGRATIONS_DIR).get_current_head()

    answers_file = tmp_path / "answers.json"
    run([python, "-c", SERVE, answers_file], workdir, env, timeout=120)
    answers = json.loads(answers_file.read_text())
    library = venv.resolve() / "lib"
    assert Path(answers["package"]).resolve().is_relative_to(library)
    assert Path(answers["migrations"]).resolve().is_relative_to(library)
    assert answers["register"] == 201
    assert "too common" in json.dumps(answers["common"]["errors"]["json"]["password"])
    assert answers["health"]["status"] == "ok"
    assert answers["health"]["database"] == "ok"
