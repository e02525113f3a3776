"""Reading the caller's objectives: one by id (the list's read model is in listing.py)."""

from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from okr_app.extensions import db
from okr_app.models import KeyResult, Objective
from okr_app.models.types import MAX_ID


def owned_objective(user_id, objective_id, *, for_update=False, with_check_ins=False, joined=None):
    """Return the user's objective with its key results loaded, or answer 404.

    Another user's objective answers 404 as well, so its existence is not revealed.
    ``for_update`` locks the row (PostgreSQL) so that writes without ``If-Match`` queue.
    Key results and closings come in the same statement (``joined``, the default without
    a lock), or in statements of their own after the lock: a statement that waited for
    the lock sees the objective's row as committed since, but its joined rows as they
    were when it began, which only a change that depends on the objective's row alone
    may accept.
    """
    if not 0 < objective_id <= MAX_ID:
        abort(404, message="No such objective.")
    load = joinedload if (not for_update if joined is None else joined) else selectinload
    load_key_results = load(Objective.key_results)
    if with_check_ins:
        load_key_results = load_key_results.selectinload(KeyResult.check_ins)
    statement = (
        select(Objective)
        .where(Objective.id == objective_id, Objective.user_id == user_id)
        .options(
            load_key_results,
            load(Objective.closings),
            load(Objective.children),
        )
    )
    if for_update:
        statement = statement.with_for_update(of=Objective)
    objective = db.session.scalars(statement).unique().one_or_none()
    if objective is None:
        abort(404, message="No such objective.")
    return objective
