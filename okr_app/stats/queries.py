"""The SQL behind /stats: a fixed number of aggregate queries whatever the data size.

Each statement is built once per combination of filters (and dialect) with bound
parameters, and reused: building and fingerprinting these statements would otherwise cost
more than PostgreSQL takes to run them. They run on the session's connection (its
transaction), so their rows skip the ORM's result processing: they load no model.
"""

from datetime import UTC, datetime, time
from functools import cache

from flask import current_app
from sqlalchemy import and_, bindparam, case, func, or_, select

from okr_app.database.expressions import as_date, epoch_seconds, sql_choose, utc_day
from okr_app.extensions import db
from okr_app.models import CheckIn, KeyResult, Objective, ObjectiveClosing
from okr_app.models.types import utcnow
from okr_app.objectives.selection import clauses, select_by
from okr_app.okr.cadence import SECONDS_PER_DAY, due_seconds
from okr_app.okr.kinds import DONE, KINDS, MILESTONE
from okr_app.stats.kind_sql import expected_weight_sql, key_result_progress_sql, kind_counts_sql

#: The filters of the statistics; without ``status`` they cover every objective not archived.
FILTERS = ("period", "on", "status")


def objective_filter(user_id, filters):
    """Return the ``Selection`` of the objectives the statistics cover."""
    return select_by(user_id, filters, FILTERS)


@cache
def _where(filters):
    """Return the WHERE clauses of the objectives covered by the filters named."""
    if "status" in filters:
        return clauses(filters)
    return [*clauses(filters), Objective.status != "archived"]


@cache
def _key_results_where(filters):
    """Return ``_where``'s clauses for a statement over key results, their owner stated too.

    Redundant with the objective's owner, but it lets PostgreSQL reach the user's key
    results by their ``user_id`` index instead of hashing every user's.
    """
    return [KeyResult.user_id == bindparam("user_id"), *_where(filters)]


def objective_rows(covered, on=None):
    """Return one row per objective with its key results' sums and its closing (one query).

    ``grade`` and ``final_progress`` come from the closing in force, null while open;
    ``overdue`` and ``stale`` count its key results that are so now; the expected weights
    are as of day ``on`` (default today).
    """
    now = utcnow()
    parameters = {
        **covered.parameters,
        "on": on or now.date(),
        "today": now.date(),
        "now_seconds": now.timestamp(),
        "stale_seconds": current_app.config["OKR_STALE_AFTER_DAYS"] * SECONDS_PER_DAY,
    }
    statement = _objective_rows(db.engine.dialect.name, covered.filters)
    return db.session.connection().execute(statement, parameters).all()


def _due_counts(dialect):
    """Return the SQL counting a key result overdue, and stale, now (``okr.cadence``'s rules)."""
    in_cadence = and_(
        Objective.check_in_every_days.is_not(None),
        Objective.status == "active",
        Objective.start_date <= bindparam("today"),
        Objective.end_date >= bindparam("today"),
        # A milestone done is never due (``okr.kinds.finished``).
        or_(KeyResult.kind != MILESTONE, KeyResult.current_value != DONE),
    )
    latest = epoch_seconds(func.coalesce(KeyResult.last_check_in_at, KeyResult.created_at), dialect)
    first = epoch_seconds(Objective.start_date, dialect)
    anchor = sql_choose(latest < first, first, latest)  # max(), as in ``due_at``
    due = due_seconds(Objective.check_in_every_days, anchor)
    now = bindparam("now_seconds")
    overdue = case((and_(in_cadence, due < now), 1), else_=0)
    stale = case((and_(in_cadence, due + bindparam("stale_seconds") < now), 1), else_=0)
    return func.sum(overdue).label("overdue"), func.sum(stale).label("stale")


