"""Every user-data table names its user, and a user's requests select rows by that user.

The claim behind docs/SCALING.md's step past one PostgreSQL (distribution by user).
"""

import re

import pytest
from sqlalchemy import event

from okr_app.extensions import db
from okr_app.models.distribution import (
    ALSO_NARROWED_BY,
    BY_USER,
    NULLABLE_USER,
    SHARED,
    THROUGH_PARENT,
)
from tests.factories import check_in, create_key_result, create_objective

#: Columns naming rows by an id (their own or a parent's) already narrowed to the user.
KEYS = {
    "id",
    "objective_id",
    "parent_id",
    "key_result_id",
    "webhook_id",
    "outbox_event_id",
    "version",
}
#: A comparison of a column with a value the statement is given.
COMPARISON = re.compile(
    r"\b(\w+)\.(\w+) (?:=|!=|<>|<|>|<=|>=|IN|LIKE|NOT IN) \(?(?:\?|%\(|__\[POSTCOMPILE)"
)


def test_every_table_is_declared_once():
    names = {table.name for table in db.metadata.sorted_tables}
    declared = [*BY_USER, *THROUGH_PARENT, *SHARED]
    assert sorted(declared) == sorted(set(declared))
    assert set(declared) == names


@pytest.mark.parametrize("name", sorted(BY_USER))
def test_each_user_data_table_names_its_user(name):
    column = db.metadata.tables[name].c[BY_USER[name]]
    assert not column.nullable or column.primary_key or name in NULLABLE_USER
    if column.name == "user_id":
        assert {key.target_fullname for key in column.foreign_keys} == {"users.id"}


@pytest.mark.parametrize("name", sorted(THROUGH_PARENT))
def test_each_other_table_reaches_its_user_through_a_parent(name):
    column_name, parent = THROUGH_PARENT[name]
    column = db.metadata.tables[name].c[column_name]
    assert not column.nullable
    assert {key.column.table.name for key in column.foreign_keys} == {parent}
    assert parent in BY_USER


def unscoped(statement):
    """Return the user-data tables ``statement`` narrows by something else than user or keys.

    A statement either narrows rows by a user column (``user_id``, the table's declared
    one), or names them only by keys: the ids of rows the request found by its user
    before, or their parents' ids.
    """
    flat = " ".join(statement.split())
    touched = {
        name
        for name in (*BY_USER, *THROUGH_PARENT)
        if re.search(rf"\b(FROM|JOIN|UPDATE|INTO) {name}\b", flat)
    }
    if not touched or flat.startswith("INSERT"):
        return set()
    columns = {BY_USER.get(name) for name in touched} | {"user_id"}
    columns |= {extra for name in touched for extra in ALSO_NARROWED_BY.get(name, ())}
    compared = COMPARISON.findall(flat)
    if any(column in columns for _, column in compared):
        return set()
    return {table for table, column in compared if column not in KEYS and table in touched}


@pytest.mark.concurrent
def test_a_users_requests_select_rows_by_that_user(app, client, auth):
    _, _, other = auth.user()
    create_objective(client, other)
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"], target_value=100)
    sent = []
    with app.app_context():
        engine = db.engine
    listener = lambda _c, _k, statement, *_rest: sent.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        path = f"/objectives/{objective['id']}"
        item = f"/key-results/{key_result['id']}"
        assert check_in(client, headers, key_result["id"], value=3).status_code == 201
        batch = {"check_ins": [{"key_result_id": key_result["id"], "delta": 1}]}
        assert client.post("/check-ins", json=batch, headers=headers).status_code == 201
        for read in ("/objectives", path, "/key-results", f"{item}/check-ins", "/stats"):
            assert client.get(read, headers=headers).status_code == 200, read
        for read in ("/audit", "/due", "/webhooks", "/auth/tokens"):
            assert client.get(read, headers=headers).status_code == 200, read
        etag = client.get(path, headers=headers).headers["ETag"]
        changed = client.patch(
            path, json={"description": "d"}, headers={**headers, "If-Match": etag}
        )
        assert changed.status_code == 200
        assert client.patch(item, json={"title": "t"}, headers=headers).status_code == 200
        closing = client.post(f"{path}/close", json={"outcome": "achieved"}, headers=headers)
        assert closing.status_code == 200, closing.get_json()
        assert client.delete(item, headers=headers).status_code == 204
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(sent) > 50
    problems = [(unscoped(statement), statement[:300]) for statement in sent]
    assert [problem for problem in problems if problem[0]] == []


def test_the_check_tells_a_scoped_statement_from_one_that_is_not():
    assert unscoped("SELECT objectives.id FROM objectives WHERE objectives.title = ?") == {
        "objectives"
    }
    assert (
        unscoped(
            "SELECT objectives.id FROM objectives WHERE objectives.title = ? "
            "AND objectives.user_id = ?"
        )
        == set()
    )
    assert unscoped("UPDATE key_results SET title=? WHERE key_results.id = ?") == set()
