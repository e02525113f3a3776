"""The hash chain and ``flask audit verify``."""

import itertools
import threading

import pytest
from sqlalchemy import func, select, text

from okr_app.audit.chain import HASHED_FIELDS, row_hash
from okr_app.extensions import db
from okr_app.models import AuditRow
from tests.conftest import bearer


@pytest.fixture
def trail(auth):
    """Write a few audit rows through the API."""
    auth.user("alice@example.com")
    auth.login("alice@example.com", "wrong password here")
    auth.user("bob@example.com")


def verify(runner):
    """Run ``flask audit verify``."""
    return runner.invoke(args=["audit", "verify"])


def execute(app, statement, **params):
    """Run one SQL statement and commit."""
    with app.app_context():
        db.session.execute(text(statement), params)
        db.session.commit()


def test_intact_chain_verifies(runner, trail):
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "intact: 5 rows" in result.output


def test_rows_link_to_their_predecessor(app, trail):
    with app.app_context():
        rows = db.session.scalars(select(AuditRow).order_by(AuditRow.seq)).all()
    assert rows[0].prev_hash == ""
    for previous, row in itertools.pairwise(rows):
        assert row.prev_hash == previous.hash
        assert row.hash == row_hash({name: getattr(row, name) for name in HASHED_FIELDS})


def test_detects_an_edited_row(app, runner, trail):
    execute(app, "UPDATE audit_log SET action = 'auth.login.succeeded' WHERE seq = 3")
    result = verify(runner)
    assert result.exit_code == 1
    assert "seq=3" in result.output
    assert "altered" in result.output


def test_detects_edited_details(app, runner, trail):
    execute(app, "UPDATE audit_log SET ip = '10.0.0.9' WHERE seq = 2")
    result = verify(runner)
    assert result.exit_code == 1
    assert "seq=2" in result.output


def test_detects_a_deleted_row(app, runner, trail):
    execute(app, "DELETE FROM audit_log WHERE seq = 2")
    result = verify(runner)
    assert result.exit_code == 1
    assert "seq=3" in result.output
    assert "expected seq 2" in result.output


def test_detects_a_deleted_last_row(app, runner, trail):
    execute(app, "DELETE FROM audit_log WHERE seq = 5")
    result = verify(runner)
    assert result.exit_code == 1
    assert "head" in result.output


INSERT = (
    "INSERT INTO audit_log (seq, at, actor_id, owner_id, action, resource_type, resource_id,"
    " outcome, status_code, method, path, ip, user_agent, request_id, details, prev_hash,"
    " hash) VALUES (:seq, :at, :actor_id, :owner_id, :action, :resource_type, :resource_id,"
    " :outcome, :status_code, :method, :path, :ip, :user_agent, :request_id, :details,"
    " :prev_hash, :hash)"
)


def insert_forged_row(app, copied_seq, seq, prev_hash=None):
    """Insert a copy of row ``copied_seq`` as ``auth.logout`` at ``seq``, its hash recomputed.

    ``prev_hash`` defaults to the copied row's hash, as if appended right after it.
    """
    with app.app_context():
        row = db.session.scalar(select(AuditRow).where(AuditRow.seq == copied_seq))
        fields = {name: getattr(row, name) for name in HASHED_FIELDS}
        copied_hash = row.hash
    forged = {**fields, "seq": seq, "action": "auth.logout", "prev_hash": prev_hash or copied_hash}
    forged["hash"] = row_hash(forged)
    forged["details"] = "{}"
    execute(app, INSERT, **forged)


def test_detects_a_row_appended_behind_the_heads_back(app, runner, trail):
    insert_forged_row(app, copied_seq=5, seq=6)
    result = verify(runner)
    assert result.exit_code == 1
    assert "head" in result.output


def test_detects_an_inserted_row(app, runner, trail):
    with app.app_context():
        prev_hash = db.session.scalar(select(AuditRow.prev_hash).where(AuditRow.seq == 3))
    # Make room at seq 3 in two steps, as the unique constraint forbids overlaps.
    execute(app, "UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 3")
    execute(app, "UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1000")
    insert_forged_row(app, copied_seq=4, seq=3, prev_hash=prev_hash)
    result = verify(runner)
    assert result.exit_code == 1
    # The forged row itself, or the next one whose previous hash no longer matches.
    assert "seq=3" in result.output or "seq=4" in result.output
    assert "after 2 good rows" in result.output


@pytest.mark.concurrent
def test_concurrent_writers_keep_one_unbroken_chain(app, runner):
    errors = []

    def register(index):
        with app.test_client() as client:
            body = {"email": f"user{index}@example.com", "password": "a perfectly long passphrase"}
            if client.post("/auth/register", json=body).status_code != 201:
                errors.append(index)
            client.post("/auth/login", json={"email": body["email"], "password": "nope"})

    threads = [threading.Thread(target=register, args=(index,)) for index in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "intact: 24 rows" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditRow)) == 24


@pytest.mark.parametrize("change", ["token_id = 99", "token_id = NULL"])
def test_a_rows_token_is_covered_by_its_hash(app, client, auth, runner, change):
    _, _, headers = auth.user("alice@example.com")
    made = client.post("/auth/tokens", headers=headers, json={"name": "x", "scopes": ["write"]})
    token = made.get_json()["token"]
    objective = {"title": "By a script", "period": "2026"}
    assert client.post("/objectives", headers=bearer(token), json=objective).status_code == 201
    assert verify(runner).exit_code == 0
    with app.app_context():
        seq = db.session.scalar(select(func.max(AuditRow.seq)))
    execute(app, f"UPDATE audit_log SET {change} WHERE seq = :seq", seq=seq)  # noqa: S608
    result = verify(runner)
    assert result.exit_code == 1
    assert f"seq={seq}" in result.output
