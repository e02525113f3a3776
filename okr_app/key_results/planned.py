"""Values planned for a period's start, moved with it when the start moves.

A value stated before its key result's period starts is recorded as a check-in dated at the
period's first moment (``check_ins.stated_at``): the value the period starts with, planned,
not yet true. While that moment lies ahead, the values planned for it follow a new start
(the objective's period changed, or the key result moved to another objective), so none
stays ahead of its period, and no trend or time in band counts days that have not come.
"""

from sqlalchemy import func, select, update

from okr_app.extensions import db
from okr_app.models import CheckIn, KeyResult
from okr_app.models.types import utcnow
from okr_app.okr.periods import first_moment


def move_planned_check_ins(key_result_ids, old_start, new_start):
    """Date the check-ins planned for ``old_start`` as a value stated now for ``new_start``.

    Only while the old first moment lies ahead. They go where ``check_ins.stated_at`` puts a
    value stated now: at the new first moment, or now once that has passed, and never
    before a key result's other check-ins, so that they stay its current value. The key
    results' current values and latest moments are read again from their histories; the
    caller holds their locks and refreshes their trends afterwards. Return how many moved.
    """
    planned = first_moment(old_start)
    now = utcnow()
    if not key_result_ids or old_start == new_start or planned <= now:
        return 0
    earliest = max(first_moment(new_start), now)
    others = dict(
        db.session.execute(
            select(CheckIn.key_result_id, func.max(CheckIn.at))
            .where(CheckIn.key_result_id.in_(key_result_ids), CheckIn.at != planned)
            .group_by(CheckIn.key_result_id)
        ).all()
    )
    moved = 0
    for key_result_id in key_result_ids:
        latest_other = others.get(key_result_id)
        at = earliest if latest_other is None else max(earliest, latest_other)
        moved += db.session.execute(
            update(CheckIn)
            .where(CheckIn.key_result_id == key_result_id, CheckIn.at == planned)
            .values(at=at)
            .execution_options(synchronize_session=False)
        ).rowcount
    if moved:
        _read_latest_again(key_result_ids)
    return moved


def _read_latest_again(key_result_ids):
    """Set each key result's current value and latest moment from its check-ins."""
    history = select(CheckIn).where(CheckIn.key_result_id == KeyResult.id)
    latest = history.order_by(CheckIn.at.desc(), CheckIn.id.desc()).limit(1)
    db.session.execute(
        update(KeyResult)
        .where(KeyResult.id.in_(key_result_ids), KeyResult.last_check_in_at.is_not(None))
        .values(
            current_value=latest.with_only_columns(CheckIn.value).scalar_subquery(),
            last_check_in_at=latest.with_only_columns(CheckIn.at).scalar_subquery(),
        )
        .execution_options(synchronize_session=False)
    )
