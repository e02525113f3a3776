"""The per-account hash chains and ``flask audit verify`` on rows."""

import itertools
import threading

import pytest
from sqlalchemy import func, select, text

from okr_app.audit import chain
from okr_app.audit.chain import HASHED_FIELDS, OPTIONAL_HASHED_FIELDS, row_hash
from okr_app.extensions import db
from okr_app.models import ANONYMOUS_CHAIN, AuditChainHead, AuditRow, OutboxEvent, User
from okr_app.models.outbox import event_values
from okr_app.models.types import utcnow
from tests.conftest import BACKEND, bearer
from tests.locks import wait_for_a_lock_wait


def verify(runner):
    """Run ``flask audit verify``."""
    return runner.invoke(args=["audit", "verify"])


def execute(app, statement, **params):
    """Run one SQL statement and commit."""
    with app.app_context():
        db.session.execute(text(statement), params)
        db.session.commit()


def rows_of(app, chain_key):
    """Return the rows of one chain in order."""
    with app.app_context():
        statement = select(AuditRow).where(AuditRow.chain_key == chain_key)
        return db.session.scalars(statement.order_by(AuditRow.seq)).all()


def test_intact_trail_verifies(runner, trail):
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "intact: 6 rows in 3 chains" in result.output


def test_each_actor_has_a_chain_and_rows_link_to_their_predecessor(app, trail):
    alice, bob = trail
    with app.app_context():
        rows = db.session.scalars(select(AuditRow)).all()
        heads = {head.chain_key: head for head in db.session.scalars(select(AuditChainHead))}
    assert {row.chain_key for row in rows} == {alice, bob, ANONYMOUS_CHAIN}
    for row in rows:
        assert row.chain_key == (ANONYMOUS_CHAIN if row.actor_id is None else row.actor_id)
    for key in (alice, bob, ANONYMOUS_CHAIN):
        chain = rows_of(app, key)
        assert [row.seq for row in chain] == list(range(1, len(chain) + 1))
        assert chain[0].prev_hash == ""
        for previous, row in itertools.pairwise(chain):
            assert row.prev_hash == previous.hash
        names = HASHED_FIELDS + OPTIONAL_HASHED_FIELDS
        for row in chain:
            assert row.hash == row_hash({name: getattr(row, name) for name in names})
        assert (heads[key].seq, heads[key].last_hash) == (chain[-1].seq, chain[-1].hash)


def test_the_chain_key_is_covered_by_the_hash(app, runner, trail):
    alice, bob = trail
    row = rows_of(app, alice)[0]
    fields = {name: getattr(row, name) for name in HASHED_FIELDS + OPTIONAL_HASHED_FIELDS}
    assert row_hash({**fields, "chain_key": bob}) != row.hash


def test_detects_an_edited_row_naming_it(app, runner, trail):
    alice, _ = trail
    second = rows_of(app, alice)[1]
    execute(app, "UPDATE audit_log SET action = 'auth.logout' WHERE id = :id", id=second.id)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"chain {alice}: row id={second.id} seq=2: content does not match" in result.output
    assert "1 " not in result.output.split("broken")[0]


def test_names_the_first_bad_row_of_each_broken_chain(app, runner, trail):
    alice, bob = trail
    for key in (alice, bob):
        for row in rows_of(app, key):
            execute(app, "UPDATE audit_log SET ip = '10.0.0.9' WHERE id = :id", id=row.id)
    result = verify(runner)
    assert result.exit_code == 1
    for key in (alice, bob):
        assert f"chain {key}: row id={rows_of(app, key)[0].id} seq=1:" in result.output
        assert f"chain {key}: row id={rows_of(app, key)[1].id}" not in result.output
    assert f"chain {ANONYMOUS_CHAIN}:" not in result.output


def test_detects_a_deleted_row(app, runner, trail):
    alice, _ = trail
    first = rows_of(app, alice)[0]
    execute(app, "DELETE FROM audit_log WHERE id = :id", id=first.id)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"chain {alice}:" in result.output
    assert "expected seq 1" in result.output


def test_detects_a_deleted_last_row_by_its_head(app, runner, trail):
    _, bob = trail
    last = rows_of(app, bob)[-1]
    execute(app, "DELETE FROM audit_log WHERE id = :id", id=last.id)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"chain {bob}: ends at seq 1, but its head is at seq 2" in result.output


