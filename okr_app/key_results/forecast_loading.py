"""Forecasts for the key results of a response, from one grouped query over their check-ins."""

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import DateTime, Float, cast, func, select

from okr_app.extensions import db
from okr_app.key_results.forecast import TrendSums, forecast, missing_history
from okr_app.models import CheckIn, KeyResult, Objective
from okr_app.models.types import utcnow

SECONDS_PER_DAY = 86400.0


def day_offset():
    """Return the SQL for a check-in's moment in days since its objective's period start."""
    if db.engine.dialect.name == "postgresql":
        start = cast(Objective.start_date, DateTime())
        seconds = func.extract("epoch", CheckIn.at) - func.extract("epoch", start)
        return cast(seconds, Float) / SECONDS_PER_DAY
    return func.julianday(CheckIn.at) - func.julianday(Objective.start_date)


def trend_sums(key_result_ids):
    """Return ``{key_result_id: (TrendSums, start_date, end_date)}`` for those with check-ins.

    One query: the database sums over the check-ins, none of which is loaded.
    """
    x = day_offset()
    y = CheckIn.value
    statement = (
        select(
            CheckIn.key_result_id,
            Objective.start_date,
            Objective.end_date,
            func.count(),
            func.sum(x),
            func.sum(y),
            func.sum(x * y),
            func.sum(x * x),
            func.min(x),
            func.max(x),
        )
        .join(KeyResult, KeyResult.id == CheckIn.key_result_id)
        .join(Objective, Objective.id == KeyResult.objective_id)
        # Naming the key results on both tables lets PostgreSQL reach them by their indexes
        # instead of hashing every key result and objective of every user.
        .where(CheckIn.key_result_id.in_(key_result_ids), KeyResult.id.in_(key_result_ids))
        .group_by(CheckIn.key_result_id, Objective.start_date, Objective.end_date)
    )
    return {
        row[0]: (TrendSums(int(row[3]), *(float(value) for value in row[4:])), row[1], row[2])
        for row in db.session.execute(statement)
    }


def attach_forecasts(key_results, now=None):
    """Give each key result without one its ``(forecast, reason)`` projection, in one query."""
    pending = [item for item in key_results if getattr(item, "projection", None) is None]
    if not pending:
        return
    now = now or utcnow()
    found = trend_sums([item.id for item in pending])
    for key_result in pending:
        sums, start_date, end_date = found.get(key_result.id, (None, None, None))
        reason = missing_history(sums)
        if reason is not None:
            key_result.projection = (None, reason)
            continue
        period_end = datetime.combine(end_date + timedelta(days=1), time(), UTC)
        key_result.projection = (
            forecast(
                sums,
                start=key_result.start_value,
                target=key_result.target_value,
                current=key_result.current_value,
                period_days=(end_date - start_date).days + 1,
                days_left=(period_end - now).total_seconds() / SECONDS_PER_DAY,
            ),
            None,
        )
