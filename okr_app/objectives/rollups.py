"""Rolled-up progress for the objective list, read in a few statements per level.

The same rule as ``Objective.progress`` (``okr_app.okr.rollup.rolled_up_progress``): a
parent that rolls up counts its key results and its children, each child once with its
own progress (rolled up in turn only if it rolls up itself), or, when the child is closed,
with the progress frozen at its closing. Its expected progress counts the same children,
each expected by its own period and key results, a closed one at its frozen progress. A
test holds the list and the single read equal.
"""

from functools import cache
from typing import NamedTuple

from sqlalchemy import and_, bindparam, select

from okr_app.models import KeyResult, Objective, ObjectiveClosing
from okr_app.models.types import utcnow
from okr_app.okr.progress import objective_progress
from okr_app.okr.readings import reading_progress
from okr_app.okr.rollup import MAX_DEPTH, expected_of, rolled_up_progress


def children_of(connection, ids):
    """Return ``{id: [{id, title}, ...]}``: the children of the objectives ``ids``, oldest first."""
    found = {}
    for row in connection.execute(_children(), {"ids": list(ids)}):
        found.setdefault(row.parent_id, []).append({"id": row.id, "title": row.title})
    return found


class RolledUp(NamedTuple):
    """A rolled-up objective's progress and the progress expected of it on a day."""

    progress: float
    expected: float


def rolled_up(connection, objectives, on, inside=None):
    """Return ``{id: RolledUp(progress, expected)}`` of those of ``objectives`` that roll up.

    Each of ``objectives`` is a dict with ``id``, ``roll_up``, ``start_date`` and
    ``end_date``; a key result's progress is read by its kind, as the models read it, and
    the expected progress is that of day ``on`` (``Objective.expected_progress_on``'s rule).
    ``inside``, a set, gets the id of every objective whose progress one of these counts
    (its children, and theirs through every child that rolls up in turn).
    """
    parents = [item for item in objectives if item["roll_up"]]
    if not parents:
        return {}
    nodes = {item["id"]: item for item in parents}
    level = list(nodes)
    for _ in range(MAX_DEPTH - 1):
        rows = connection.execute(_descendants(), {"ids": level}).all()
        level = [row.id for row in rows if row.id not in nodes]
        nodes.update({row.id: row._asdict() for row in rows})
        if not level:
            break
    own = {}
    kinds = {}
    now = utcnow()
    for row in connection.execute(_key_results(), {"ids": list(nodes)}):
        node = nodes[row.objective_id]
        progress = reading_progress(row, node["start_date"], node["end_date"], now)
        own.setdefault(row.objective_id, []).append((progress, row.weight))
        kinds.setdefault(row.objective_id, []).append((row.kind, row.due_on, row.weight))
    under = {}
    for node in nodes.values():
        if node.get("parent_id") in nodes:
            under.setdefault(node["parent_id"], []).append(node["id"])

    def rolls_up(objective_id, depth):
        """Tell whether an objective counts its children at this depth."""
        return nodes[objective_id]["roll_up"] and depth < MAX_DEPTH

    def progress_of(objective_id, depth):
        """Return one objective's progress, its children's included if it rolls up."""
        pairs = own.get(objective_id, [])
        if not rolls_up(objective_id, depth):
            return objective_progress(pairs)
        children = [
            (progress_as_child(child, depth + 1), nodes[child]["child_weight"])
            for child in under.get(objective_id, [])
        ]
        return rolled_up_progress(pairs, children)

    def progress_as_child(objective_id, depth):
        """Return a child's progress in its parent's roll-up: frozen at its closing if closed."""
        if inside is not None:
            inside.add(objective_id)
        frozen = nodes[objective_id]["final_progress"]
        return progress_of(objective_id, depth) if frozen is None else frozen

    def expected_of_node(objective_id, depth):
        """Return one objective's expected progress, its children's included if it rolls up."""
        children = []
        if rolls_up(objective_id, depth):
            children = [
                (expected_as_child(child, depth + 1), nodes[child]["child_weight"])
                for child in under.get(objective_id, [])
            ]
        node = nodes[objective_id]
        items = kinds.get(objective_id, [])
        return expected_of(node["start_date"], node["end_date"], items, children, on)

    def expected_as_child(objective_id, depth):
        """Return a child's expected progress in its parent's: its frozen progress if closed."""
        frozen = nodes[objective_id]["final_progress"]
        return expected_of_node(objective_id, depth) if frozen is None else frozen

    return {
        item["id"]: RolledUp(progress_of(item["id"], 1), expected_of_node(item["id"], 1))
        for item in parents
    }


@cache
def _children():
    """Return the statement of the children (id, title) of the objectives ``ids``."""
    return (
        select(Objective.id, Objective.title, Objective.parent_id)
        .where(Objective.parent_id.in_(bindparam("ids", expanding=True)))
        .order_by(Objective.id)
    )


@cache
def _descendants():
    """Return the statement of the children of ``ids`` with what their roll-up needs.

    ``final_progress`` comes from the closing in force, null while the child is open.
    """
    return (
        select(
            Objective.id,
            Objective.parent_id,
            Objective.roll_up,
            Objective.child_weight,
            Objective.start_date,
            Objective.end_date,
            ObjectiveClosing.final_progress,
        )
        .outerjoin(
            ObjectiveClosing,
            and_(
                ObjectiveClosing.objective_id == Objective.id,
                ObjectiveClosing.reopened_at.is_(None),
            ),
        )
        .where(Objective.parent_id.in_(bindparam("ids", expanding=True)))
    )


@cache
def _key_results():
    """Return the statement of the key results of ``ids``, as the list reads them."""
    return select(KeyResult.__table__).where(
        KeyResult.objective_id.in_(bindparam("ids", expanding=True))
    )
