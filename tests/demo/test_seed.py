"""flask seed-demo."""

from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import func, select

from okr_app.demo import seed
from okr_app.extensions import db
from okr_app.models import CheckIn, KeyResult, Objective, User
from tests.conftest import bearer


def run(runner, *args):
    """Run ``flask seed-demo``."""
    return runner.invoke(args=["seed-demo", *args])


def fingerprint(app):
    """Return every demo check-in's day, value and confidence, in order."""
    with app.app_context():
        rows = db.session.execute(
            select(User.email, CheckIn.at, CheckIn.value, CheckIn.confidence)
            .join(User, User.id == CheckIn.user_id)
            .order_by(User.email, CheckIn.at, CheckIn.value)
        ).all()
    return [tuple(row) for row in rows]


def test_fills_users_objectives_key_results_and_check_ins(app, runner, client):
    result = run(runner, "--users", "2", "--objectives", "3", "--days", "30")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 2
        assert db.session.scalar(select(func.count()).select_from(Objective)) == 6
        assert db.session.scalar(select(func.count()).select_from(KeyResult)) == 24
        assert db.session.scalar(select(func.count()).select_from(CheckIn)) > 30
    login = client.post(
        "/auth/login", json={"email": "demo1@demo.example.com", "password": seed.DEMO_PASSWORD}
    )
    assert login.status_code == 200
    stats = client.get("/stats", headers=bearer(login.get_json()["access_token"])).get_json()
    assert stats["objectives"]["total"] == 3
    assert stats["check_ins"]["last_30_days"] > 0
    assert stats["check_ins"]["longest_streak_days"] >= 2


def test_is_deterministic(app):
    with app.app_context():
        seed.seed(users=2, objectives=4, days=40, seed_value=7, today=date(2026, 11, 20))
        db.session.commit()
    first = fingerprint(app)
    with app.app_context():
        seed.seed(users=2, objectives=4, days=40, seed_value=7, today=date(2026, 11, 20))
        db.session.commit()
    assert fingerprint(app) == first
    assert len(first) > 40


def test_shows_objectives_ahead_and_at_risk(app, client):
    with app.app_context():
        seed.seed(users=1, objectives=10, days=90, today=date(2026, 11, 20))
        db.session.commit()
    login = client.post(
        "/auth/login", json={"email": "demo1@demo.example.com", "password": seed.DEMO_PASSWORD}
    )
    headers = bearer(login.get_json()["access_token"])
    pace = client.get("/stats?on=2026-11-20", headers=headers).get_json()["pace"]
    statuses = {entry["status"] for entry in pace}
    assert "at_risk" in statuses
    assert statuses & {"ahead", "on_track", "done"}


def test_refuses_when_real_users_exist(app, runner, auth):
    auth.register("real@example.com")
    result = run(runner, "--users", "1")
    assert result.exit_code != 0
    assert "real accounts" in result.output
    forced = run(runner, "--users", "1", "--objectives", "1", "--force")
    assert forced.exit_code == 0, forced.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 2


def test_rerun_replaces_the_demo_data(app, runner):
    run(runner, "--users", "3", "--objectives", "2")
    run(runner, "--users", "1", "--objectives", "2")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
        assert db.session.scalar(select(func.count()).select_from(Objective)) == 2


def test_seeded_early_in_the_day_no_check_in_is_ahead_and_the_export_imports(app, client):
    """Today's check-ins fall between 07:00 and 21:00 UTC, but never after now."""
    with time_machine.travel(datetime(2026, 11, 20, 6, 30, tzinfo=UTC), tick=False):
        with app.app_context():
            seed.seed(users=1, objectives=10, days=30)
            db.session.commit()
            latest = db.session.scalar(select(func.max(CheckIn.at)))
        assert latest <= datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
        login = client.post(
            "/auth/login", json={"email": "demo1@demo.example.com", "password": seed.DEMO_PASSWORD}
        )
        headers = bearer(login.get_json()["access_token"])
        exported = client.get("/export", headers=headers).get_json()
        assert client.post("/import", headers=headers, json=exported).status_code == 201
