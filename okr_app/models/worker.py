"""Worker heartbeats: when each worker process last showed it was alive."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from okr_app.extensions import db
from okr_app.models.types import UTCDateTime


class WorkerHeartbeat(db.Model):
    """The last heartbeat of one worker process (``host:pid``)."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    def __repr__(self):
        return f"<WorkerHeartbeat {self.name}>"
