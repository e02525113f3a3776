"""What the worker last announced about a key result, so that each event goes out once."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from okr_app.extensions import db
from okr_app.models.types import UTCDateTime


class KeyResultReminder(db.Model):
    """Per key result: the due date announced as due and as stale, and the pace status seen.

    ``key_result.due`` and ``key_result.stale`` go out once per due date; a conditional
    update of this row decides which worker sends them. ``pace_status`` is the status of
    the last scan, from which ``key_result.off_track`` tells a turn to ``at_risk``.
    """

    __tablename__ = "key_result_reminders"

    key_result_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("key_results.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    due_sent_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stale_sent_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pace_status: Mapped[str | None] = mapped_column(String(16))

    def __repr__(self):
        return f"<KeyResultReminder {self.key_result_id}>"
