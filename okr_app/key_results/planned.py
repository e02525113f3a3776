"""Values planned for a period's start, moved with it when the start moves.

A value stated before its key result's period starts is recorded as a check-in dated at the
period's first moment (``check_ins.stated_at``): the value the period starts with, planned,
not yet true. While that moment lies ahead, the values planned for it follow a new start
(the objective's period changed, or the key result moved to another objective), so none
stays ahead of its period, and no trend or time in band counts days that have not come.
"""

from sqlalchemy import select, update

from okr_app.extensions import db
from okr_app.models import CheckIn, KeyResult
from okr_app.models.types import utcnow
from okr_app.okr.periods import first_moment


def move_planned_check_ins(key_result_ids, old_start, new_start):
    """Date the check-ins planned for ``old_start`` at ``new_start``'s first moment instead.

    Only while the old first moment lies ahead. The key results' current values are read
    again from their histories (the latest check-in by ``at``, the last recorded on a tie);
    the caller holds their locks and refreshes their trends afterwards.
    """
    planned = first_moment(old_start)
    if not key_result_ids or old_start == new_start or planned <= utcnow():
        return
    moved = db.session.execute(
        update(CheckIn)
        .where(CheckIn.key_result_id.in_(key_result_ids), CheckIn.at == planned)
        .values(at=first_moment(new_start))
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        return
    latest = (
        select(CheckIn.value)
        .where(CheckIn.key_result_id == KeyResult.id)
        .order_by(CheckIn.at.desc(), CheckIn.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    db.session.execute(
        update(KeyResult)
        .where(KeyResult.id.in_(key_result_ids), KeyResult.last_check_in_at.is_not(None))
        .values(current_value=latest)
        .execution_options(synchronize_session=False)
    )
