"""Finding the caller's key results and the check-ins of one of them."""

import functools

from flask_smorest import abort
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import contains_eager, selectinload

from okr_app.api.pagination import page_of
from okr_app.extensions import db
from okr_app.models import CheckIn, KeyResult, Objective
from okr_app.models.types import MAX_ID


def owned_key_result(
    user_id, key_result_id, *, for_update=False, with_check_ins=False, figures_only=False
):
    """Return the user's key result, or answer 404 (for another user's one as well).

    ``for_update`` locks the row (PostgreSQL) so that concurrent writes queue. Its objective
    comes in the same statement: progress, forecasts and trend sums need its period;
    ``figures_only`` loads of it only what the key result's figures read (``FIGURES``).
    """
    if not 0 < key_result_id <= MAX_ID:
        abort(404, message="No such key result.")
    statement = _owned_statement(for_update, with_check_ins, figures_only)
    key_result = db.session.scalar(statement, {"id": key_result_id, "user_id": user_id})
    if key_result is None:
        abort(404, message="No such key result.")
    return key_result


#: What a key result's answer reads of its objective: the period, the status, the cadence.
FIGURES = (
    Objective.start_date,
    Objective.end_date,
    Objective.status,
    Objective.check_in_every_days,
)


@functools.cache
def _owned_statement(for_update, with_check_ins, figures_only=False):
    """Return the SELECT of ``owned_key_result``, built once per variant, bound per call."""
    # Filled from the statement's own join: lighter than the relationship's eager loader.
    objective = contains_eager(KeyResult.objective)
    if figures_only:
        objective = objective.load_only(*FIGURES)
    statement = (
        select(KeyResult)
        .join(KeyResult.objective)
        .where(KeyResult.id == bindparam("id"), KeyResult.user_id == bindparam("user_id"))
        .options(objective)
    )
    if with_check_ins:
        statement = statement.options(selectinload(KeyResult.check_ins))
    if for_update:
        statement = statement.with_for_update(of=KeyResult)
    return statement


def key_results_page(user_id, filters, pagination_parameters):
    """Return one page of the user's key results, oldest first, with their objectives' periods.

    Three queries whatever the page holds: the count, the page and its objectives.
    """
    statement = select(KeyResult).where(KeyResult.user_id == user_id)
    if "objective_id" in filters:
        statement = statement.where(KeyResult.objective_id == filters["objective_id"])
    statement = statement.order_by(KeyResult.id).options(selectinload(KeyResult.objective))
    return page_of(statement, pagination_parameters)


def check_ins_page(key_result_id, filters, pagination_parameters):
    """Return one page of a key result's check-ins, oldest first, within since and until."""
    statement = select(CheckIn).where(CheckIn.key_result_id == key_result_id)
    if "since" in filters:
        statement = statement.where(CheckIn.at >= filters["since"])
    if "until" in filters:
        statement = statement.where(CheckIn.at <= filters["until"])
    return page_of(statement.order_by(CheckIn.at, CheckIn.id), pagination_parameters)


def latest_confidences(key_result_ids):
    """Return ``{key_result_id: confidence}``: each one's latest stated confidence (one query).

    Latest by ``at``, then by id; check-ins without a confidence are passed over.
    """
    rank = func.row_number().over(
        partition_by=CheckIn.key_result_id, order_by=(CheckIn.at.desc(), CheckIn.id.desc())
    )
    ranked = (
        select(CheckIn.key_result_id, CheckIn.confidence, rank.label("rank"))
        .where(CheckIn.key_result_id.in_(key_result_ids), CheckIn.confidence.is_not(None))
        .subquery()
    )
    statement = select(ranked.c.key_result_id, ranked.c.confidence).where(ranked.c.rank == 1)
    return {
        key_result_id: confidence for key_result_id, confidence in db.session.execute(statement)
    }
