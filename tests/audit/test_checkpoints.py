"""``flask audit checkpoint`` and what ``audit verify`` sees once a checkpoint covers a chain."""

from sqlalchemy import select

from okr_app.audit import verification
from okr_app.audit.chain import HASHED_FIELDS, OPTIONAL_HASHED_FIELDS, row_hash
from okr_app.audit.checkpoints import canonical_hash, checkpoint_hash
from okr_app.extensions import db
from okr_app.models import ANONYMOUS_CHAIN, AuditChainHead, AuditCheckpoint
from tests.audit.test_chain import execute, rows_of, verify


def checkpoint(runner):
    """Run ``flask audit checkpoint`` and return its result."""
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    return result


def checkpoints(app):
    """Return every checkpoint in order."""
    with app.app_context():
        return db.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq)).all()


def cut_last_row(app, key):
    """Delete a chain's last row and move its head back, as someone covering tracks would."""
    chain = rows_of(app, key)
    execute(app, "DELETE FROM audit_log WHERE id = :id", id=chain[-1].id)
    execute(
        app,
        "UPDATE audit_chain_head SET seq = :seq, last_hash = :hash WHERE chain_key = :key",
        seq=chain[-2].seq,
        hash=chain[-2].hash,
        key=key,
    )


def test_a_checkpoint_holds_every_head_chained_to_the_previous_one(app, auth, runner, trail):
    alice, bob = trail
    assert "Checkpoint 1 written: 3 chains" in checkpoint(runner).output
    assert "No checkpoint written" in checkpoint(runner).output
    auth.login("alice@example.com")
    checkpoint(runner)
    first, second = checkpoints(app)
    with app.app_context():
        heads = db.session.scalars(select(AuditChainHead)).all()
    assert second.heads == {str(head.chain_key): [head.seq, head.last_hash] for head in heads}
    assert set(first.heads) == {str(alice), str(bob), str(ANONYMOUS_CHAIN)}
    assert first.heads[str(alice)][0] + 1 == second.heads[str(alice)][0]
    assert first.heads[str(bob)] == second.heads[str(bob)]
    assert (first.prev_hash, second.prev_hash) == ("", first.hash)
    for each in (first, second):
        assert each.heads_hash == canonical_hash(each.heads)
        assert each.hash == checkpoint_hash(vars(each))
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "7 rows in 3 chains, 2 checkpoints" in result.output


def test_a_cut_tail_goes_unseen_until_a_checkpoint_covers_it(app, runner, trail):
    alice, _ = trail
    cut_last_row(app, alice)
    assert verify(runner).exit_code == 0  # the window the README states


def test_a_cut_tail_is_detected_once_a_checkpoint_covers_it(app, runner, trail):
    alice, _ = trail
    checkpoint(runner)
    cut_last_row(app, alice)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"chain {alice}: ends at seq 1, but checkpoint 1 covers seq 2" in result.output


def test_a_deleted_chain_is_detected_once_a_checkpoint_covers_it(app, runner, trail):
    _, bob = trail
    checkpoint(runner)
    execute(app, "DELETE FROM audit_log WHERE chain_key = :key", key=bob)
    execute(app, "DELETE FROM audit_chain_head WHERE chain_key = :key", key=bob)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"chain {bob}: missing, but checkpoint 1 covers it up to seq 2" in result.output


def test_a_rewritten_chain_differs_from_its_checkpoint(app, runner, trail):
    alice, _ = trail
    checkpoint(runner)
    # Every row re-hashed from the first would pass on its own: the checkpoint holds the head.
    last = rows_of(app, alice)[-1]
    execute(app, "UPDATE audit_log SET hash = :hash WHERE id = :id", hash="0" * 64, id=last.id)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"chain {alice}: row id={last.id}" in result.output


