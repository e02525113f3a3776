"""The worker's reminder scan: ``key_result.due``, ``.stale`` and ``.off_track`` events.

Each due date is announced once as due and once as stale, and a turn of the pace status to
``at_risk`` from a better one once: a conditional UPDATE of the key result's reminder row
decides which scan publishes, so scans running at once on several workers (or run again
after a crash) never send an event twice. The first scan of a key result only notes its
pace status: a turn needs a status seen before.
"""

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import contains_eager

from okr_app.extensions import db
from okr_app.key_results.schemas import KeyResultSchema
from okr_app.models import KeyResult, KeyResultReminder, Objective, of_active_owner
from okr_app.models.outbox import publish
from okr_app.models.types import utcnow
from okr_app.okr.cadence import turned_off_track

BATCH = 500


def scan_reminders(batch=BATCH):
    """Publish the reminders due now for every active objective in its period; return them."""
    published, after = 0, 0
    while True:
        key_results = _current_key_results(after, batch)
        if not key_results:
            db.session.commit()
            return published
        reminders = _reminders_of(key_results)
        for key_result in key_results:
            published += _remind(key_result, reminders[key_result.id])
        db.session.commit()
        after = key_results[-1].id


def _current_key_results(after, batch):
    """Return the next batch of key results (by id) of active objectives in their period.

    A deactivated account's are left out: nothing is published for it until reactivated.
    """
    today = utcnow().date()
    statement = (
        of_active_owner(select(KeyResult).join(KeyResult.objective), Objective.user_id)
        .options(contains_eager(KeyResult.objective))
        .where(
            KeyResult.id > after,
            Objective.status == "active",
            Objective.start_date <= today,
            Objective.end_date >= today,
        )
        .order_by(KeyResult.id)
        .limit(batch)
    )
    return db.session.scalars(statement).unique().all()


def _reminders_of(key_results):
    """Return ``{key_result_id: reminder}``, creating the missing rows with today's status."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    rows = [
        {"key_result_id": item.id, "user_id": item.user_id, "pace_status": item.pace_status}
        for item in key_results
    ]
    db.session.execute(dialect.insert(KeyResultReminder).values(rows).on_conflict_do_nothing())
    statement = select(KeyResultReminder).where(
        KeyResultReminder.key_result_id.in_([item.id for item in key_results])
    )
    return {row.key_result_id: row for row in db.session.scalars(statement)}


def _remind(key_result, reminder):
    """Publish what is new about one key result; return how many events."""
    published = 0
    due_at = key_result.due_at
    if key_result.overdue and _claim(key_result.id, KeyResultReminder.due_sent_for, due_at):
        published += _publish("key_result.due", key_result)
    if key_result.stale and _claim(key_result.id, KeyResultReminder.stale_sent_for, due_at):
        published += _publish("key_result.stale", key_result)
    status, previous = key_result.pace_status, reminder.pace_status
    turned = status != previous and _claim(key_result.id, KeyResultReminder.pace_status, status)
    if turned and turned_off_track(previous, status):
        published += _publish("key_result.off_track", key_result)
    return published


def _claim(key_result_id, column, value):
    """Set ``column`` to ``value`` unless it holds it already; tell whether this scan did."""
    changed = db.session.execute(
        update(KeyResultReminder)
        .where(
            KeyResultReminder.key_result_id == key_result_id,
            or_(column.is_(None), column != value),
        )
        .values({column.key: value})
        .execution_options(synchronize_session=False)
    )
    return changed.rowcount == 1


def _publish(event_type, key_result):
    """Record the event with the key result as the API returns it; return 1."""
    publish(event_type, key_result.user_id, KeyResultSchema().dump(key_result))
    current_app.logger.info("published %s for key result %s", event_type, key_result.id)
    return 1
