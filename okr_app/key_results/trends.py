"""Each key result's stored trend sums, kept equal to what its check-ins add up to.

The least-squares forecast needs only n, Σx, Σy, Σxy, Σx² and the first and last x of the
check-ins (x: days since the objective's period start, y: the value). They are stored on the
key result, so answering never reads check-ins; whatever changes a check-in, the period
start or the objective a key result belongs to recomputes them in the same transaction.
"""

import functools

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    bindparam,
    case,
    cast,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm.attributes import set_committed_value

from okr_app.extensions import db
from okr_app.models import CheckIn, KeyResult, Objective
from okr_app.models.types import utcnow
from okr_app.okr.kinds import STAYS, band_days_until_last
from okr_app.okr.readings import day_x, period_days, value_in_band

SECONDS_PER_DAY = 86400.0
#: The columns a new check-in moves.
ADDED_TO = (
    "trend_count",
    "trend_sum_x",
    "trend_sum_y",
    "trend_sum_xy",
    "trend_sum_xx",
    "trend_first_x",
    "trend_last_x",
    "last_check_in_at",
    "current_value",
    "version",
    "updated_at",
)


def day_offset(at=CheckIn.at, start_date=Objective.start_date):
    """Return the SQL for a check-in's moment in days since its objective's period start."""
    return _day_offset(db.engine.dialect.name, at, start_date)


def _day_offset(dialect_name, at, start_date):
    """Return ``day_offset`` in the SQL of that dialect."""
    if dialect_name == "postgresql":
        start = cast(start_date, DateTime())
        seconds = func.extract("epoch", at) - func.extract("epoch", start)
        return cast(seconds, Float) / SECONDS_PER_DAY
    return func.julianday(at) - func.julianday(start_date)


