"""The SQL twins of the rules by kind of key result, as /stats computes them over columns.

Each is the formula of ``okr_app.okr`` called on column expressions, or states the same rule
in SQL; tests/stats/test_progress_sql.py holds them equal to the Python.
"""

from sqlalchemy import and_, bindparam, case, func, or_

from okr_app.database.expressions import epoch_seconds, sql_choose, sql_clamp, sql_ratio
from okr_app.models import KeyResult, Objective
from okr_app.okr.cadence import SECONDS_PER_DAY
from okr_app.okr.kinds import (
    DIRECTIONAL,
    DONE,
    KINDS,
    MILESTONE,
    STAY_ABOVE,
    STAY_BELOW,
    STAY_IN_RANGE,
    STAYS,
    stay_progress_from_sums,
)
from okr_app.okr.progress import key_result_progress


def in_band_sql():
    """Return the SQL for ``okr.kinds.in_band`` of the current value, 1 or 0 by kind."""
    value = KeyResult.current_value
    inside = or_(
        and_(KeyResult.kind == STAY_ABOVE, value >= KeyResult.threshold),
        and_(KeyResult.kind == STAY_BELOW, value <= KeyResult.threshold),
        and_(
            KeyResult.kind == STAY_IN_RANGE,
            value >= KeyResult.range_min,
            value <= KeyResult.range_max,
        ),
    )
    return case((inside, 1.0), else_=0.0)


def key_result_progress_sql(dialect):
    """Return the SQL for a key result's progress now, by kind, over its columns.

    ``key_result_progress`` for increase and decrease, ``milestone_progress`` for a
    milestone, ``stay_progress_from_sums`` for stay_* (``now_seconds`` bound), each the
    Python formula called on column expressions (tests/stats/test_progress_sql.py).
    """
    days = func.coalesce(
        (Objective.end_date - Objective.start_date) + 1
        if dialect == "postgresql"
        else func.julianday(Objective.end_date) - func.julianday(Objective.start_date) + 1,
        0,
    )
    now_x = (bindparam("now_seconds") - epoch_seconds(Objective.start_date, dialect)) / (
        SECONDS_PER_DAY * 1.0
    )
    stay = stay_progress_from_sums(
        KeyResult.band_days,
        KeyResult.trend_first_x,
        KeyResult.trend_last_x,
        in_band_sql(),
        days,
        now_x,
        clamp=sql_clamp,
        ratio=sql_ratio,
        choose=sql_choose,
    )
    return case(
        (KeyResult.kind == MILESTONE, case((KeyResult.current_value == DONE, 100.0), else_=0.0)),
        (KeyResult.kind.in_(STAYS), func.coalesce(stay, 0.0)),
        else_=key_result_progress(
            KeyResult.start_value, KeyResult.target_value, KeyResult.current_value, clamp=sql_clamp
        ),
    )


def expected_weight_sql():
    """Return the SQL sums of weight the pace expects by kind on day ``on`` (bound).

    ``timed``: increase and decrease, expected at the share of the period elapsed;
    ``full``: stay_* once the period has started and milestones past due, expected at 100
    (``expected_kind_progress``); ``late``: milestones past due and not done, at risk.
    """
    due = func.coalesce(KeyResult.due_on, Objective.end_date)
    past_due = and_(KeyResult.kind == MILESTONE, due < bindparam("on"))
    started_stay = and_(KeyResult.kind.in_(STAYS), Objective.start_date <= bindparam("on"))
    full = or_(started_stay, past_due)
    late = and_(past_due, KeyResult.current_value != DONE)
    return (
        func.sum(case((KeyResult.kind.in_(DIRECTIONAL), KeyResult.weight), else_=0.0)).label(
            "timed_weight"
        ),
        func.sum(case((full, KeyResult.weight), else_=0.0)).label("full_weight"),
        func.sum(case((late, 1), else_=0)).label("late_milestones"),
    )


def kind_counts_sql():
    """Return the SQL counting the key results of each kind, labelled ``kind_<kind>``."""
    return [
        func.sum(case((KeyResult.kind == kind, 1), else_=0)).label(f"kind_{kind}") for kind in KINDS
    ]
