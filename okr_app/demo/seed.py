"""Deterministic demo users, objectives, key results and months of check-ins."""

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import delete, func, insert, select

from okr_app.auth import passwords
from okr_app.extensions import db
from okr_app.models import CheckIn, KeyResult, Objective, User
from okr_app.objectives.periods import bounds

DEMO_PASSWORD = "demo passphrase 2026"  # noqa: S105  (documented demo accounts)
DEMO_EMAIL = "demo{index}@demo.example.com"
DEMO_DOMAIN = "%@demo.example.com"
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

    Each user gets objectives over recent periods with two to four key results each, and
    check-ins on about one day in three over ``days`` days, at a pace that differs per
    objective, so that some are ahead and some at risk, and users have streaks.
    """
    rng = random.Random(seed_value)  # noqa: S311  (repeatable demo data, not secrets)
    today = today or datetime.now(UTC).date()
    db.session.execute(delete(User).where(User.email.like(DEMO_DOMAIN)))
    password_hash = passwords.hash_password(DEMO_PASSWORD)
    periods = _recent_periods(today)
    check_ins = 0
    for index in range(1, users + 1):
        user = User(
            email=DEMO_EMAIL.format(index=index),
            password_hash=password_hash,
            display_name=f"Demo user {index}",
        )
        db.session.add(user)
        db.session.flush()
        rows = []
        for number in range(objectives):
            theme = THEMES[(index + number) % len(THEMES)]
            rows += _objective(rng, user, theme, periods[number % len(periods)], today, days)
        if rows:
            db.session.execute(insert(CheckIn), rows)
        check_ins += len(rows)
    return users, check_ins


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


def _objective(rng, user, theme, period, today, days):
    """Create one objective with four key results; return their check-in rows."""
    title, key_results = theme
    start, end = bounds(period)
    objective = Objective(
        user_id=user.id,
        title=f"{title} ({period})",
        period=period,
        start_date=start,
        end_date=end,
        status="active",
    )
    db.session.add(objective)
    pace = rng.choice((0.3, 0.6, 0.9, 1.1, 1.3))
    rows = []
    chosen = [
        *key_results,
        ("Milestones", "milestones", 0, rng.randint(4, 10)),
        ("Hours invested", "hours", 0, rng.randint(20, 80)),
    ]
    for key_title, metric, start_value, target in chosen:
        key_result = KeyResult(
            user_id=user.id,
            title=key_title,
            metric=metric,
            start_value=float(start_value),
            target_value=float(target),
            current_value=float(start_value),
            weight=float(rng.choice((1, 1, 2, 3))),
        )
        objective.key_results.append(key_result)
        db.session.flush()
        rows += _check_ins(rng, key_result, start, end, today, days, pace)
    return rows


def _check_ins(rng, key_result, start, end, today, days, pace):
    """Return check-in rows moving the value towards the target at ``pace``; set the value."""
    first = max(start, today - timedelta(days=days - 1))
    last = min(end, today)
    rows = []
    span = (end - start).days + 1
    day = first
    while day <= last:
        if rng.random() < 0.35:
            share = min(1.0, pace * ((day - start).days + 1) / span * rng.uniform(0.8, 1.1))
            value = key_result.start_value + share * (
                key_result.target_value - key_result.start_value
            )
            at = datetime.combine(day, time(hour=rng.randint(7, 21)), tzinfo=UTC)
            rows.append(
                {
                    "key_result_id": key_result.id,
                    "user_id": key_result.user_id,
                    "at": at,
                    "value": round(value, 2),
                    "confidence": round(rng.uniform(0.3, 0.95), 2),
                    "note": None,
                    "created_at": at,
                }
            )
        day += timedelta(days=1)
    if rows:
        key_result.current_value = rows[-1]["value"]
    return rows
