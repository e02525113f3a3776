"""POST /import is bounded in records, and runs one at a time per user."""

import pytest

from okr_app.extensions import db, limiter
from okr_app.models import CheckIn, Objective
from tests.transfer.test_import import CLOSING, document, key_result, objective


def check_ins(count):
    """Return ``count`` check-in records in January 2026."""
    return [{"at": f"2026-01-{1 + n % 28:02d}T09:00:00Z", "value": n % 10} for n in range(count)]


@pytest.mark.settings(OKR_IMPORT_MAX_RECORDS=10)
def test_documents_over_the_record_limit_are_refused_before_anything(account, app):
    # 1 objective + 1 key result + 8 check-ins = 10 records: allowed.
    body = document(
        objective(1, key_results=[key_result(2, check_ins=check_ins(8), current_value=7)])
    )
    assert account.client.post("/import", json=body, headers=account.headers).status_code == 201
    body = document(objective(1, key_results=[key_result(2, check_ins=check_ins(9))]))
    response = account.client.post("/import", json=body, headers=account.headers)
    assert response.status_code == 422
    (message,) = response.get_json()["errors"]["json"]["objectives"]
    assert "At most 10 records" in message and "has 11" in message
    with app.app_context():
        assert db.session.query(Objective).count() == 1
        assert db.session.query(CheckIn).count() == 8


@pytest.mark.settings(OKR_IMPORT_MAX_RECORDS=10)
def test_the_key_results_a_closing_froze_count_as_records(account):
    """Each is a row written: 50 of them in one closing are no way around the limit."""
    frozen = [{**CLOSING["key_results"][1]} for _ in range(50)]
    closing = {**CLOSING, "key_results": frozen}
    body = document(objective(1, status="completed", closings=[closing]))
    response = account.client.post("/import", json=body, headers=account.headers)
    assert response.status_code == 422
    (message,) = response.get_json()["errors"]["json"]["objectives"]
    assert "has 52" in message


def test_the_default_limit_is_twenty_thousand_records(app):
    assert app.config["OKR_IMPORT_MAX_RECORDS"] == 20_000


def test_a_second_import_of_the_same_user_meanwhile_is_409(account, app, auth):
    me = account.client.get("/auth/me", headers=account.headers).get_json()
    body = document(objective(1))
    with app.app_context():
        # What a running import of this user holds in the shared storage.
        assert limiter.storage.acquire_entry(f"okr/import-running/{me['id']}", 1, 60)
    response = account.client.post("/import", json=body, headers=account.headers)
    assert response.status_code == 409
    assert response.headers["Retry-After"] == "5"
    assert "Another import" in response.get_json()["message"]
    # Someone else imports meanwhile.
    _, _, other = auth.user()
    assert account.client.post("/import", json=body, headers=other).status_code == 201
    with app.app_context():
        limiter.storage.clear(f"okr/import-running/{me['id']}")
    # Once it has finished, the next one runs, and releases its claim when done.
    for _ in range(2):
        assert account.client.post("/import", json=body, headers=account.headers).status_code == 201


def test_an_import_while_the_servers_slots_are_taken_is_429(account, app, auth):
    with app.app_context():
        assert limiter.storage.acquire_entry("okr/import-slot/0", 1, 60)
    body = document(objective(1))
    response = account.client.post("/import", json=body, headers=account.headers)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "5"
    with app.app_context():
        limiter.storage.clear("okr/import-slot/0")
    for _ in range(2):  # each releases its slot when done
        answer = account.client.post("/import", json=body, headers=account.headers)
        assert answer.status_code == 201


def test_a_429_asking_for_a_retry_is_not_kept_for_its_idempotency_key(account, app):
    with app.app_context():
        assert limiter.storage.acquire_entry("okr/import-slot/0", 1, 60)
    keyed = {**account.headers, "Idempotency-Key": "import-1"}
    body = document(objective(1))
    assert account.client.post("/import", json=body, headers=keyed).status_code == 429
    with app.app_context():
        limiter.storage.clear("okr/import-slot/0")
    # The retry the answer asked for runs, rather than replaying the 429.
    retried = account.client.post("/import", json=body, headers=keyed)
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers


def test_a_409_for_an_import_running_is_not_kept_for_its_idempotency_key(account, app):
    me = account.client.get("/auth/me", headers=account.headers).get_json()
    running = f"okr/import-running/{me['id']}"
    with app.app_context():
        assert limiter.storage.acquire_entry(running, 1, 60)
    keyed = {**account.headers, "Idempotency-Key": "import-2"}
    body = document(objective(1))
    assert account.client.post("/import", json=body, headers=keyed).status_code == 409
    with app.app_context():
        limiter.storage.clear(running)
    # The retry the answer asked for, once the other import is done, runs.
    retried = account.client.post("/import", json=body, headers=keyed)
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers
    with app.app_context():
        assert db.session.query(Objective).count() == 1
