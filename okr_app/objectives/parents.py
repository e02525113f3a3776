"""Linking objectives into parents and children: the rules a link must keep.

A parent is another objective of the same owner whose period contains the child's (equal
periods included); no objective is its own ancestor; at most ``MAX_DEPTH`` levels stand one
above another. Each refusal is a 422 naming ``parent_id`` or ``period``.
"""

from flask_smorest import abort
from sqlalchemy import select, update

from okr_app.api.etags import move_versions
from okr_app.extensions import db
from okr_app.models import Objective
from okr_app.okr.rollup import MAX_DEPTH, period_contains


def refuse(field, message):
    """Answer 422 naming ``field``."""
    abort(422, message=message, errors={"json": {field: [message]}})


def check_links(user_id, objective, values):
    """Refuse ``values`` (422) if they would break a rule of parents and children.

    ``objective`` is the one being changed, or None for a new one; ``values`` may change
    its ``parent_id`` and its ``period``.
    """
    current_parent = None if objective is None else objective.parent_id
    parent_id = values.get("parent_id", current_parent)
    period = values.get("period", None if objective is None else objective.period)
    if parent_id is not None:
        parent = _parent(user_id, parent_id)
        ancestors = _ancestor_ids(parent)
        if objective is not None and objective.id in {parent.id, *ancestors}:
            refuse("parent_id", "An objective cannot be its own parent or ancestor.")
        if not period_contains(parent.period, period):
            field = "parent_id" if "parent_id" in values else "period"
            refuse(
                field,
                f"The parent's period ({parent.period}) must contain the objective's ({period}).",
            )
        below = 1 if objective is None else _height(objective.id)
        if len(ancestors) + 1 + below > MAX_DEPTH:
            refuse("parent_id", f"At most {MAX_DEPTH} levels of objectives may nest.")
    if objective is not None and "period" in values:
        for child in _children(objective.id):
            if not period_contains(period, child.period):
                refuse(
                    "period",
                    f"The period must contain those of the children ({child.period}); "
                    "detach them first.",
                )


def lock_children(user_id, objective_id):
    """Lock the children of the user's objective ``objective_id`` (PostgreSQL), in id order.

    A change of a child locks the child, then moves its parent's version: whatever also
    locks a parent and its children (a deletion) takes the children first, so that the two
    queue instead of deadlocking.
    """
    db.session.execute(
        select(Objective.id)
        .where(Objective.parent_id == objective_id, Objective.user_id == user_id)
        .order_by(Objective.id)
        .with_for_update()
    )


def detach_children(objective_id):
    """Make the children of ``objective_id`` top-level; return their ids.

    Each child's version moves, so an ETag read before no longer matches.
    """
    ids = list(db.session.scalars(select(Objective.id).where(Objective.parent_id == objective_id)))
    if ids:
        db.session.execute(
            update(Objective)
            .where(Objective.parent_id == objective_id)
            .values(parent_id=None, version=Objective.version + 1)
            .execution_options(synchronize_session="fetch")
        )
    return ids


def move_parent_versions(parent_ids):
    """Move the versions of those parents (None skipped): their answers list their children.

    Called when a child comes, goes or changes its title, so an ETag read before no longer
    matches.
    """
    ids = {item for item in parent_ids if item is not None}
    if ids:
        move_versions(Objective, Objective.id.in_(ids))


def _parent(user_id, parent_id):
    """Return the user's objective ``parent_id``, or answer 422."""
    parent = db.session.scalar(
        select(Objective).where(Objective.id == parent_id, Objective.user_id == user_id)
    )
    if parent is None:
        refuse("parent_id", "No such objective.")
    return parent


def _ancestor_ids(objective):
    """Return the ids above ``objective``, its parent first (bounded: a cycle stops it)."""
    found = []
    parent_id = objective.parent_id
    while parent_id is not None and parent_id not in found and len(found) <= MAX_DEPTH:
        found.append(parent_id)
        parent_id = db.session.scalar(select(Objective.parent_id).where(Objective.id == parent_id))
    return found


def _children(objective_id):
    """Return the objectives directly under ``objective_id``."""
    return db.session.scalars(select(Objective).where(Objective.parent_id == objective_id)).all()


def _height(objective_id):
    """Return how many levels the objective spans with those under it (1 without children)."""
    level = [objective_id]
    height = 0
    while level and height <= MAX_DEPTH:
        height += 1
        level = list(db.session.scalars(select(Objective.id).where(Objective.parent_id.in_(level))))
    return height
