"""One Idempotency-Key sent twice at the same moment: one change, one row, never two."""

import threading
import time

import pytest
from sqlalchemy import func, select, text

from okr_app.extensions import db
from okr_app.models import AuditRow, CheckIn, IdempotencyKey
from tests.conftest import BACKEND, AuthActions
from tests.factories import create_key_result, create_objective
from tests.security.test_faults import run_in_threads

KEY = {"Idempotency-Key": "parallel-1"}


def rows(app, model, *conditions):
    """Return how many rows of ``model`` match."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


@pytest.fixture
def key_result(app, client):
    """A user's headers and key result, committed for other connections to see."""
    _, _, headers = AuthActions(client).user()
    objective = create_objective(client, headers)
    return headers, create_key_result(client, headers, objective["id"])


@pytest.mark.concurrent
def test_two_parallel_requests_with_one_key_make_one_check_in(app, key_result):
    headers, item = key_result
    path = f"/key-results/{item['id']}/check-ins"

    def send(_index):
        with app.test_client() as client:
            answer = client.post(path, headers={**headers, **KEY}, json={"delta": 1})
            return answer.status_code, answer.headers.get("Idempotent-Replayed")

    answers = set(run_in_threads(2, send))
    # The second either finds the first still running (409) or already done (a replay);
    # SQLite runs writes one at a time, so there it is mostly the replay.
    assert answers in ({(201, None), (201, "true")}, {(201, None), (409, None)})
    assert rows(app, CheckIn) == 1
    successes = (AuditRow.action == "check_in.created", AuditRow.outcome == "success")
    assert rows(app, AuditRow, *successes) == 1


@pytest.mark.concurrent
@pytest.mark.skipif(BACKEND != "postgresql", reason="SQLite runs one write at a time")
def test_a_key_whose_request_is_running_in_another_worker_is_409(app, key_result):
    headers, item = key_result
    path = f"/key-results/{item['id']}/check-ins"
    first = {}
    with app.app_context():
        blocker = db.engine.connect()
        transaction = blocker.begin()
        # Hold the key result's row: the first request claims its key, then waits here.
        blocker.execute(text("SELECT id FROM key_results WHERE id = :id FOR UPDATE"), item)

        def send_first():
            with app.test_client() as client:
                first["answer"] = client.post(path, headers={**headers, **KEY}, json={"delta": 1})

        thread = threading.Thread(target=send_first)
        thread.start()
        try:
            deadline = time.monotonic() + 20
            while rows(app, IdempotencyKey, IdempotencyKey.status.is_(None)) == 0:
                assert time.monotonic() < deadline, "the first request never claimed its key"
                time.sleep(0.01)
            with app.test_client() as client:
                second = client.post(path, headers={**headers, **KEY}, json={"delta": 1})
        finally:
            transaction.rollback()
            blocker.close()
            thread.join(30)
    assert second.status_code == 409
    assert int(second.headers["Retry-After"]) >= 1
    assert first["answer"].status_code == 201
    assert rows(app, CheckIn) == 1
    with app.test_client() as client:
        third = client.post(path, headers={**headers, **KEY}, json={"delta": 1})
    assert third.headers["Idempotent-Replayed"] == "true"
    assert third.get_data() == first["answer"].get_data()
    assert rows(app, AuditRow, AuditRow.action == "check_in.created") == 2  # 201 and 409


@pytest.mark.concurrent
def test_twenty_parallel_deltas_all_count(app, key_result):
    headers, item = key_result
    path = f"/key-results/{item['id']}/check-ins"

    def add_one(_index):
        with app.test_client() as client:
            return client.post(path, headers=headers, json={"delta": 1}).status_code

    assert run_in_threads(20, add_one) == [201] * 20
    with app.test_client() as client:
        body = client.get(f"/key-results/{item['id']}", headers=headers).get_json()
        history = client.get(f"{path}?page_size=100", headers=headers).get_json()
    assert body["current_value"] == item["current_value"] + 20
    assert sorted(entry["value"] for entry in history) == list(range(1, 21))
    assert rows(app, AuditRow, AuditRow.action == "check_in.created") == 20
