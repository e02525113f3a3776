"""``flask audit verify`` shows a progress bar on a terminal, and only there."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A trail of a few rows: one account registered and logged in, one failed login.
FILL = """
from okr_app import create_app
from okr_app.extensions import db

app = create_app()
with app.app_context():
    db.create_all()
client = app.test_client()
account = {"email": "progress@example.com", "password": "a perfectly long passphrase"}
assert client.post("/auth/register", json=account).status_code == 201
assert client.post("/auth/login", json=account).status_code == 200
assert client.post("/auth/login", json={**account, "password": "wrong"}).status_code == 401
"""


def test_verify_shows_its_progress_on_a_terminal_only(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/progress.sqlite3",
        "SECRET_KEY": "progress-test-secret-" + "x" * 40,
    }
    filled = subprocess.run(
        [sys.executable, "-c", FILL], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert filled.returncode == 0, filled.stderr
    verify = [sys.executable, "-m", "flask", "--app", "wsgi", "audit", "verify"]
    terminal, its_end = os.openpty()
    try:
        on_terminal = subprocess.run(
            verify, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=its_end, text=True
        )
        os.close(its_end)
        shown = b""
        while chunk := _read(terminal):
            shown += chunk
    finally:
        os.close(terminal)
    assert on_terminal.returncode == 0
    assert "Audit trail intact: 3 rows" in on_terminal.stdout
    assert b"Verifying" in shown and b"100%" in shown
    piped = subprocess.run(verify, env=env, cwd=ROOT, capture_output=True, text=True)
    assert piped.returncode == 0
    assert "Verifying" not in piped.stderr


def _read(descriptor):
    """Read what the terminal holds; b"" once its other end is closed and it is drained."""
    try:
        return os.read(descriptor, 4096)
    except OSError:  # EIO: nothing left, the writing end is closed
        return b""
