"""Worker heartbeats: each worker process notes it is alive; /health reads the latest."""

import os
import socket
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update

from okr_app.extensions import db
from okr_app.models import WorkerHeartbeat
from okr_app.models.types import utcnow

#: Heartbeats of workers gone for this long are deleted.
FORGET_AFTER = timedelta(days=1)


def worker_name():
    """Return this process's name among the workers: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"[:128]


def beat():
    """Record that this worker is alive now, and forget workers silent for a day."""
    now = utcnow()
    name = worker_name()
    changed = db.session.execute(
        update(WorkerHeartbeat).where(WorkerHeartbeat.name == name).values(beat_at=now)
    )
    if changed.rowcount == 0:
        db.session.add(WorkerHeartbeat(name=name, beat_at=now))
    db.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < now - FORGET_AFTER))
    db.session.commit()


def worker_status():
    """Return ``ok`` (a heartbeat within OKR_WORKER_LATE_SECONDS), ``late`` or ``unknown``."""
    latest = db.session.scalar(select(func.max(WorkerHeartbeat.beat_at)))
    if latest is None:
        return "unknown"
    late = timedelta(seconds=current_app.config["OKR_WORKER_LATE_SECONDS"])
    return "ok" if utcnow() - latest <= late else "late"