def refresh_trends(key_result_ids):
    """Recompute the stored trend sums (and latest check-in time) of those key results.

    One UPDATE whose subqueries read the check-ins as committed when it starts: callers
    hold the key results' row locks (or SQLite's write lock) first, so none is missed.
    """
    if not key_result_ids:
        return
    x = day_offset()
    y = CheckIn.value

    def over_check_ins(aggregate):
        return (
            select(aggregate)
            .where(CheckIn.key_result_id == KeyResult.id, Objective.id == KeyResult.objective_id)
            .scalar_subquery()
        )

    def total(expression):
        return over_check_ins(func.coalesce(func.sum(expression), 0.0))

    # RETURNING refreshes the key results already in the session: no reload follows.
    statement = (
        update(KeyResult)
        .where(KeyResult.id.in_(key_result_ids))
        .values(
            trend_count=over_check_ins(func.count()),
            trend_sum_x=total(x),
            trend_sum_y=total(y),
            trend_sum_xy=total(x * y),
            trend_sum_xx=total(x * x),
            trend_first_x=over_check_ins(func.min(x)),
            trend_last_x=over_check_ins(func.max(x)),
            last_check_in_at=over_check_ins(func.max(CheckIn.at)),
        )
        .returning(KeyResult)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    refreshed = db.session.execute(statement).scalars().all()
    refresh_band_days([item for item in refreshed if item.kind in STAYS])


def refresh_band_days(key_results):
    """Recompute the days in band up to the latest check-in of those stay_* key results.

    The step function needs the check-ins in order, so they are read here, once per change
    of the history, the band or the period; answering reads only the stored sum.
    """
    if not key_results:
        return
    statement = (
        select(CheckIn.key_result_id, CheckIn.at, CheckIn.value)
        .where(CheckIn.key_result_id.in_([item.id for item in key_results]))
        .order_by(CheckIn.key_result_id, CheckIn.at, CheckIn.id)
    )
    moments = {}
    for key_result_id, at, value in db.session.execute(statement):
        moments.setdefault(key_result_id, []).append((at, value))
    for key_result in key_results:
        start, end = key_result.objective.start_date, key_result.objective.end_date
        inside = functools.partial(value_in_band, key_result)
        history = [(day_x(at, start), value) for at, value in moments.get(key_result.id, [])]
        band_days = band_days_until_last(history, inside, period_days(start, end))
        if key_result.band_days != band_days:
            # A stored sum like the trend's: it leaves the version (and ETag) as it is.
            db.session.execute(
                update(KeyResult)
                .where(KeyResult.id == key_result.id)
                .values(band_days=band_days)
                .execution_options(synchronize_session=False)
            )
            set_committed_value(key_result, "band_days", band_days)


def add_to_trends(key_result, at, value, *, becomes_current, check_in=None):
    """Take one new check-in into a locked key result's sums, value and version at once.

    The same sums ``refresh_trends`` recomputes, added to instead of recomputed: one UPDATE
    whatever the history's length, which also moves ``last_check_in_at``, sets
    ``current_value`` when the check-in ``becomes_current`` and bumps the version (the
    caller holds the row lock, so no concurrent write can be overwritten). ``check_in``,
    the new check-in's columns, has its row inserted by the same statement on PostgreSQL
    (the UPDATE's CTE: one round trip), just before it elsewhere; its id is returned.
    """
    latest = key_result.last_check_in_at
    parameters = {
        "key_result_id": key_result.id,
        "at": at,
        "value": value,
        "becomes_current": becomes_current,
        "latest_at": at if latest is None or at > latest else latest,
        "updated_at": utcnow(),
    }
    dialect_name = db.session.get_bind().dialect.name
    check_in_id = None
    in_update = ()  # the check-in's columns, when the UPDATE's CTE inserts its row
    if check_in is not None:
        parameters |= {f"check_in_{name}": item for name, item in check_in.items()}
        if dialect_name == "postgresql":
            in_update = tuple(check_in)
        else:
            check_in_id = db.session.execute(_inserting(tuple(check_in)), parameters).scalar_one()
    row = db.session.execute(_adding_statement(dialect_name, in_update), parameters).one()
    # The loaded key result (and its objective) stays as it is, only these values move on.
    for name in ADDED_TO:
        set_committed_value(key_result, name, row._mapping[name])
    if key_result.kind in STAYS:
        refresh_band_days([key_result])
    return row._mapping["check_in_id"] if in_update else check_in_id


@functools.cache
def _inserting(columns):
    """Return the INSERT of a check-in row of those columns, RETURNING its id, built once.

    Each column is bound as ``check_in_<name>``, apart from the UPDATE's own parameters.
    """
    table = CheckIn.__table__
    values = {name: bindparam(f"check_in_{name}", type_=table.c[name].type) for name in columns}
    return insert(table).values(values).returning(table.c.id, table.c.key_result_id)


@functools.cache
def _adding_statement(dialect_name, check_in_columns=()):
    """Return the UPDATE of ``add_to_trends`` for this dialect, built once, bound per call.

    With ``check_in_columns``, a CTE inserts the check-in first and the UPDATE returns its
    id as ``check_in_id``.
    """
    table, objectives = KeyResult.__table__, Objective.__table__
    at = bindparam("at", type_=CheckIn.__table__.c.at.type)
    key_result_id = bindparam("key_result_id")
    # x, computed once from the period start as committed now (a change of it locks the
    # key results first), read by the UPDATE's FROM.
    point = (
        select(
            table.c.id.label("key_result_id"),
            _day_offset(dialect_name, at, objectives.c.start_date).label("x"),
        )
        .where(table.c.id == key_result_id, objectives.c.id == table.c.objective_id)
        .cte("point")
    )
    x = point.c.x
    y = bindparam("value", type_=Float())
    latest_at = bindparam("latest_at", type_=table.c.last_check_in_at.type)
    becomes_current = bindparam("becomes_current", type_=Boolean())
    statement = (
        update(table)
        .where(table.c.id == key_result_id, point.c.key_result_id == table.c.id)
        .values(added_values(x, y, latest_at=latest_at, becomes_current=becomes_current))
        .returning(*(table.c[name] for name in ADDED_TO))
    )
    if not check_in_columns:
        return statement
    inserted = _inserting(check_in_columns).cte("new_check_in")
    # The CTE's one row joins the UPDATE's FROM, so its id can be returned.
    return (
        statement.add_cte(inserted)
        .where(inserted.c.key_result_id == table.c.id)
        .returning(inserted.c.id.label("check_in_id"))
    )


def added_values(x, y, *, latest_at, becomes_current):
    """Return the SET of the UPDATE taking a check-in at ``x`` of value ``y`` into the sums.

    ``latest_at`` becomes ``last_check_in_at``; the value becomes current where
    ``becomes_current`` holds; the version moves on.
    """
    table = KeyResult.__table__
    return {
        "trend_count": table.c.trend_count + 1,
        "trend_sum_x": table.c.trend_sum_x + x,
        "trend_sum_y": table.c.trend_sum_y + y,
        "trend_sum_xy": table.c.trend_sum_xy + x * y,
        "trend_sum_xx": table.c.trend_sum_xx + x * x,
        "trend_first_x": case(
            (or_(table.c.trend_first_x.is_(None), x < table.c.trend_first_x), x),
            else_=table.c.trend_first_x,
        ),
        "trend_last_x": case(
            (or_(table.c.trend_last_x.is_(None), x > table.c.trend_last_x), x),
            else_=table.c.trend_last_x,
        ),
        "last_check_in_at": latest_at,
        "current_value": case((becomes_current, y), else_=table.c.current_value),
        "version": table.c.version + 1,
        "updated_at": bindparam("updated_at", type_=table.c.updated_at.type),
    }


def lock_key_results_of(objective_id):
    """Lock the objective's key results (PostgreSQL) and return their ids."""
    return db.session.scalars(
        select(KeyResult.id).where(KeyResult.objective_id == objective_id).with_for_update()
    ).all()
