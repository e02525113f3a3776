"""The objective list: a page of the caller's objectives read as rows, ready for the schema.

GET /objectives reads many rows and changes none, so it reads them on the session's
connection, without the ORM's identity map, change tracking and result processing, which
cost more than the database's work here. Four statements whatever the page holds (the
count, the page, its key results, its closings in force), each built once per combination
of filters, with bound parameters. Progress and forecasts come from the same functions as
the models', so a listed objective answers what GET /objectives/{id} answers.
"""

from functools import cache

from sqlalchemy import bindparam, func, select

from okr_app.extensions import db
from okr_app.key_results.forecast import key_result_forecast, objective_projection
from okr_app.key_results.progress import key_result_progress, objective_progress
from okr_app.models import KeyResult, Objective, ObjectiveClosing
from okr_app.models.types import utcnow

FILTERS = ("period", "status", "q")
#: The escape character of the title search: ``q`` matches literally, % and _ included.
LIKE_ESCAPE = "/"


def objectives_page(user_id, filters, pagination_parameters):
    """Return one page of the user's objectives, newest first, as dictionaries.

    Each holds the objective's columns, its key results (with progress and forecast), the
    closing in force or None, and its progress and projected progress.
    """
    names = tuple(name for name in FILTERS if name in filters)
    parameters = {"user_id": user_id, **{name: filters[name] for name in names}}
    if "q" in parameters:
        parameters["q"] = _escape_like(parameters["q"])
    connection = db.session.connection()
    pagination_parameters.item_count = connection.scalar(_count(names), parameters)
    size = pagination_parameters.page_size
    parameters.update(limit=size, offset=(pagination_parameters.page - 1) * size)
    rows = connection.execute(_page(names), parameters).all()
    return _with_key_results(connection, rows) if rows else []


def _with_key_results(connection, rows):
    """Return the objectives of ``rows`` with their key results and closings in force."""
    objectives = {row.id: {**row._mapping, "key_results": [], "closing": None} for row in rows}
    ids = {"ids": list(objectives)}
    for closing in connection.execute(_closings_in_force(), ids):
        objective = objectives[closing.objective_id]
        objective["closing"] = objective["closing"] or closing._asdict()
    now = utcnow()
    for row in connection.execute(_key_results(), ids):
        objective = objectives[row.objective_id]
        forecast, reason = key_result_forecast(
            row, objective["start_date"], objective["end_date"], now
        )
        progress = key_result_progress(row.start_value, row.target_value, row.current_value)
        objective["key_results"].append(
            {**row._mapping, "progress": progress, "forecast": forecast, "forecast_reason": reason}
        )
    for objective in objectives.values():
        key_results = objective["key_results"]
        objective["progress"] = objective_progress(
            (item["progress"], item["weight"]) for item in key_results
        )
        objective["projected_progress"] = objective_projection(
            (item["forecast"], item["progress"], item["weight"]) for item in key_results
        )
    return list(objectives.values())


def _escape_like(text):
    """Return ``text`` with LIKE's wildcards and the escape character escaped."""
    for character in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(character, LIKE_ESCAPE + character)
    return text


@cache
def _where(filters):
    """Return the WHERE clauses selecting the user's objectives by the filters named."""
    clauses = [Objective.user_id == bindparam("user_id")]
    if "period" in filters:
        clauses.append(Objective.period == bindparam("period"))
    if "status" in filters:
        clauses.append(Objective.status == bindparam("status"))
    if "q" in filters:
        clauses.append(Objective.title.icontains(bindparam("q"), escape=LIKE_ESCAPE))
    return clauses


@cache
def _count(filters):
    """Return the statement counting the objectives the filters select."""
    return select(func.count()).select_from(Objective.__table__).where(*_where(filters))


@cache
def _page(filters):
    """Return the statement of one page of them, newest first."""
    return (
        select(Objective.__table__)
        .where(*_where(filters))
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