def test_an_altered_or_deleted_checkpoint_is_detected(app, auth, runner, trail):
    checkpoint(runner)
    auth.login("alice@example.com")
    checkpoint(runner)
    auth.login("alice@example.com")
    checkpoint(runner)
    _, second, _ = checkpoints(app)
    execute(app, "UPDATE audit_checkpoint SET chains = 9 WHERE id = :id", id=second.id)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"checkpoint id={second.id} seq=2: content does not match" in result.output
    execute(app, "DELETE FROM audit_checkpoint WHERE id = :id", id=second.id)
    result = verify(runner)
    assert result.exit_code == 1
    assert "seq=3: expected seq 2" in result.output


def test_a_cut_tail_grown_again_stays_detected_after_newer_checkpoints(app, auth, runner, trail):
    alice, _ = trail
    checkpoint(runner)
    cut_last_row(app, alice)
    auth.login("alice@example.com")  # seq 2 again, another row
    checkpoint(runner)  # takes the chain as it now stands
    auth.login("alice@example.com")
    checkpoint(runner)
    regrown = rows_of(app, alice)[1]
    result = verify(runner)
    assert result.exit_code == 1
    assert f"chain {alice}: row id={regrown.id} seq=2: differs from checkpoint 1" in result.output


def test_a_rewritten_chain_stays_detected_after_newer_checkpoints(app, auth, runner, trail):
    alice, _ = trail
    checkpoint(runner)
    auth.login("alice@example.com")
    checkpoint(runner)
    # The first row's action changed, and every row after it re-hashed along, head included:
    # the chain holds together, and a checkpoint written now takes it as it is.
    chain = rows_of(app, alice)
    prev_hash = ""
    for row in chain:
        fields = {name: getattr(row, name) for name in (*HASHED_FIELDS, *OPTIONAL_HASHED_FIELDS)}
        fields.update(prev_hash=prev_hash, action="rewritten" if row.seq == 1 else row.action)
        new_hash = row_hash(fields)
        execute(
            app,
            "UPDATE audit_log SET action = :action, prev_hash = :prev, hash = :hash WHERE id = :id",
            action=fields["action"],
            prev=prev_hash,
            hash=new_hash,
            id=row.id,
        )
        prev_hash = new_hash
    execute(
        app,
        "UPDATE audit_chain_head SET last_hash = :hash WHERE chain_key = :key",
        hash=prev_hash,
        key=alice,
    )
    checkpoint(runner)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"chain {alice}: row id={chain[1].id} seq=2: differs from checkpoint 1" in result.output


def test_a_deleted_chain_grown_again_stays_detected_after_newer_checkpoints(
    app, auth, runner, trail
):
    _, bob = trail
    checkpoint(runner)
    execute(app, "DELETE FROM audit_log WHERE chain_key = :key", key=bob)
    execute(app, "DELETE FROM audit_chain_head WHERE chain_key = :key", key=bob)
    for _ in range(3):  # past the seq checkpoint 1 covers: it does not look shorter
        auth.login("bob@example.com")
    checkpoint(runner)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"chain {bob}: row id=" in result.output
    assert "seq=2: differs from checkpoint 1 (the chain was rewritten)" in result.output


def test_a_checkpoint_that_shows_a_chain_shorter_than_the_one_before_is_refused(app, runner, trail):
    alice, _ = trail
    checkpoint(runner)
    cut_last_row(app, alice)
    checkpoint(runner)
    second = checkpoints(app)[1]
    result = verify(runner)
    assert result.exit_code == 1
    assert (
        f"checkpoint id={second.id} seq=2: chain {alice} went back from seq 2 (rows were cut)"
    ) in result.output


def test_earlier_heads_are_looked_up_in_batches(app, auth, runner, trail):
    _, bob = trail
    checkpoint(runner)
    for email in ("alice@example.com", "bob@example.com", "nobody@example.com"):
        auth.login(email, "wrong password here")
    checkpoint(runner)
    cut_last_row(app, bob)
    auth.login("bob@example.com")
    checkpoint(runner)
    with app.app_context():
        for lookups in (1, 2, 400):
            report = verification.verify(lookups=lookups)
            assert report.checkpoints == 3
            assert [problem.split(":")[0] for problem in report.problems] == [f"chain {bob}"]
