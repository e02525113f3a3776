"""Reading the caller's objectives: one by id (the list's read model is in listing.py)."""

from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from okr_app.extensions import db
from okr_app.models import KeyResult, Objective
from okr_app.models.types import MAX_ID


def owned_objective(user_id, objective_id, *, for_update=False, with_check_ins=False):
    """Return the user's objective with its key results loaded, or answer 404.

    Another user's objective answers 404 as well, so its existence is not revealed.
    ``for_update`` locks the row (PostgreSQL) so that writes without ``If-Match`` queue.
    """
    if not 0 < objective_id <= MAX_ID:
        abort(404, message="No such objective.")
    load_key_results = selectinload(Objective.key_results)
    if with_check_ins:
        load_key_results = load_key_results.selectinload(KeyResult.check_ins)
    statement = (
        select(Objective)
        .where(Objective.id == objective_id, Objective.user_id == user_id)
        .options(
            load_key_results,
            selectinload(Objective.closings),
            selectinload(Objective.children),
        )
    )
    if for_update:
        statement = statement.with_for_update()
    objective = db.session.scalar(statement)
    if objective is None:
        abort(404, message="No such objective.")
    return objective
