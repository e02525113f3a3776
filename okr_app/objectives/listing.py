"""The objective list: a page of the caller's objectives read as rows, ready for the schema.

GET /objectives reads many rows and changes none, so it reads them on the session's
connection, without the ORM's identity map, change tracking and result processing, which
cost more than the database's work here. Four statements whatever the page holds (the
count, the page, its key results, its closings in force), a fifth for the children's
titles when one of the page's objectives is a parent, each built once per combination of
filters, with bound parameters. Progress and forecasts come from the same functions as
the models', so a listed objective answers what GET /objectives/{id} answers.
"""

from functools import cache

from flask import current_app
from sqlalchemy import bindparam, exists, func, select

from okr_app.extensions import db
from okr_app.models import KeyResult, Objective, ObjectiveClosing
from okr_app.models.types import utcnow
from okr_app.objectives.rollups import children_of, rolled_up
from okr_app.objectives.selection import clauses, select_by
from okr_app.okr.cadence import key_result_due
from okr_app.okr.forecast import objective_projection
from okr_app.okr.kinds import finished
from okr_app.okr.progress import objective_progress
from okr_app.okr.readings import (
    reading_forecast,
    reading_pace_status,
    reading_progress,
    shown_fields,
)

FILTERS = ("period", "status", "q", "parent_id", "top_level")


def objectives_page(user_id, filters, pagination_parameters):
    """Return one page of the user's objectives, newest first, as dictionaries.

    Each holds the objective's columns, its key results (with progress and forecast), the
    closing in force or None, and its progress and projected progress.
    """
    selection = select_by(user_id, filters, FILTERS)
    connection = db.session.connection()
    pagination_parameters.item_count = connection.scalar(
        _count(selection.filters), selection.parameters
    )
    size = pagination_parameters.page_size
    offset = (pagination_parameters.page - 1) * size
    rows = connection.execute(
        _page(selection.filters), {**selection.parameters, "limit": size, "offset": offset}
    ).all()
    return _with_key_results(connection, rows) if rows else []


def _with_key_results(connection, rows):
    """Return the objectives of ``rows`` with their key results and closings in force."""
    # dict(zip(...)) rather than {**row._mapping}, which looks each column up by name: a
    # quarter of the cost, on up to 100 objectives and their key results.
    objective_columns = rows[0]._fields
    objectives = {
        row.id: dict(zip(objective_columns, row, strict=True), key_results=[], closing=None)
        for row in rows
    }
    ids = {"ids": list(objectives)}
    parents = [row.id for row in rows if row.has_children]
    children = children_of(connection, parents) if parents else {}
    for closing in connection.execute(_closings_in_force(), ids):
        objective = objectives[closing.objective_id]
        objective["closing"] = objective["closing"] or closing._asdict()
    now = utcnow()
    stale_after_days = current_app.config["OKR_STALE_AFTER_DAYS"]
    key_result_rows = connection.execute(_key_results(), ids)
    key_result_columns = tuple(key_result_rows.keys())
    for row in key_result_rows:
        objective = objectives[row.objective_id]
        start_date, end_date = objective["start_date"], objective["end_date"]
        forecast, reason = reading_forecast(row, start_date, end_date, now)
        progress = reading_progress(row, start_date, end_date, now)
        due_at, overdue, stale = key_result_due(
            objective,
            row.last_check_in_at,
            row.created_at,
            now,
            stale_after_days,
            done=finished(row.kind, row.current_value),
        )
        pace = reading_pace_status(row, progress, start_date, end_date, now.date(), stale)
        item = dict(zip(key_result_columns, row, strict=True))
        item.update(shown_fields(row))
        item.update(
            progress=progress,
            forecast=forecast,
            forecast_reason=reason,
            due_at=due_at,
            overdue=overdue,
            stale=stale,
            pace_status=pace,
        )
        objective["key_results"].append(item)
    rolled = rolled_up(connection, objectives.values(), now.date())
    for objective in objectives.values():
        key_results = objective["key_results"]
        objective["children"] = children.get(objective["id"], [])
        objective["progress"] = objective_progress(
            (item["progress"], item["weight"]) for item in key_results
        )
        objective["rolled_up_expected"] = None
        if objective["id"] in rolled:
            objective["progress"], objective["rolled_up_expected"] = rolled[objective["id"]]
        objective["projected_progress"] = objective_projection(
            (item["forecast"], item["progress"], item["weight"]) for item in key_results
        )
    return list(objectives.values())


@cache
def _count(filters):
    """Return the statement counting the objectives the filters select."""
    return select(func.count()).select_from(Objective.__table__).where(*clauses(filters))


@cache
def _page(filters):
    """Return the statement of one page of them, newest first.

    ``has_children`` tells which of them are parents: a page without any (the usual one)
    does not ask for children at all.
    """
    child = Objective.__table__.alias("child")
    has_children = exists().where(child.c.parent_id == Objective.id).label("has_children")
    return (
        select(Objective.__table__, has_children)
        .where(*clauses(filters))
        .order_by(Objective.created_at.desc(), Objective.id.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


@cache
def _key_results():
    """Return the statement of the key results of the objectives ``ids``, oldest first."""
    return (
        select(KeyResult.__table__)
        .where(KeyResult.objective_id.in_(bindparam("ids", expanding=True)))
        .order_by(KeyResult.id)
    )


@cache
def _closings_in_force():
    """Return the statement of the closings not reopened of the objectives ``ids``."""
    return (
        select(ObjectiveClosing.__table__)
        .where(
            ObjectiveClosing.objective_id.in_(bindparam("ids", expanding=True)),
            ObjectiveClosing.reopened_at.is_(None),
        )
        .order_by(ObjectiveClosing.closed_at, ObjectiveClosing.id)
    )