def test_detects_an_inserted_row(app, runner, trail):
    alice, _ = trail
    chain = rows_of(app, alice)
    execute(
        app,
        "UPDATE audit_log SET seq = seq + 1, prev_hash = :hash WHERE id = :id",
        id=chain[1].id,
        hash=chain[0].hash,
    )
    result = verify(runner)
    assert result.exit_code == 1
    assert f"chain {alice}: row id={chain[1].id} seq=3" in result.output


@pytest.mark.concurrent
def test_concurrent_writers_keep_every_chain_unbroken(app, runner):
    errors = []

    def register(index):
        with app.test_client() as client:
            body = {"email": f"user{index}@example.com", "password": "a perfectly long passphrase"}
            if client.post("/auth/register", json=body).status_code != 201:
                errors.append(index)
            client.post("/auth/login", json={"email": body["email"], "password": "nope"})
            client.post("/auth/login", json={"email": f"x{index}@example.com", "password": "n"})

    threads = [threading.Thread(target=register, args=(index,)) for index in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "intact: 36 rows" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditRow)) == 36


@pytest.mark.parametrize("change", ["token_id = 99", "token_id = NULL"])
def test_a_rows_token_is_covered_by_its_hash(app, client, auth, runner, change):
    _, _, headers = auth.user("alice@example.com")
    made = client.post("/auth/tokens", headers=headers, json={"name": "x", "scopes": ["write"]})
    token = made.get_json()["token"]
    objective = {"title": "By a script", "period": "2026"}
    assert client.post("/objectives", headers=bearer(token), json=objective).status_code == 201
    assert verify(runner).exit_code == 0
    with app.app_context():
        last = db.session.scalar(select(func.max(AuditRow.id)))
    execute(app, f"UPDATE audit_log SET {change} WHERE id = :id", id=last)  # noqa: S608
    result = verify(runner)
    assert result.exit_code == 1
    assert f"row id={last} " in result.output


def test_a_row_of_another_table_is_written_once_with_a_chains_first_row(app, runner):
    # On PostgreSQL the outbox row rides on the append's statement, which also runs when
    # the chain has no head yet (its first row): it must not be written again on retry.
    with app.app_context():
        user = User(email="first@example.com", password_hash="-")
        db.session.add(user)
        db.session.flush()
        fields = {
            "at": utcnow(),
            "actor_id": user.id,
            "owner_id": user.id,
            "action": "check_in.created",
            "resource_type": "check_in",
            "resource_id": "1",
            "outcome": "success",
            "status_code": 201,
            "method": "POST",
            "path": "/key-results/1/check-ins",
            "ip": None,
            "user_agent": None,
            "request_id": None,
            "details": {},
        }
        for number in (1, 2):
            event = event_values("check_in.created", user.id, {"id": number})
            chain.append(fields, along=(OutboxEvent.__table__, event))
        db.session.commit()
        published = db.session.scalars(select(OutboxEvent).where(OutboxEvent.user_id == user.id))
        assert [event.data for event in published] == [{"id": 1}, {"id": 2}]
        assert [row.seq for row in rows_of(app, user.id)] == [1, 2]
    assert verify(runner).exit_code == 0


@pytest.mark.concurrent
@pytest.mark.skipif(BACKEND != "postgresql", reason="SQLite writes one transaction at a time")
def test_a_write_waits_for_its_own_chain_only(app, auth):
    alice, _, alice_headers = auth.user("alice@example.com")
    _, _, bob_headers = auth.user("bob@example.com")
    answers = {}

    def create(name, headers):
        with app.test_client() as own:
            body = {"title": f"By {name}", "period": "2026"}
            answers[name] = own.post("/objectives", headers=headers, json=body)

    with app.app_context():
        other = db.engine.connect()
        transaction = other.begin()
        # An append to Alice's chain in progress: her head stays locked until it commits.
        head = text("SELECT seq FROM audit_chain_head WHERE chain_key = :key FOR UPDATE")
        other.execute(head, {"key": alice["id"]})
        alices = threading.Thread(target=create, args=("alice", alice_headers))
        bobs = threading.Thread(target=create, args=("bob", bob_headers))
        try:
            alices.start()
            wait_for_a_lock_wait(app)  # Alice's write waits for her own chain...
            bobs.start()
            bobs.join(15)  # ... and Bob's, meanwhile, does not.
            assert not bobs.is_alive(), "a write waited for another account's chain"
            assert answers["bob"].status_code == 201
            assert alices.is_alive()
        finally:
            transaction.rollback()
            other.close()
            alices.join(30)
            bobs.join(30)
    assert answers["alice"].status_code == 201
