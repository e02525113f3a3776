"""Objectives: what a user wants to achieve in a period."""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    false,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr_app.extensions import db
from okr_app.models.types import NEVER_REUSE_IDS, UTCDateTime, utcnow, when_created
from okr_app.okr.forecast import objective_projection
from okr_app.okr.progress import objective_progress
from okr_app.okr.rollup import MAX_DEPTH, expected_of, rolled_up_progress

STATUSES = ("active", "completed", "missed", "cancelled", "archived")


class Objective(db.Model):
    """An objective of one user for one period; ``version`` counts its edits.

    ``start_date`` and ``end_date`` are derived from ``period`` whenever it is written, and
    stored so that statistics can filter by date in SQL.
    """

    __tablename__ = "objectives"
    __table_args__ = (
        CheckConstraint(
            "status IN ('active', 'completed', 'missed', 'cancelled', 'archived')", name="status"
        ),
        CheckConstraint(
            "check_in_every_days IS NULL OR check_in_every_days BETWEEN 1 AND 92",
            name="check_in_every_days_range",
        ),
        CheckConstraint("child_weight > 0", name="child_weight_positive"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(2000))
    period: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")
    check_in_every_days: Mapped[int | None] = mapped_column(Integer)
    copied_from_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("objectives.id", ondelete="SET NULL")
    )
    #: The objective above this one (same owner, a period containing this one's), or None.
    parent_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("objectives.id", ondelete="SET NULL"), index=True
    )
    #: Whether the progress includes the children's, each weighing ``child_weight``.
    roll_up: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The weight of this objective in its parent's roll-up.
    child_weight: Mapped[float] = mapped_column(Float, default=1.0, server_default="1")
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=when_created, onupdate=utcnow)

    # The ORM deletes the children itself, so a delete works the same whether or not the
    # database enforces ON DELETE CASCADE (SQLite does only when asked).
    key_results = relationship(
        "KeyResult",
        back_populates="objective",
        order_by="KeyResult.id",
        cascade="all, delete-orphan",
        lazy="select",
    )
    closings = relationship(
        "ObjectiveClosing",
        order_by="[ObjectiveClosing.closed_at, ObjectiveClosing.id]",
        cascade="all, delete-orphan",
        lazy="select",
    )

    children = relationship(
        "Objective", order_by="Objective.id", lazy="select", foreign_keys=[parent_id]
    )

    # Every UPDATE and DELETE also matches the version read, so a concurrent edit makes the
    # second writer fail instead of overwriting the first (StaleDataError).
    __mapper_args__ = {"version_id_col": version}

    @property
    def progress(self):
        """Return the weighted mean progress of the key results, and children when rolling up."""
        return self.progress_within(MAX_DEPTH)

    def progress_within(self, levels):
        """Return the progress, rolling up at most ``levels`` levels (this one included).

        Links keep to three levels; the bound also ends the walk should concurrent edits
        ever have made a cycle.
        """
        own = [(key_result.progress, key_result.weight) for key_result in self.key_results]
        if not self.roll_up or levels <= 1:
            return objective_progress(own)
        children = [
            (item.progress_as_child(levels - 1), item.child_weight) for item in self.children
        ]
        return rolled_up_progress(own, children)

    def progress_as_child(self, levels):
        """Return the progress this objective counts with in its parent's roll-up.

        A closed one counts with the progress frozen at its closing, as everywhere else.
        """
        closing = self.closing
        return closing.final_progress if closing is not None else self.progress_within(levels)

    def expected_progress_on(self, on, levels=MAX_DEPTH):
        """Return the progress expected of this objective on day ``on``.

        Its key results' expected progress by kind, weighted, and when it rolls up its
        children's too, by the same rule as ``progress`` (``okr.rollup.expected_of``).
        """
        children = []
        if self.roll_up and levels > 1:
            children = [
                (item.expected_as_child(on, levels - 1), item.child_weight)
                for item in self.children
            ]
        key_results = [(item.kind, item.due_on, item.weight) for item in self.key_results]
        return expected_of(self.start_date, self.end_date, key_results, children, on)

    def expected_as_child(self, on, levels):
        """Return the progress expected of this objective in its parent's roll-up.

        A closed one is expected at the progress frozen at its closing: its outcome is
        settled, and it moves its parent's pace no more, whatever changes under it since.
        """
        closing = self.closing
        if closing is not None:
            return closing.final_progress
        return self.expected_progress_on(on, levels)

    @property
    def closing(self):
        """Return the closing in force (the one not reopened), or None while open."""
        return next((item for item in self.closings if item.reopened_at is None), None)

    @property
    def projected_progress(self):
        """Return the key results' projected progress, weighted, or None without forecasts."""
        return objective_projection(
            (key_result.forecast, key_result.progress, key_result.weight)
            for key_result in self.key_results
        )

    def __repr__(self):
        return f"<Objective {self.id}>"


def hold_owned_objective(user_id, objective_id):
    """Tell whether ``objective_id`` names one of the user's objectives, and hold it.

    The row is share-locked (PostgreSQL) until the commit: a key result joining the
    objective waits for a change of its period to commit, or that change waits for it, so
    the key result's trend sums always count from the period start in force.
    """
    statement = (
        select(Objective.id)
        .where(Objective.id == objective_id, Objective.user_id == user_id)
        .with_for_update(read=True)
    )
    return db.session.scalar(statement) is not None
