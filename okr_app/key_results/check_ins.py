"""Check-ins: the history of a key result's value, which one is current, and batches of them."""

from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified, set_committed_value

from okr_app.api.authentication import current_personal_token
from okr_app.api.etags import flush_versioned
from okr_app.api.schemas import FiniteNumber
from okr_app.database.rows import detached
from okr_app.extensions import db
from okr_app.key_results import plain_check_in
from okr_app.key_results.queries import owned_key_result
from okr_app.key_results.trends import add_to_trends, refresh_trends
from okr_app.models import CheckIn, KeyResult
from okr_app.models.types import utcnow
from okr_app.okr.kinds import DONE, MILESTONE, NOT_DONE, STAYS
from okr_app.okr.periods import first_moment
from okr_app.okr.progress import decimal_sum, value_for_progress


class CheckInRefused(Exception):
    """A check-in breaks a rule that needs the key result's state; ``field`` says where."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


class BatchRefused(Exception):
    """Some check-ins of a batch are refused: ``errors`` maps their index to field errors."""

    def __init__(self, errors):
        super().__init__("refused check-ins")
        self.errors = errors


def check_in_value(key_result, values):
    """Return the value a check-in states, or raise ``CheckInRefused`` where the kind forbids it.

    ``value``; ``progress`` as a value; current + ``delta``; a milestone's ``done`` as 1 or 0.
    """
    refusal = kind_refusal(key_result.kind, values)
    if refusal is not None:
        raise CheckInRefused(*refusal)
    if "done" in values:
        return DONE if values["done"] else NOT_DONE
    if key_result.kind == MILESTONE and "progress" in values:
        return DONE if values["progress"] == 100.0 else NOT_DONE
    if "value" in values:
        return values["value"]
    if "delta" in values:
        return decimal_sum(key_result.current_value, values["delta"])
    return value_for_progress(key_result.start_value, key_result.target_value, values["progress"])


def period_start(objective):
    """Return the first moment (UTC) of the objective's period."""
    return first_moment(objective.start_date)


def stated_at(key_result):
    """Return when a value stated on the key result itself (not a check-in) is recorded.

    Now, or the first moment of the objective's period while it has not started: no
    check-in lies before its period, and a value stated in advance is the one the period
    starts with, as a value carried over into a later period is. Never before the latest
    check-in (one stated in advance, before the period moved earlier), so that the value
    stated is the current one: the last recorded wins a tie.
    """
    latest = key_result.last_check_in_at
    moment = max(utcnow(), period_start(key_result.objective))
    return max(moment, latest) if latest is not None else moment


def kind_refusal(kind, values):
    """Return ``(field, message)`` when the kind cannot take what ``values`` state, else None.

    A milestone takes ``done``, a value of 1 or 0 or a progress of 100 or 0, never a delta;
    a stay_* kind takes values (or deltas), not a progress; only a milestone takes ``done``.
    """
    if kind != MILESTONE:
        if "done" in values:
            return "done", "Only a milestone is done or not: send value."
        if kind in STAYS and "progress" in values:
            return "progress", f"A {kind} key result measures time in band: send value."
        return None
    if "delta" in values:
        return "delta", "A milestone is done or not: send done (or value 1 or 0), not a delta."
    if values.get("value", DONE) not in (DONE, NOT_DONE):
        return "value", "A milestone's value is 1 (done) or 0 (not done)."
    if values.get("progress", 100.0) not in (100.0, 0.0):
        return "progress", "A milestone's progress is 100 (done) or 0 (not done)."
    return None


def default_source():
    """Return the source of a check-in that names none: the personal access token's name."""
    token = current_personal_token()
    return None if token is None else token.name


def record_check_in(
    key_result,
    value,
    *,
    at=None,
    confidence=None,
    note=None,
    source=None,
    refresh=True,
    incremental=False,
):
    """Add a check-in; its value becomes the current value when it is the latest by ``at``.

    current_value = the value of the check-in with the greatest ``at``; among equal ``at``
    the last recorded wins. A late update logged with an earlier ``at`` joins the history
    without changing the current value. The key result's trend sums take it in at once
    (the caller holds the key result's row lock), unless ``refresh`` is False and the
    caller refreshes them after several check-ins. ``incremental`` adds the check-in to
    the sums in one UPDATE instead of recomputing them (on PostgreSQL the same statement
    inserts the check-in's row), for a key result loaded with its objective and otherwise
    unchanged in this transaction. Either way every check-in moves the key result's
    version (its ETag), a late one too.
    """
    at = at or utcnow()
    latest = key_result.last_check_in_at
    becomes_current = latest is None or at >= latest
    fields = {
        "key_result_id": key_result.id,
        "user_id": key_result.user_id,
        "at": at,
        "value": value,
        "confidence": confidence,
        "note": note,
        "source": source or default_source(),
    }
    if refresh and incremental:
        fields["created_at"] = utcnow()
        check_in_id = add_to_trends(
            key_result, at, value, becomes_current=becomes_current, check_in=fields
        )
        recorded = detached(CheckIn, {"id": check_in_id, **fields})
        # Its key result set without the backref's events: the key result is unchanged too.
        set_committed_value(recorded, "key_result", key_result)
        return recorded
    check_in = CheckIn(**fields)
    db.session.add(check_in)
    if becomes_current:
        key_result.current_value = value
    key_result.last_check_in_at = at if becomes_current else latest
    # A late check-in changes neither, yet changes the forecast: the version moves anyway.
    flag_modified(key_result, "last_check_in_at")
    db.session.flush()
    if refresh:
        refresh_trends([key_result.id])
    check_in.key_result = key_result
    return check_in


