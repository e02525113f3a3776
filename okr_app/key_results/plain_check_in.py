"""A plain check-in (a value, now) on PostgreSQL in one statement: lock, write, read back.

The general path reads the key result with a row lock, then writes the check-in and the
key result's sums. For a ``value`` stated now (no ``at``, ``delta``, ``progress`` or
``done``), one statement does both: its UPDATE locks the key result's row, checks what
the general path checks (the caller's key result, a period that has started, a
milestone's 1 or 0) and returns the key result as it leaves it, with its objective's
figures; a CTE inserts the check-in's row. It returns nothing when a rule does not hold,
or when the key result changed between the statement's snapshot and its lock (its version
moved: a concurrent check-in, or a change of the objective's period, status or cadence,
all of which move it); the caller then takes the general path, which says why or retries
on the locked row. Either way the answer is the same.
"""

import functools

from sqlalchemy import Float, bindparam, case, cast, insert, or_, select, true, update
from sqlalchemy.orm.attributes import set_committed_value

from okr_app.database.rows import column_values, detached
from okr_app.extensions import db
from okr_app.key_results.trends import added_values, day_offset, refresh_band_days
from okr_app.models import CheckIn, KeyResult, Objective
from okr_app.models.types import MAX_ID, utcnow
from okr_app.okr.kinds import DONE, MILESTONE, NOT_DONE, STAYS

#: What a request may state for the one-statement path: a value, and what goes with it.
PLAIN = frozenset({"value", "confidence", "note", "source"})
#: The check-in's columns bound as parameters of their own (the others come from the UPDATE).
INSERTED = ("confidence", "note", "source", "created_at")
#: The objective's columns a key result's answer reads, returned with it.
OBJECTIVE_FIGURES = ("start_date", "end_date", "status", "check_in_every_days")


def applies(key_result_id, values):
    """Tell whether the one-statement path may record ``values`` on PostgreSQL."""
    return (
        db.session.get_bind().dialect.name == "postgresql"
        and "value" in values
        and PLAIN.issuperset(values)
        and 0 < key_result_id <= MAX_ID
    )


def record_plain_check_in(user_id, key_result_id, values, source):
    """Record a value stated now; return the check-in, or None for the general path."""
    at = utcnow()
    check_in = {
        "key_result_id": key_result_id,
        "user_id": user_id,
        "at": at,
        "value": values["value"],
        "confidence": values.get("confidence"),
        "note": values.get("note"),
        "source": values.get("source") or source,
        "created_at": utcnow(),
    }
    # Named apart from the key result's columns, which an UPDATE's parameters would set.
    parameters = {f"check_in_{name}": check_in[name] for name in INSERTED}
    parameters |= {
        "key_result_id": key_result_id,
        "owner_id": user_id,
        "at": at,
        "value": check_in["value"],
        "today": at.date(),
        "updated_at": check_in["created_at"],
    }
    row = db.session.connection().execute(_statement(), parameters).first()
    if row is None:
        return None
    fields = row._mapping
    objective = detached(
        Objective,
        {"id": fields["objective_id"], **{name: fields[f"o_{name}"] for name in OBJECTIVE_FIGURES}},
    )
    key_result = detached(KeyResult, column_values(KeyResult, fields))
    set_committed_value(key_result, "objective", objective)
    if key_result.kind in STAYS:
        refresh_band_days([key_result])
    recorded = detached(CheckIn, {**check_in, "id": fields["check_in_id"]})
    set_committed_value(recorded, "key_result", key_result)
    return recorded


@functools.cache
def _statement():
    """Return the one statement of a plain check-in, built once, bound per call."""
    table, objectives, check_ins = KeyResult.__table__, Objective.__table__, CheckIn.__table__
    at = bindparam("at", type_=check_ins.c.at.type)
    y = bindparam("value", type_=Float())
    seen = table.alias("seen")
    # The key result and its objective as the statement's snapshot has them. Should the row
    # move before the UPDATE locks it, PostgreSQL checks the WHERE again on the new row
    # against these same values: a moved version no longer matches, and nothing is written.
    point = (
        select(
            seen.c.version,
            objectives.c.id.label("objective_id"),
            *(objectives.c[name].label(f"o_{name}") for name in OBJECTIVE_FIGURES),
            day_offset(at, objectives.c.start_date).label("x"),
        )
        .join(objectives, objectives.c.id == seen.c.objective_id)
        .where(seen.c.id == bindparam("key_result_id"), seen.c.user_id == bindparam("owner_id"))
        .subquery("point")
    )
    becomes_current = or_(table.c.last_check_in_at.is_(None), at >= table.c.last_check_in_at)
    moved = (
        update(table)
        .where(
            table.c.id == bindparam("key_result_id"),
            table.c.user_id == bindparam("owner_id"),
            table.c.version == point.c.version,
            point.c.o_start_date <= bindparam("today"),
            or_(table.c.kind != MILESTONE, y == DONE, y == NOT_DONE),
        )
        .values(
            added_values(
                point.c.x,
                y,
                latest_at=case((becomes_current, at), else_=table.c.last_check_in_at),
                becomes_current=becomes_current,
            )
        )
        .returning(
            *table.c,
            *(point.c[f"o_{name}"] for name in OBJECTIVE_FIGURES),
        )
        .cte("moved")
    )
    inserted = (
        insert(check_ins)
        .from_select(
            ["key_result_id", "user_id", "at", "value", *INSERTED],
            select(
                moved.c.id,
                moved.c.user_id,
                at,
                y,
                # Typed: a parameter alone in a SELECT list would be taken as text.
                *(_typed(f"check_in_{name}", check_ins.c[name].type) for name in INSERTED),
            ),
        )
        .returning(check_ins.c.id)
        .cte("new_check_in")
    )
    return select(moved, inserted.c.id.label("check_in_id")).join_from(moved, inserted, true())


def _typed(name, kind):
    """Return the parameter ``name`` cast to the column type ``kind``."""
    return cast(bindparam(name, type_=kind), kind)
