"""Check-ins: the history of a key result's value, and which one is current."""

from sqlalchemy import select

from okr_app.api.etags import flush_versioned
from okr_app.extensions import db
from okr_app.key_results.queries import owned_key_result
from okr_app.key_results.trends import refresh_trends
from okr_app.models import CheckIn
from okr_app.models.types import utcnow
from okr_app.okr.progress import value_for_progress


def check_in_value(key_result, values):
    """Return the value a check-in states: ``value``, or the value its ``progress`` stands for."""
    if "value" in values:
        return values["value"]
    return value_for_progress(key_result.start_value, key_result.target_value, values["progress"])


def latest_at(key_result_id):
    """Return the ``at`` of the key result's latest check-in, or None without any."""
    return db.session.scalar(
        select(CheckIn.at)
        .where(CheckIn.key_result_id == key_result_id)
        .order_by(CheckIn.at.desc())
        .limit(1)
    )


def record_check_in(key_result, value, *, at=None, confidence=None, note=None):
    """Add a check-in; its value becomes the current value when it is the latest by ``at``.

    current_value = the value of the check-in with the greatest ``at``; among equal ``at``
    the last recorded wins. A late update logged with an earlier ``at`` joins the history
    without changing the current value. The key result's trend sums take it in at once
    (the caller holds the key result's row lock).
    """
    at = at or utcnow()
    latest = latest_at(key_result.id)
    check_in = CheckIn(
        key_result=key_result,
        user_id=key_result.user_id,
        at=at,
        value=value,
        confidence=confidence,
        note=note,
    )
    db.session.add(check_in)
    if latest is None or at >= latest:
        key_result.current_value = value
    db.session.flush()
    refresh_trends([key_result.id])
    return check_in


def check_in(user_id, key_result_id, values):
    """Record a check-in of the user's key result (404 when not theirs); return it and details.

    ``values`` hold ``value`` or ``progress`` and optionally ``at``, ``confidence``, ``note``.
    """
    key_result = owned_key_result(user_id, key_result_id, for_update=True)
    recorded = record_check_in(
        key_result,
        check_in_value(key_result, values),
        at=values.get("at"),
        confidence=values.get("confidence"),
        note=values.get("note"),
    )
    flush_versioned()
    details = {
        "key_result_id": key_result.id,
        "value": recorded.value,
        "at": recorded.at.isoformat(),
        "current_value": key_result.current_value,
    }
    return recorded, details
