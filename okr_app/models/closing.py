"""Closings: how an objective ended, frozen at that moment and kept after a reopen."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from okr_app.extensions import db
from okr_app.models.types import NEVER_REUSE_IDS, UTCDateTime, utcnow

#: The outcome of a closing and the status it gives the objective.
OUTCOME_STATUSES = {"achieved": "completed", "missed": "missed", "cancelled": "cancelled"}


class ObjectiveClosing(db.Model):
    """One closing of an objective: outcome, grade and a copy of its key results then.

    ``key_results`` is a copy, not a join, so later edits or deletions of the key results
    never change it. ``reopened_at`` is set when the objective is reopened; an objective
    is closed while it has a closing without one.
    """

    __tablename__ = "objective_closings"
    __table_args__ = (
        CheckConstraint("outcome IN ('achieved', 'missed', 'cancelled')", name="outcome"),
        CheckConstraint("grade >= 0 AND grade <= 1", name="grade_range"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    objective_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("objectives.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(16))
    retrospective: Mapped[str | None] = mapped_column(String(2000))
    grade: Mapped[float] = mapped_column(Float)
    final_progress: Mapped[float] = mapped_column(Float)
    key_results: Mapped[list] = mapped_column(JSON)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self):
        return f"<ObjectiveClosing {self.id}>"
