"""The statements a write costs, counted as SQLAlchemy sends them to the database.

Counted: every statement through ``before_cursor_execute`` (the session check, the reads,
the writes, the audit row, the webhooks' outbox row) plus each COMMIT; the rate limit's
storage is Redis and not counted. On PostgreSQL a new row joins the statement of another
as its CTE: the check-in row the key result's UPDATE (which, for a value stated now, also
locks and reads the key result), the outbox row the audit row's append. SQLite has no
data-modifying CTE: each of those is a statement of its own, the audit head's UPDATE as
well, and it adds its ``BEGIN IMMEDIATE``.
"""

import pytest
from sqlalchemy import event

from okr_app.extensions import db
from tests.conftest import BACKEND
from tests.factories import check_in, create_key_result, create_objective

SQLITE = BACKEND == "sqlite"
#: A check-in of a value stated now: session, the key result's UPDATE returning it with its
#: objective's figures and inserting the check-in's row, audit row with the outbox row,
#: commit (SQLite: BEGIN, the key result with its objective, the check-in row, the head's
#: UPDATE and the outbox row on their own).
CHECK_IN_STATEMENTS = 9 if SQLITE else 4
#: A PATCH: session, objective with its key results and closings, objective, audit row
#: with the outbox row, commit (SQLite: BEGIN, the head's UPDATE and the outbox row).
PATCH_STATEMENTS = 8 if SQLITE else 5


@pytest.fixture
def statements(app):
    """Collect the statements and commits sent on the app's engine while a test runs."""
    sent = []
    with app.app_context():
        engine = db.engine

    def on_statement(_connection, _cursor, statement, *_rest):
        sent.append(statement)

    def on_commit(_connection):
        sent.append("COMMIT")

    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "commit", on_commit)
    yield sent
    event.remove(engine, "before_cursor_execute", on_statement)
    event.remove(engine, "commit", on_commit)


def described(sent):
    """Return the statements, one per line, for an assertion's message."""
    return "\n".join(" ".join(statement.split())[:160] for statement in sent)


@pytest.mark.concurrent
def test_a_check_in_costs_at_most_four_statements(client, auth, statements):
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"], target_value=100)
    for value in (10, 20, 30):
        statements.clear()
        assert check_in(client, headers, key_result["id"], value=value).status_code == 201
        assert len(statements) <= CHECK_IN_STATEMENTS, described(statements)
        assert any("INSERT INTO audit_log" in statement for statement in statements)
        assert statements[-1] == "COMMIT"
    answer = client.get(f"/key-results/{key_result['id']}", headers=headers).get_json()
    assert answer["current_value"] == 30


@pytest.mark.concurrent
def test_a_patch_of_an_objective_costs_at_most_five_statements(client, auth, statements):
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    create_key_result(client, headers, objective["id"])
    create_key_result(client, headers, objective["id"])
    path = f"/objectives/{objective['id']}"
    for description in ("First", "Second"):
        etag = client.get(path, headers=headers).headers["ETag"]
        statements.clear()
        answer = client.patch(
            path, json={"description": description}, headers={**headers, "If-Match": etag}
        )
        assert answer.status_code == 200, answer.get_json()
        assert len(answer.get_json()["key_results"]) == 2
        assert len(statements) <= PATCH_STATEMENTS, described(statements)
        assert any("INSERT INTO audit_log" in statement for statement in statements)