@cache
def _objective_rows(dialect, filters):
    """Return the statement of ``objective_rows`` for the dialect named."""
    progress = key_result_progress_sql(dialect)
    sums = (
        select(
            KeyResult.objective_id,
            func.count().label("count"),
            func.sum(progress * KeyResult.weight).label("weighted"),
            func.sum(KeyResult.weight).label("weight"),
            func.sum(progress).label("progress"),
            func.sum(case((progress >= 100.0, 1), else_=0)).label("completed"),
            func.sum(case((progress <= 0.0, 1), else_=0)).label("not_started"),
            *_due_counts(dialect),
            *expected_weight_sql(),
            *kind_counts_sql(),
        )
        .join(Objective, Objective.id == KeyResult.objective_id)
        .where(*_key_results_where(filters))
        .group_by(KeyResult.objective_id)
        .subquery()
    )
    return (
        select(
            Objective.id,
            Objective.title,
            Objective.period,
            Objective.status,
            Objective.start_date,
            Objective.end_date,
            Objective.parent_id,
            Objective.roll_up,
            sums.c.count,
            sums.c.weighted,
            sums.c.weight,
            sums.c.progress,
            sums.c.completed,
            sums.c.not_started,
            sums.c.overdue,
            sums.c.stale,
            sums.c.timed_weight,
            sums.c.full_weight,
            sums.c.late_milestones,
            *(sums.c[f"kind_{kind}"] for kind in KINDS),
            ObjectiveClosing.grade,
            ObjectiveClosing.final_progress,
        )
        .outerjoin(sums, sums.c.objective_id == Objective.id)
        .outerjoin(
            ObjectiveClosing,
            and_(
                ObjectiveClosing.objective_id == Objective.id,
                ObjectiveClosing.reopened_at.is_(None),
            ),
        )
        .where(*_where(filters))
        .order_by(Objective.start_date, Objective.id)
    )


def check_in_days(covered, since=None):
    """Return ``{day: count}`` of check-ins per UTC day, from the day ``since`` if given.

    One query; with ``since`` it reads the check-ins from that day on only, through the
    ``(user_id, at)`` index (the dashboard's calendar: its year, whatever the history).
    """
    statement = _check_in_days(db.engine.dialect.name, covered.filters, since is not None)
    parameters = covered.parameters
    if since is not None:
        parameters = {**parameters, "since": datetime.combine(since, time(), UTC)}
    rows = db.session.connection().execute(statement, parameters)
    return {as_date(value): count for value, count in rows}


@cache
def _check_in_days(dialect, filters, bounded=False):
    """Return the statement of ``check_in_days`` for the dialect named.

    The user's check-ins are read by their owner and kept by their key result, looked up
    once rather than joined to each check-in: without filters, where every objective but
    the archived ones counts, those not among the archived objectives' key results (a
    third less time on PostgreSQL than the two joins); with filters, those among the
    covered objectives' key results. ``bounded``: from the moment ``since`` on.
    """
    day = utc_day(CheckIn.at, dialect)
    key_results = select(KeyResult.id).join(Objective, Objective.id == KeyResult.objective_id)
    if filters:
        kept = CheckIn.key_result_id.in_(key_results.where(*_key_results_where(filters)))
    else:
        archived = key_results.where(
            KeyResult.user_id == bindparam("user_id"), Objective.status == "archived"
        )
        kept = CheckIn.key_result_id.not_in(archived)
    statement = select(day.label("day"), func.count().label("count")).where(
        CheckIn.user_id == bindparam("user_id"), kept
    )
    if bounded:
        statement = statement.where(CheckIn.at >= bindparam("since", type_=CheckIn.at.type))
    return statement.group_by(day)


def latest_confidence_average(covered):
    """Return the mean of each key result's latest confidence, or None (one query).

    Each key result's latest check-in with a confidence is found through the
    ``(key_result_id, at)`` index, so the cost follows the number of key results, not the
    length of their history.
    """
    return db.session.connection().scalar(
        _latest_confidence_average(covered.filters), covered.parameters
    )


@cache
def _latest_confidence_average(filters):
    """Return the statement of ``latest_confidence_average``."""
    latest = (
        select(CheckIn.confidence)
        .where(CheckIn.key_result_id == KeyResult.id, CheckIn.confidence.is_not(None))
        .order_by(CheckIn.at.desc(), CheckIn.id.desc())
        .limit(1)
        .correlate(KeyResult)
        .scalar_subquery()
    )
    # avg() skips the NULL of key results that have no confidence at all.
    return (
        select(func.avg(latest).label("average"))
        .select_from(KeyResult)
        .join(Objective, Objective.id == KeyResult.objective_id)
        .where(*_key_results_where(filters))
    )