def record_stated_check_in(key_result, values, *, refresh=True, incremental=False):
    """Record the check-in a request states (value, progress or delta) on a locked key result.

    A delta adds to the current value as it stands now, so concurrent deltas never lose
    one; it may not be dated before the latest check-in, where it would not count. No
    check-in is dated before its objective's period starts (after its end is allowed: a
    late update).
    """
    at = values.get("at") or utcnow()
    starts = period_start(key_result.objective)
    if at < starts:
        raise CheckInRefused(
            "at",
            f"The objective's period starts on {starts.date().isoformat()}: no check-in before.",
        )
    if "delta" in values:
        if key_result.kind in STAYS and key_result.last_check_in_at is None:
            # Its value is a placeholder (a copy's 0) until a first one is stated.
            raise CheckInRefused("delta", "This key result has no value yet to add to: send value.")
        latest = key_result.last_check_in_at
        if latest is not None and at < latest:
            raise CheckInRefused(
                "at", "A delta adds to the current value: it cannot predate the latest check-in."
            )
    value = check_in_value(key_result, values)
    if abs(value) > FiniteNumber.LIMIT:
        raise CheckInRefused("delta", "The value would exceed 1e15 in size.")
    return record_check_in(
        key_result,
        value,
        at=at,
        confidence=values.get("confidence"),
        note=values.get("note"),
        source=values.get("source"),
        refresh=refresh,
        incremental=incremental,
    )


def record_batch(user_id, items):
    """Record every check-in of ``items`` or none; return them, their key results and details.

    The key results are locked in id order (so batches never deadlock) and the items are
    recorded in the order given, each against the key result as the earlier ones left it;
    each one's audit details say where it left its key result. Raises ``BatchRefused``
    naming each refused item's index and field.
    """
    key_results = locked_key_results(user_id, {item["key_result_id"] for item in items})
    errors = {
        index: {"key_result_id": ["No such key result."]}
        for index, item in enumerate(items)
        if item["key_result_id"] not in key_results
    }
    if errors:
        raise BatchRefused(errors)
    check_ins, details = [], []
    for index, item in enumerate(items):
        try:
            key_result = key_results[item["key_result_id"]]
            check_ins.append(record_stated_check_in(key_result, item, refresh=False))
            details.append(check_in_details(check_ins[-1], item))
        except CheckInRefused as refusal:
            errors[index] = {refusal.field: [refusal.message]}
    if errors:
        raise BatchRefused(errors)
    refresh_trends(sorted(key_results))
    touched = dict.fromkeys(item["key_result_id"] for item in items)
    return check_ins, [key_results[key_result_id] for key_result_id in touched], details


def locked_key_results(user_id, key_result_ids):
    """Return ``{id: key result}`` of those that are the user's, row-locked in id order."""
    statement = (
        select(KeyResult)
        .where(KeyResult.id.in_(sorted(key_result_ids)), KeyResult.user_id == user_id)
        .order_by(KeyResult.id)
        .options(selectinload(KeyResult.objective))
        .with_for_update(of=KeyResult)
    )
    return {key_result.id: key_result for key_result in db.session.scalars(statement)}


def check_in_details(check_in, values):
    """Return the audit details of a new check-in: what was stated and where it left things."""
    details = {
        "key_result_id": check_in.key_result_id,
        "value": check_in.value,
        "at": check_in.at.isoformat(),
        "current_value": check_in.key_result.current_value,
        "source": check_in.source,
    }
    if "delta" in values:
        details["delta"] = values["delta"]
    return details


def check_in(user_id, key_result_id, values):
    """Record the check-in a user states on their key result (404 when not theirs).

    ``values`` hold ``value``, ``progress`` or ``delta``, and optionally ``at``,
    ``confidence``, ``note`` and ``source``. Return the check-in and its audit details.
    A value stated now goes in one statement on PostgreSQL (``plain_check_in``); whatever
    that statement does not take, the key result is read with its row lock first.
    """
    recorded = None
    if plain_check_in.applies(key_result_id, values):
        recorded = plain_check_in.record_plain_check_in(
            user_id, key_result_id, values, default_source()
        )
    if recorded is None:
        key_result = owned_key_result(user_id, key_result_id, for_update=True, figures_only=True)
        try:
            recorded = record_stated_check_in(key_result, values, incremental=True)
        except CheckInRefused as refusal:
            message = refusal.message
            abort(422, message=message, errors={"json": {refusal.field: [message]}})
        flush_versioned()
    return recorded, check_in_details(recorded, values)
