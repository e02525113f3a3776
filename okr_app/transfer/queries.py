"""The rows of an export, oldest first: one query per entity, check-ins streamed.

All of them read from one snapshot (``one_snapshot``), so the document agrees with itself
while the account changes.

Objectives, key results and closings are read whole; check-ins, the one collection that
grows without bound, come through a server-side cursor (PostgreSQL) ``BATCH`` rows at a
time, so an export never holds them all in memory.
"""

from sqlalchemy import Connection, case, select

from okr_app.extensions import db
from okr_app.models import CheckIn, KeyResult, Objective, ObjectiveClosing
from okr_app.okr.kinds import DIRECTIONAL

BATCH = 1000


def one_snapshot():
    """Begin the export's reads on one snapshot of the database.

    PostgreSQL's default isolation gives each statement its own snapshot: a check-in
    committed between the key results' statement and the check-ins' made a document whose
    value disagreed with its latest check-in (which the import refuses), and a key result
    created meanwhile made the check-ins of the ones after it go missing. The request's
    transaction so far (its authentication) ends here, and the export's reads share one
    repeatable-read transaction. SQLite reads a transaction from one snapshot anyway, and a
    session joined to a transaction begun outside it (bound to a connection) keeps that one.
    """
    bind = db.session.get_bind()
    if bind.dialect.name != "postgresql" or isinstance(bind, Connection):
        return
    db.session.commit()
    db.session.connection(
        execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    )


def objectives(user_id):
    """Return the user's objectives, by id."""
    statement = (
        select(
            Objective.id,
            Objective.title,
            Objective.description,
            Objective.period,
            Objective.start_date,
            Objective.end_date,
            Objective.status,
            Objective.check_in_every_days,
            Objective.copied_from_id,
            Objective.parent_id,
            Objective.roll_up,
            Objective.child_weight,
            Objective.created_at,
            Objective.updated_at,
        )
        .where(Objective.user_id == user_id)
        .order_by(Objective.id)
    )
    return db.session.execute(statement).all()


def key_results(user_id):
    """Return the user's key results, by objective, then by id.

    start_value and target_value are null outside increase and decrease, as answers show.
    """
    statement = (
        select(
            KeyResult.id,
            KeyResult.objective_id,
            KeyResult.title,
            KeyResult.metric,
            KeyResult.kind,
            case((KeyResult.kind.in_(DIRECTIONAL), KeyResult.start_value)).label("start_value"),
            case((KeyResult.kind.in_(DIRECTIONAL), KeyResult.target_value)).label("target_value"),
            KeyResult.threshold,
            KeyResult.range_min,
            KeyResult.range_max,
            KeyResult.due_on,
            KeyResult.current_value,
            KeyResult.weight,
            KeyResult.created_at,
            KeyResult.updated_at,
        )
        .where(KeyResult.user_id == user_id)
        .order_by(KeyResult.objective_id, KeyResult.id)
    )
    return db.session.execute(statement).all()


def closings(user_id):
    """Return the user's closings, by objective, then oldest first."""
    statement = (
        select(
            ObjectiveClosing.id,
            ObjectiveClosing.objective_id,
            ObjectiveClosing.outcome,
            ObjectiveClosing.retrospective,
            ObjectiveClosing.grade,
            ObjectiveClosing.final_progress,
            ObjectiveClosing.closed_at,
            ObjectiveClosing.reopened_at,
            ObjectiveClosing.key_results,
        )
        .where(ObjectiveClosing.user_id == user_id)
        .order_by(ObjectiveClosing.objective_id, ObjectiveClosing.closed_at, ObjectiveClosing.id)
    )
    return db.session.execute(statement).all()


def check_ins(user_id):
    """Yield the user's check-ins in the order of their key results, each oldest first.

    The order (objective, key result, ``at``, id) is the order of the JSON document, so
    check-ins can be written while they are read.
    """
    statement = (
        select(
            CheckIn.id,
            CheckIn.key_result_id,
            CheckIn.at,
            CheckIn.value,
            CheckIn.confidence,
            CheckIn.note,
            CheckIn.source,
            CheckIn.created_at,
        )
        .join(KeyResult, KeyResult.id == CheckIn.key_result_id)
        .where(CheckIn.user_id == user_id)
        .order_by(KeyResult.objective_id, CheckIn.key_result_id, CheckIn.at, CheckIn.id)
        .execution_options(yield_per=BATCH)
    )
    yield from db.session.execute(statement)
