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
    FOUND_BY_CREDENTIAL,
    NULLABLE_USER,
    SHARED,
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
#: What a column may be compared with: a parameter, or a number or text written out.
VALUE = r"\(?(?:\?|%\(|__\[POSTCOMPILE|-?\d|')"
OPERATOR = r"(?:=|!=|<>|<|>|<=|>=|IN|LIKE|NOT IN|IS NOT|IS)"
#: A comparison of a table's column with a value.
COMPARISON = re.compile(rf"\b(\w+)\.(\w+) {OPERATOR} {VALUE}")
#: A comparison of a column named without its table.
BARE_COMPARISON = re.compile(rf"(?<![.\w])(\w+) {OPERATOR} {VALUE}")


def test_every_table_is_declared_once():
    names = {table.name for table in db.metadata.sorted_tables}
    declared = [*BY_USER, *SHARED]
    assert sorted(declared) == sorted(set(declared))
    assert set(declared) == names


@pytest.mark.parametrize("name", sorted(BY_USER))
def test_each_user_data_table_names_its_user(name):
    column = db.metadata.tables[name].c[BY_USER[name]]
    assert not column.nullable or column.primary_key or name in NULLABLE_USER
    if column.name == "user_id":
        assert {key.target_fullname for key in column.foreign_keys} == {"users.id"}


@pytest.mark.parametrize("name", sorted(FOUND_BY_CREDENTIAL))
def test_a_credential_finds_one_user(name):
    assert name in BY_USER
    for column_name in FOUND_BY_CREDENTIAL[name]:
        assert db.metadata.tables[name].c[column_name].unique


def unscoped(statement):
    """Return the user-data tables ``statement`` narrows by something else than user or keys.

    A statement either narrows rows by a user column (``user_id``, the table's declared
    one), or names them only by keys: the ids of rows the request found by its user
    before, or their parents' ids.
    """
    flat = " ".join(statement.split())
    touched = {name for name in BY_USER if re.search(rf"\b(FROM|JOIN|UPDATE|INTO) {name}\b", flat)}
    if not touched or flat.startswith("INSERT"):
        return set()
    if " WHERE " not in flat:
        return touched  # every row of the table
    columns = {BY_USER.get(name) for name in touched} | {"user_id"}
    columns |= {extra for name in touched for extra in ALSO_NARROWED_BY.get(name, ())}
    columns |= {found for name in touched for found in FOUND_BY_CREDENTIAL.get(name, ())}
    where = flat.split(" WHERE ", 1)[1]
    compared = COMPARISON.findall(where)
    bare = [column for column in BARE_COMPARISON.findall(where) if column.upper() != "NOT"]
    compared += [(None, column) for column in bare]
    if any(column in columns for _, column in compared):
        return set()
    if any(table is None and column not in KEYS for table, column in compared):
        return touched  # a column of which table is not said
    by_key = {table for table, column in compared if column in KEYS}
    return {table for table, _ in compared if table in touched and table not in by_key}


@pytest.mark.concurrent
def test_a_users_requests_select_rows_by_that_user(app, client, auth):
    _, _, other = auth.user()
    create_objective(client, other)
    _, tokens, headers = auth.user()
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
        assert client.get("/auth/me", headers=headers).status_code == 200
        refresh = {"Authorization": f"Bearer {tokens['refresh_token']}"}
        assert client.post("/auth/refresh", headers=refresh).status_code == 200
        token = client.post("/auth/tokens", headers=headers, json={"name": "n", "scopes": ["read"]})
        assert token.status_code == 201, token.get_json()
        personal = {"Authorization": f"Bearer {token.get_json()['token']}"}
        assert client.get("/objectives", headers=personal).status_code == 200
        token_path = f"/auth/tokens/{token.get_json()['id']}"
        assert client.delete(token_path, headers=headers).status_code == 204
        share = client.post(f"{path}/share", headers=headers, json={})
        assert share.status_code == 201, share.get_json()
        assert client.get(f"{path}/share", headers=headers).status_code == 200
        shown = client.get(share.get_json()["url"].removeprefix("http://localhost"))
        assert shown.status_code == 200
        share_path = f"{path}/share/{share.get_json()['id']}"
        assert client.delete(share_path, headers=headers).status_code == 204
        feed = client.post("/calendar/feed", headers=headers)
        assert feed.status_code == 201
        assert (
            client.get(feed.get_json()["url"].removeprefix("http://localhost")).status_code == 200
        )
        assert client.delete("/calendar/feed", headers=headers).status_code == 204
        exported = client.get("/export", headers=headers)
        assert exported.status_code == 200
        imported = client.post("/import", headers=headers, json=exported.get_json())
        assert imported.status_code == 201, imported.get_json()
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
    assert unscoped("SELECT check_ins.note FROM check_ins") == {"check_ins"}
    assert unscoped("SELECT count(*) AS count_1 FROM objectives") == {"objectives"}
    assert unscoped("SELECT objectives.id FROM objectives WHERE title = %(t)s") == {"objectives"}
    assert unscoped("SELECT objectives.id FROM objectives WHERE user_id = %(u)s") == set()
    assert unscoped("DELETE FROM check_ins WHERE check_ins.value > 3") == {"check_ins"}
    assert unscoped("SELECT webhooks.id FROM webhooks WHERE webhooks.url = 'x'") == {"webhooks"}
    assert unscoped("SELECT webhooks.id FROM webhooks WHERE webhooks.id = 4") == set()
    assert unscoped("UPDATE webhooks SET url=? WHERE webhooks.id = ? AND webhooks.url = ?") == set()
