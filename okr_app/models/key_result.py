"""Key results and their check-ins: the measurable part of an objective and its history."""

from datetime import date, datetime

from flask import current_app
from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr_app.extensions import db
from okr_app.models.types import NEVER_REUSE_IDS, UTCDateTime, utcnow, when_created
from okr_app.okr.cadence import key_result_due
from okr_app.okr.forecast import stored_trend
from okr_app.okr.kinds import INCREASE, KINDS, finished
from okr_app.okr.readings import (
    current_in_band,
    reading_forecast,
    reading_pace_status,
    reading_progress,
    shown_fields,
    value_progress,
)

KIND_CHECK = "kind IN ({})".format(", ".join(f"'{kind}'" for kind in KINDS))


class KeyResult(db.Model):
    """A measurable result under an objective; ``user_id`` repeats the objective's owner.

    Keeping the owner on the row lets ownership checks and statistics skip a join. The
    ``trend_*`` columns hold the sums of its check-ins that the forecast needs, kept by
    ``okr_app.key_results.trends.refresh_trends``.
    """

    __tablename__ = "key_results"
    __table_args__ = (
        CheckConstraint("start_value <> target_value", name="start_differs_from_target"),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint(KIND_CHECK, name="kind"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    objective_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("objectives.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    metric: Mapped[str] = mapped_column(String(100))
    start_value: Mapped[float] = mapped_column(Float)
    target_value: Mapped[float] = mapped_column(Float)
    current_value: Mapped[float] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    #: One of ``okr_app.okr.kinds.KINDS``; the fields below define the kinds that use them.
    kind: Mapped[str] = mapped_column(String(16), default=INCREASE, server_default=INCREASE)
    threshold: Mapped[float | None] = mapped_column(Float)
    range_min: Mapped[float | None] = mapped_column(Float)
    range_max: Mapped[float | None] = mapped_column(Float)
    due_on: Mapped[date | None] = mapped_column(Date)
    #: Days in band from the first to the latest check-in (stay_* kinds), kept with the trend.
    band_days: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=when_created, onupdate=utcnow)
    trend_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    trend_sum_x: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    trend_sum_y: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    trend_sum_xy: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    trend_sum_xx: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    trend_first_x: Mapped[float | None] = mapped_column(Float)
    trend_last_x: Mapped[float | None] = mapped_column(Float)
    #: The latest ``at`` of its check-ins, kept with the trend sums; the cadence counts from it.
    last_check_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    objective = relationship("Objective", back_populates="key_results")
    check_ins = relationship(
        "CheckIn",
        back_populates="key_result",
        order_by="[CheckIn.at, CheckIn.id]",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def progress(self):
        """Return the progress in percent now, by its kind (``okr_app.okr.readings``)."""
        objective = self.objective
        return reading_progress(self, objective.start_date, objective.end_date, utcnow())

    @property
    def in_band(self):
        """Return whether the current value is in band (stay_* kinds), else None."""
        return current_in_band(self)

    @property
    def done(self):
        """Return whether a milestone is done, else None."""
        return shown_fields(self)["done"]

    @property
    def defined_start_value(self):
        """Return ``start_value`` where the kind uses it (increase, decrease), else None."""
        return shown_fields(self)["defined_start_value"]

    @property
    def defined_target_value(self):
        """Return ``target_value`` where the kind uses it (increase, decrease), else None."""
        return shown_fields(self)["defined_target_value"]

    @property
    def forecast(self):
        """Return the check-in trend projected to the period end, or None without one."""
        return self._projection()[0]

    @property
    def forecast_reason(self):
        """Return why there is no forecast, or None when there is one."""
        return self._projection()[1]

    @property
    def due_at(self):
        """Return when its next check-in is due, or None outside a cadence."""
        return self._due()[0]

    @property
    def overdue(self):
        """Tell whether its check-in is past due."""
        return self._due()[1]

    @property
    def stale(self):
        """Tell whether its check-in is past due by more than ``OKR_STALE_AFTER_DAYS``."""
        return self._due()[2]

    @property
    def pace_status(self):
        """Return its pace status today: stale, done, ahead, on_track or at_risk."""
        objective = self.objective
        return reading_pace_status(
            self,
            self.progress,
            objective.start_date,
            objective.end_date,
            utcnow().date(),
            self.stale,
        )

    def _due(self):
        """Return ``(due_at, overdue, stale)`` now, from its objective's cadence.

        A response reads it four times per key result (due, overdue, stale and the pace),
        so it is kept until one of its inputs changes.
        """
        objective = self.objective
        cadence = {
            "status": objective.status,
            "start_date": objective.start_date,
            "end_date": objective.end_date,
            "check_in_every_days": objective.check_in_every_days,
        }
        done = finished(self.kind, self.current_value)
        inputs = (*cadence.values(), self.last_check_in_at, self.created_at, done)
        kept = getattr(self, "_kept_due", None)
        if kept is None or kept[0] != inputs:
            due = key_result_due(
                cadence,
                self.last_check_in_at,
                self.created_at,
                utcnow(),
                current_app.config["OKR_STALE_AFTER_DAYS"],
                done=done,
            )
            kept = self._kept_due = (inputs, due)
        return kept[1]

    def _projection(self):
        """Return ``(forecast, reason)`` from the stored sums and the objective's period.

        A response reads it three times per key result (forecast, reason and the objective's
        projection), so it is kept until one of its inputs changes.
        """
        objective = self.objective
        inputs = (
            stored_trend(self),
            self.start_value,
            self.target_value,
            self.current_value,
            objective.start_date,
            objective.end_date,
            self.kind,
            self.threshold,
            self.range_min,
            self.range_max,
            self.band_days,
        )
        kept = getattr(self, "_projected", None)
        if kept is None or kept[0] != inputs:
            kept = self._projected = (
                inputs,
                reading_forecast(self, objective.start_date, objective.end_date, utcnow()),
            )
        return kept[1]

    def __repr__(self):
        return f"<KeyResult {self.id}>"


class CheckIn(db.Model):
    """One recorded value of a key result at a moment (``at``), with optional confidence."""

    __tablename__ = "check_ins"
    __table_args__ = (
        CheckConstraint(
            "confidence IS NULL OR (confidence >= 0 AND confidence <= 1)", name="confidence_range"
        ),
        Index("ix_check_ins_key_result_id_at", "key_result_id", "at"),
        Index("ix_check_ins_user_id_at", "user_id", "at"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_result_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("key_results.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    value: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(String(2000))
    #: What recorded it, e.g. ``home-assistant``; a personal access token's name by default.
    source: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    key_result = relationship("KeyResult", back_populates="check_ins")

    @property
    def progress(self):
        """Return this value's progress against the key result's current kind and fields.

        increase/decrease: against start and target; milestone: 0 or 100; stay_*: 100 in
        band, 0 out of it (``okr_app.okr.readings.value_progress``).
        """
        return value_progress(self.key_result, self.value)

    def __repr__(self):
        return f"<CheckIn {self.id}>"
