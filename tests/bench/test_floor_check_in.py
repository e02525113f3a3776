"""The floor does what okr_app does: the same reads, and a check-in's sums, value and chain."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from bench import floor_app
from bench.scenarios import READ_PATHS, _subset
from okr_app import create_app
from okr_app.audit import verification
from okr_app.extensions import db
from okr_app.models import AuditRow, KeyResult, OutboxEvent
from tests.conftest import POSTGRES_URL, AuthActions, make_config
from tests.factories import check_in, create_key_result, create_objective


@pytest.fixture
def side_by_side(scratch_postgres_url, monkeypatch):
    """Yield okr_app, its client, a user's headers and the floor, on one scratch database."""
    config = make_config(scratch_postgres_url)
    app = create_app(config)
    with app.app_context():
        db.create_all()
    client = app.test_client()
    _, _, headers = AuthActions(client).user()
    monkeypatch.setenv("DATABASE_URL", scratch_postgres_url)
    monkeypatch.setenv("SECRET_KEY", config["SECRET_KEY"])
    monkeypatch.setattr(floor_app, "_pool", None)
    yield app, client, headers, floor_app.app.test_client()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if floor_app._pool is not None:
        floor_app._pool.closeall()


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
def test_the_floor_writes_what_a_check_in_writes(side_by_side):
    app, client, headers, floor = side_by_side
    objective = create_objective(client, headers, period="2026")
    by_app = create_key_result(client, headers, objective["id"], target_value=100)
    by_floor = create_key_result(client, headers, objective["id"], target_value=100)
    answers = []
    for value in (5, 12, 30):
        assert check_in(client, headers, by_app["id"], value=value).status_code == 201
        answer = floor.post(
            f"/key-results/{by_floor['id']}/check-ins", json={"value": value}, headers=headers
        )
        assert answer.status_code == 201, answer.get_data(as_text=True)
        answers.append(answer.get_json())
    other = floor.post(
        f"/key-results/{by_floor['id']}/check-ins", json={"value": "x"}, headers=headers
    )
    assert other.status_code == 422
    with app.app_context():
        mine, theirs = (db.session.get(KeyResult, each["id"]) for each in (by_app, by_floor))
        assert theirs.current_value == mine.current_value == 30
        assert theirs.trend_count == mine.trend_count == 3
        for name in ("trend_sum_x", "trend_sum_xy", "trend_sum_xx", "trend_last_x"):
            assert getattr(theirs, name) == pytest.approx(getattr(mine, name), rel=1e-3), name
        report = verification.verify()
        assert report.problems == []
        floor_rows = db.session.scalars(
            select(AuditRow).where(AuditRow.path == f"/key-results/{by_floor['id']}/check-ins")
        ).all()
        assert len(floor_rows) == 3
        # Each with its webhooks' event, carrying the answer, as okr_app's check-ins.
        events = db.session.scalars(
            select(OutboxEvent).where(OutboxEvent.type == "check_in.created").order_by("id")
        ).all()
        by_key_result = {}
        for event in events:
            by_key_result.setdefault(event.data["key_result_id"], []).append(event.data)
        assert by_key_result[by_floor["id"]] == answers
        assert len(by_key_result[by_app["id"]]) == 3


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
def test_the_floors_reads_answer_what_okr_app_answers(side_by_side):
    _, client, headers, floor = side_by_side
    objective = create_objective(client, headers, period="2026")
    numeric = create_key_result(client, headers, objective["id"], target_value=100)
    create_key_result(
        client, headers, objective["id"], kind="stay_above", threshold=10, current_value=12
    )
    create_key_result(client, headers, objective["id"], kind="milestone")
    # Two points make a trend: its figures (per day, required rate) are not round numbers.
    check_in(client, headers, numeric["id"], value=13.37, at="2026-03-01T00:00:00Z")
    check_in(client, headers, numeric["id"], value=40, confidence=0.7)
    # One still moment for both, minutes on: time in band and pace depend on the clock.
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=5), tick=False):
        for path in READ_PATHS.values():
            theirs = floor.get(path, headers=headers)
            assert theirs.status_code == 200, (path, theirs.get_data(as_text=True))
            mine = client.get(path, headers=headers).get_json()
            assert _subset(theirs.get_json(), mine), path


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
def test_the_floors_check_in_answers_what_okr_app_answers(side_by_side):
    _, client, headers, floor = side_by_side
    objective = create_objective(client, headers, period="2026")
    numeric = create_key_result(client, headers, objective["id"], target_value=100)
    check_in(client, headers, numeric["id"], value=13.37, at="2026-03-01T00:00:00Z")
    above = create_key_result(
        client, headers, objective["id"], kind="stay_above", threshold=10, current_value=12
    )
    milestone = create_key_result(client, headers, objective["id"], kind="milestone")
    # One still moment for both: progress, pace and forecast depend on the clock.
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=5), tick=False):
        for key_result, value in ((numeric, 40.5), (above, 9), (milestone, 1)):
            path = f"/key-results/{key_result['id']}"
            answer = floor.post(path + "/check-ins", json={"value": value}, headers=headers)
            assert answer.status_code == 201, answer.get_data(as_text=True)
            theirs = answer.get_json()
            shown = client.get(path, headers=headers).get_json()
            assert _subset(theirs.pop("key_result"), shown), key_result["kind"]
            listed = client.get(path + "/check-ins", headers=headers).get_json()
            assert theirs == listed[-1], key_result["kind"]
