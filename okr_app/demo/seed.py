"""Deterministic demo users, objectives, key results and months of check-ins."""

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import delete, func, insert, select

from okr_app.auth import passwords
from okr_app.extensions import db
from okr_app.key_results.trends import refresh_trends
from okr_app.models import CheckIn, KeyResult, Objective, User
from okr_app.models.types import utcnow
from okr_app.okr.kinds import direction
from okr_app.okr.periods import bounds

DEMO_PASSWORD = "demo passphrase 2026"  # noqa: S105  (documented demo accounts)
DEMO_EMAIL = "demo{index}@demo.example.com"
DEMO_DOMAIN = "%@demo.example.com"
#: Users written per round of bulk inserts: large enough to amortise round trips, small
#: enough to keep the pending rows of one round in memory at any size.
USERS_PER_BATCH = 50
THEMES = [
    ("Grow the newsletter", [("Subscribers", "subscribers", 0, 5000), ("Open rate", "%", 20, 45)]),
    ("Ship the mobile app", [("Beta testers", "testers", 0, 200), ("Crash rate", "%", 5, 0.5)]),
    ("Get fitter", [("Runs per month", "runs", 0, 12), ("Resting heart rate", "bpm", 72, 60)]),
    ("Learn Spanish", [("Lessons", "lessons", 0, 60), ("Vocabulary", "words", 200, 1500)]),
    ("Improve support", [("First reply", "hours", 24, 4), ("CSAT", "%", 70, 90)]),
    ("Cut cloud costs", [("Monthly bill", "EUR", 9000, 6000), ("Idle servers", "servers", 30, 0)]),
]


def real_users():
    """Return how many accounts were not made by the demo seeder."""
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.email.not_like(DEMO_DOMAIN))
    )


def seed(users=5, objectives=6, days=90, seed_value=2026, today=None):
    """Replace the demo accounts with new ones (uncommitted); return ``(users, check_ins)``.

    Each user gets objectives over recent periods with four key results each, and
    check-ins on about one day in three over ``days`` days, at a pace that differs per
    objective, so that some are ahead and some at risk, and users have streaks.
    """
    rng = random.Random(seed_value)  # noqa: S311  (repeatable demo data, not secrets)
    today = today or datetime.now(UTC).date()
    db.session.execute(delete(User).where(User.email.like(DEMO_DOMAIN)))
    password_hash = passwords.hash_password(DEMO_PASSWORD)
    periods = _recent_periods(today)
    check_ins = 0
    for first in range(1, users + 1, USERS_PER_BATCH):
        indexes = range(first, min(first + USERS_PER_BATCH, users + 1))
        plans = [
            _objective(
                rng, (index + number) % len(THEMES), periods[number % len(periods)], today, days
            )
            for index in indexes
            for number in range(objectives)
        ]
        check_ins += _insert(list(indexes), objectives, plans, password_hash)
    return users, check_ins


def _insert(indexes, per_user, plans, password_hash):
    """Write one batch of users with their planned objectives; return the check-ins written.

    Five bulk statements whatever the batch holds: ids come back in the order of the rows
    sent, which links each key result to its objective and each check-in to its key result.
    """
    users = [
        {
            "email": DEMO_EMAIL.format(index=index),
            "password_hash": password_hash,
            "display_name": f"Demo user {index}",
            "role": "user",
            "is_active": True,
        }
        for index in indexes
    ]
    owners = [user_id for user_id in _insert_returning_ids(User, users) for _ in range(per_user)]
    objectives = [
        {**plan["objective"], "user_id": owner} for plan, owner in zip(plans, owners, strict=True)
    ]
    objective_ids = _insert_returning_ids(Objective, objectives)
    key_results = [
        {**key_result, "user_id": owner, "objective_id": objective_id}
        for plan, owner, objective_id in zip(plans, owners, objective_ids, strict=True)
        for key_result, _rows in plan["key_results"]
    ]
    all_rows = [rows for plan in plans for _key_result, rows in plan["key_results"]]
    key_result_ids = _insert_returning_ids(KeyResult, key_results)
    check_ins = [
        {**row, "user_id": key_result["user_id"], "key_result_id": key_result_id}
        for key_result, key_result_id, rows in zip(
            key_results, key_result_ids, all_rows, strict=True
        )
        for row in rows
    ]
    if check_ins:
        db.session.execute(insert(CheckIn), check_ins)
        refresh_trends(key_result_ids)
    return len(check_ins)


def _insert_returning_ids(model, rows):
    """Insert ``rows`` into ``model``'s table in one statement; return their ids in order."""
    if not rows:
        return []
    now = utcnow()
    rows = [{"created_at": now, "updated_at": now, **row} for row in rows]
    statement = insert(model.__table__).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.execute(statement, rows).scalars())


def _recent_periods(today):
    """Return the current quarter, month, half and year, and the previous quarter."""
    quarter = (today.month - 1) // 3 + 1
    previous = f"{today.year}-Q{quarter - 1}" if quarter > 1 else f"{today.year - 1}-Q4"
    return [
        f"{today.year}-Q{quarter}",
        f"{today.year}-{today.month:02d}",
        f"{today.year}-H{1 if today.month <= 6 else 2}",
        f"{today.year}",
        previous,
    ]


def _objective(rng, theme, period, today, days):
    """Plan one objective with four key results and their check-in rows (no ids yet)."""
    title, key_results = THEMES[theme]
    start, end = bounds(period)
    objective = {
        "title": f"{title} ({period})",
        "period": period,
        "start_date": start,
        "end_date": end,
        "status": "active",
        "version": 1,
    }
    pace = rng.choice((0.3, 0.6, 0.9, 1.1, 1.3))
    chosen = [
        *key_results,
        ("Milestones", "milestones", 0, rng.randint(4, 10)),
        ("Hours invested", "hours", 0, rng.randint(20, 80)),
    ]
    planned = []
    for key_title, metric, start_value, target in chosen:
        key_result = {
            "title": key_title,
            "metric": metric,
            "kind": direction(start_value, target),
            "start_value": float(start_value),
            "target_value": float(target),
            "weight": float(rng.choice((1, 1, 2, 3))),
            "version": 1,
        }
        rows = _check_ins(rng, key_result, start, end, today, days, pace)
        key_result["current_value"] = rows[-1]["value"] if rows else key_result["start_value"]
        planned.append((key_result, rows))
    return {"objective": objective, "key_results": planned}


def _check_ins(rng, key_result, start, end, today, days, pace):
    """Return check-in rows moving the value towards the target at ``pace``."""
    first = max(start, today - timedelta(days=days - 1))
    last = min(end, today)
    rows = []
    span = (end - start).days + 1
    day = first
    while day <= last:
        if rng.random() < 0.35:
            share = min(1.0, pace * ((day - start).days + 1) / span * rng.uniform(0.8, 1.1))
            value = key_result["start_value"] + share * (
                key_result["target_value"] - key_result["start_value"]
            )
            # Today's come no later than now: a check-in is never ahead of the clock.
            at = min(datetime.combine(day, time(hour=rng.randint(7, 21)), tzinfo=UTC), utcnow())
            rows.append(
                {
                    "at": at,
                    "value": round(value, 2),
                    "confidence": round(rng.uniform(0.3, 0.95), 2),
                    "note": None,
                    "created_at": at,
                }
            )
        day += timedelta(days=1)
    return rows
