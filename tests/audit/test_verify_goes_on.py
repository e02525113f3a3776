"""``audit verify`` names every break it sees, past a broken checkpoint or an unreadable value."""

import pytest

from okr_app.models import ANONYMOUS_CHAIN
from tests.audit.test_chain import execute, rows_of, verify
from tests.audit.test_checkpoints import checkpoint, checkpoints, cut_last_row
from tests.backends import BACKEND

only_sqlite = pytest.mark.skipif(
    BACKEND != "sqlite", reason="PostgreSQL refuses a value its column cannot hold"
)


def set_value(app, table, column, value, row_id):
    """Store ``value`` in one row's ``column``, whatever the column's type."""
    assert table in ("audit_log", "audit_checkpoint")
    assert column in ("details", "at", "seq", "heads")
    statement = f"UPDATE {table} SET {column} = :value WHERE id = :id"  # noqa: S608 (names above)
    execute(app, statement, value=value, id=row_id)


def failed(runner):
    """Run ``audit verify``, check it failed cleanly, and return its output."""
    result = verify(runner)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    return result.output


def test_a_cut_is_named_past_an_altered_and_a_deleted_checkpoint(app, auth, runner, trail):
    alice, bob = trail
    for email in ("alice@example.com", "alice@example.com", "bob@example.com"):
        checkpoint(runner)
        auth.login(email)
    checkpoint(runner)
    _, second, third, fourth = checkpoints(app)
    execute(app, "UPDATE audit_checkpoint SET chains = 9 WHERE id = :id", id=second.id)
    execute(app, "DELETE FROM audit_checkpoint WHERE id = :id", id=third.id)
    cut_last_row(app, alice)
    output = failed(runner)
    assert f"checkpoint id={second.id} seq=2: content does not match its hash" in output
    assert f"checkpoint id={fourth.id} seq=4: expected seq 3" in output
    assert f"chain {alice}: ends at seq 3, but checkpoint 4 covers seq 4" in output
    assert f"chain {bob}" not in output


def test_a_cut_covered_only_by_a_broken_checkpoint_is_named_by_an_earlier_one(
    app, auth, runner, trail
):
    alice, _ = trail
    checkpoint(runner)
    auth.login("alice@example.com")
    checkpoint(runner)
    second = checkpoints(app)[1]
    execute(app, "UPDATE audit_checkpoint SET heads = '{}' WHERE id = :id", id=second.id)
    cut_last_row(app, alice)
    cut_last_row(app, alice)  # below what checkpoint 1, the last sound one, covers
    output = failed(runner)
    assert f"checkpoint id={second.id} seq=2: heads do not match their hash" in output
    assert f"chain {alice}: ends at seq 1, but checkpoint 1 covers seq 2" in output


def test_a_checkpoint_showing_a_chain_shorter_is_named_and_so_is_the_chain(
    app, auth, runner, trail
):
    alice, _ = trail
    checkpoint(runner)
    cut_last_row(app, alice)
    checkpoint(runner)
    auth.login("bob@example.com")
    checkpoint(runner)
    second = checkpoints(app)[1]
    output = failed(runner)
    assert f"checkpoint id={second.id} seq=2: chain {alice} went back from seq 2" in output
    assert f"chain {alice}: seq 2 is missing, but checkpoint 1 covers it" in output
    assert "seq=3" not in output  # the third is sound: the second is not named again


@only_sqlite
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("details", "{not json"),
        ("at", "yesterday"),
        ("at", "0001-01-01T00:00:00+01:00"),  # before year 1 in UTC
        ("seq", "first"),
    ],
)
def test_a_row_value_its_column_cannot_hold_is_named_and_the_walk_goes_on(
    app, runner, trail, column, value
):
    alice, _ = trail
    checkpoint(runner)
    anonymous = rows_of(app, ANONYMOUS_CHAIN)[-1]  # of the first chain walked
    set_value(app, "audit_log", column, value, anonymous.id)
    cut_last_row(app, alice)
    output = failed(runner)
    shown_seq = value if column == "seq" else anonymous.seq
    assert (
        f"chain {ANONYMOUS_CHAIN}: row id={anonymous.id} seq={shown_seq}: {column} cannot be read"
    ) in output
    assert f"chain {alice}: ends at seq 1, but checkpoint 1 covers seq 2" in output


@only_sqlite
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("heads", "[1, 2]"),
        ("heads", '{"1": "x"}'),
        ("at", "soon"),
        ("at", "9999-12-31T23:00:00-02:00"),  # after year 9999 in UTC
        ("seq", "second"),
    ],
)
def test_a_checkpoint_value_its_column_cannot_hold_is_named_and_passed_over(
    app, auth, runner, trail, column, value
):
    alice, _ = trail
    checkpoint(runner)
    auth.login("alice@example.com")
    checkpoint(runner)
    auth.login("bob@example.com")
    checkpoint(runner)
    _, second, _ = checkpoints(app)
    set_value(app, "audit_checkpoint", column, value, second.id)
    cut_last_row(app, alice)
    output = failed(runner)
    shown_seq = value if column == "seq" else 2
    assert f"checkpoint id={second.id} seq={shown_seq}: {column} cannot be read" in output
    assert f"chain {alice}: ends at seq 2, but checkpoint 3 covers seq 3" in output
