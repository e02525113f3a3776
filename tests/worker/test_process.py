"""The real worker process (``flask --app wsgi worker``) on the SQLite default without Redis."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from bench.servers import Process, wait_until
from okr_app import create_app
from okr_app.extensions import db
from okr_app.models import AuditCheckpoint, Delivery, WorkerHeartbeat
from tests.conftest import AuthActions, make_config
from tests.factories import check_in, create_key_result, create_objective
from tests.webhooks.conftest import LOOPBACK, register

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]


def start_worker(tmp_path, database_url):
    """Start ``flask worker`` with a filesystem broker of its own; return the process."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "worker-test-secret-" + "x" * 40,
        "OKR_WEBHOOK_ALLOW_HTTP": "true",
        "OKR_WEBHOOK_ALLOWED_NETWORKS": LOOPBACK["OKR_WEBHOOK_ALLOWED_NETWORKS"],
        "OKR_WORKER_BROKER_URL": f"filesystem://{tmp_path}/broker",
        "OKR_WORKER_POLL_SECONDS": "0.2",
        "OKR_AUDIT_CHECKPOINT_SECONDS": "1",
    }
    env.pop("REDIS_URL", None)
    # As make run starts it: warnings only.
    command = [
        BIN / "flask",
        "--app",
        "wsgi",
        "worker",
        "--concurrency",
        "2",
        "--loglevel",
        "WARNING",
    ]
    return Process("worker", command, tmp_path / "worker.log", env=env, cwd=ROOT).start()


def checkpointed(app):
    """Return whether a checkpoint covers the audit chains."""
    with app.app_context():
        return db.session.scalar(select(AuditCheckpoint.chains)) is not None


def test_the_worker_delivers_and_finishes_its_attempt_on_sigterm(tmp_path, receiver):
    url = f"sqlite:///{tmp_path}/okr.sqlite3"
    app = create_app(make_config(url, **LOOPBACK))
    with app.app_context():
        db.create_all()
    client = app.test_client()
    _, _, headers = AuthActions(client).user()
    register(client, headers, receiver, events=["check_in.created", "objective.created"])
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"])
    assert check_in(client, headers, key_result["id"], value=7).status_code == 201

    worker = start_worker(tmp_path, url)
    try:
        wait_until(lambda: len(receiver.verified()) == 2, 60, "two verified deliveries")
        types = [item.payload["type"] for item in receiver.verified()]
        assert types == ["objective.created", "check_in.created"]
        wait_until(lambda: checkpointed(app), 30, "an audit checkpoint by the beat")

        # An attempt in flight when SIGTERM comes is finished and recorded.
        receiver.delay = 2.0
        receiver.arrived.clear()
        create_objective(client, headers)
        assert receiver.arrived.wait(30)
        os.kill(worker.pid, signal.SIGTERM)
        assert worker.popen.wait(30) == 0, worker.log()[-3000:]
    finally:
        worker.stop()
    assert len(receiver.verified()) == 3
    # Nothing but warnings: no start-up banner, no warning about the broker's host name.
    assert "[queues]" not in worker.log() and "No hostname" not in worker.log()
    with app.app_context():
        statuses = db.session.scalars(select(Delivery.status)).all()
        assert statuses == ["succeeded"] * 3
        assert db.session.scalars(select(WorkerHeartbeat)).all()
        db.engine.dispose()


def test_the_web_application_does_without_the_task_queue(tmp_path):
    """Celery loads in ``flask worker`` only: a web process never uses it."""
    loaded = (
        "import sys; import wsgi; print(sorted({'celery', 'kombu', 'billiard'} & set(sys.modules)))"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/web.db",
        "SECRET_KEY": "web-test-secret-" + "x" * 40,
    }
    result = subprocess.run(
        [sys.executable, "-c", loaded], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
