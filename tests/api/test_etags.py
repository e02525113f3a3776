"""ETags and If-Match on objectives and key results, including concurrent writers."""

import threading
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from okr_app.extensions import db
from okr_app.models import AuditRow
from tests.factories import check_in, create_key_result, create_objective


@pytest.fixture
def rows(client, auth):
    """A user with an objective and a key result: ``(headers, paths)``."""
    _, _, headers = auth.user()
    objective = create_objective(client, headers, title="Original")
    key_result = create_key_result(client, headers, objective["id"], title="Original")
    return headers, {
        "objective": f"/objectives/{objective['id']}",
        "key_result": f"/key-results/{key_result['id']}",
    }


def etag_of(client, headers, path):
    """Return the ETag a GET of ``path`` answers with."""
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return response.headers["ETag"]


def with_tag(headers, tag):
    """Return ``headers`` plus ``If-Match: tag``."""
    return {**headers, "If-Match": tag}


@pytest.mark.parametrize("kind", ["objective", "key_result"])
def test_every_response_carries_an_etag_that_changes_with_the_row(client, rows, kind):
    headers, paths = rows
    first = etag_of(client, headers, paths[kind])
    assert first.startswith('"') and first.endswith('"')
    assert etag_of(client, headers, paths[kind]) == first
    response = client.patch(paths[kind], headers=headers, json={"title": "Renamed"})
    assert response.status_code == 200
    assert response.headers["ETag"] != first
    assert response.headers["ETag"] == etag_of(client, headers, paths[kind])
    unchanged = client.patch(paths[kind], headers=headers, json={"title": "Renamed"})
    assert unchanged.headers["ETag"] == response.headers["ETag"]


def test_objective_and_key_result_tags_differ(client, rows):
    headers, paths = rows
    assert etag_of(client, headers, paths["objective"]) != etag_of(
        client, headers, paths["key_result"]
    )


@pytest.mark.parametrize("kind", ["objective", "key_result"])
@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_a_stale_tag_is_412_and_nothing_changes(app, client, rows, kind, method):
    headers, paths = rows
    path = paths[kind]
    stale = etag_of(client, headers, path)
    client.patch(path, headers=headers, json={"title": "Changed by someone else"})
    before = client.get(path, headers=headers).get_json()
    body = {"title": "Mine"} if method == "PATCH" else None
    if method == "PUT":
        body = {"title": "Mine", "period": "2026"}
        if kind == "key_result":
            body = {"title": "Mine", "metric": "m", "objective_id": before["objective_id"]}
    response = client.open(path, method=method, headers=with_tag(headers, stale), json=body)
    assert response.status_code == 412
    assert response.get_json()["code"] == 412
    assert client.get(path, headers=headers).get_json() == before
    with app.app_context():
        row = db.session.scalars(select(AuditRow).order_by(AuditRow.id.desc())).first()
    assert (row.outcome, row.status_code) == ("denied", 412)


@pytest.mark.parametrize("kind", ["objective", "key_result"])
def test_a_matching_tag_or_none_lets_the_write_proceed(client, rows, kind):
    headers, paths = rows
    path = paths[kind]
    current = etag_of(client, headers, path)
    response = client.patch(path, headers=with_tag(headers, current), json={"title": "A"})
    assert response.status_code == 200
    listed = f'"elsewhere", {response.headers["ETag"]}'
    assert (
        client.patch(path, headers=with_tag(headers, listed), json={"title": "B"}).status_code
        == 200
    )
    assert (
        client.patch(path, headers=with_tag(headers, "*"), json={"title": "C"}).status_code == 200
    )
    assert client.patch(path, headers=headers, json={"title": "D"}).status_code == 200
    # Marked weak, as nginx marks the tag of an answer it compressed: the same version.
    stale = "W/" + etag_of(client, headers, path)
    weak = "W/" + client.patch(path, headers=headers, json={"title": "E"}).headers["ETag"]
    assert (
        client.patch(path, headers=with_tag(headers, stale), json={"title": "F"}).status_code == 412
    )
    assert (
        client.patch(path, headers=with_tag(headers, weak), json={"title": "G"}).status_code == 200
    )
    tag = etag_of(client, headers, path)
    assert client.delete(path, headers=with_tag(headers, tag)).status_code == 204


def test_a_check_in_changes_the_key_result_tag(client, rows):
    headers, paths = rows
    before = etag_of(client, headers, paths["key_result"])
    key_result_id = int(paths["key_result"].rsplit("/", 1)[1])
    assert check_in(client, headers, key_result_id, value=5).status_code == 201
    response = client.patch(
        paths["key_result"], headers=with_tag(headers, before), json={"current_value": 1}
    )
    assert response.status_code == 412


@pytest.mark.parametrize(
    "change",
    [{"period": "2026-Q1"}, {"check_in_every_days": 7}, {"status": "archived"}],
    ids=["period", "cadence", "status"],
)
def test_a_change_of_the_objective_its_key_results_show_moves_their_tags(client, auth, change):
    with time_machine.travel(datetime(2026, 2, 15, tzinfo=UTC), tick=False):
        _, _, headers = auth.user()
        objective = create_objective(client, headers, period="2026", check_in_every_days=30)
        key_result_id = create_key_result(client, headers, objective["id"])["id"]
        for at, value in (("2026-01-02T00:00:00Z", 5), ("2026-02-10T00:00:00Z", 15)):
            assert check_in(client, headers, key_result_id, value=value, at=at).status_code == 201
        path = f"/key-results/{key_result_id}"
        before = client.get(path, headers=headers)
        response = client.patch(f"/objectives/{objective['id']}", headers=headers, json=change)
        assert response.status_code == 200
        after = client.get(path, headers=headers)
        # The period moves the forecast, the cadence and the status the due date.
        assert before.get_json() != after.get_json()
        assert after.headers["ETag"] != before.headers["ETag"]
        stale = with_tag(headers, before.headers["ETag"])
        assert client.patch(path, headers=stale, json={"title": "Mine"}).status_code == 412


def test_closing_and_reopening_move_the_key_result_tags(client, auth):
    with time_machine.travel(datetime(2026, 2, 15, tzinfo=UTC), tick=False):
        _, _, headers = auth.user()
        objective = create_objective(client, headers, period="2026", check_in_every_days=7)
        path = f"/key-results/{create_key_result(client, headers, objective['id'])['id']}"
        for action, body in (("close", {"outcome": "achieved"}), ("reopen", None)):
            before = client.get(path, headers=headers)
            url = f"/objectives/{objective['id']}/{action}"
            assert client.post(url, headers=headers, json=body).status_code == 200
            after = client.get(path, headers=headers)
            # Nothing is due under a closed objective.
            assert before.get_json()["due_at"] != after.get_json()["due_at"]
            assert after.headers["ETag"] != before.headers["ETag"]


@pytest.fixture
def family(client, auth):
    """Two parents, the first with a child: ``(headers, first, second, child)`` ids."""
    _, _, headers = auth.user()
    first, second = (create_objective(client, headers, period="2026")["id"] for _ in range(2))
    child = create_objective(client, headers, parent_id=first)["id"]
    return headers, first, second, child


def children_and_tag(client, headers, objective_id):
    """Return the ids and titles under an objective, and its ETag."""
    response = client.get(f"/objectives/{objective_id}", headers=headers)
    return response.get_json()["children"], response.headers["ETag"]


@pytest.mark.parametrize(
    "change",
    [
        ("POST", None, {"title": "Another child", "period": "2026-Q2"}),
        ("PATCH", "child", {"title": "Renamed child"}),
        ("PUT", "child", {"title": "Replaced child", "period": "2026-Q1"}),
        ("DELETE", "child", None),
    ],
    ids=["created", "renamed", "replaced", "deleted"],
)
def test_a_change_of_its_children_moves_the_parent_tag(client, family, change):
    headers, first, _, child = family
    method, target, body = change
    if method in ("POST", "PUT"):
        body = {**body, "parent_id": first}
    path = f"/objectives/{child}" if target else "/objectives"
    before, stale = children_and_tag(client, headers, first)
    assert client.open(path, method=method, headers=headers, json=body).status_code < 300
    after, tag = children_and_tag(client, headers, first)
    assert after != before
    assert tag != stale
    response = client.patch(f"/objectives/{first}", headers=with_tag(headers, stale), json={})
    assert response.status_code == 412


@pytest.mark.parametrize("field", ["parent_id", None], ids=["moved", "detached"])
def test_a_child_moved_moves_the_tags_of_both_parents(client, family, field):
    headers, first, second, child = family
    new_parent = second if field else None
    before = {item: children_and_tag(client, headers, item) for item in (first, second)}
    body = {"parent_id": new_parent}
    assert client.patch(f"/objectives/{child}", headers=headers, json=body).status_code == 200
    changed = {first, second} if new_parent else {first}
    for item in (first, second):
        children, tag = children_and_tag(client, headers, item)
        assert (children != before[item][0], tag != before[item][1]) == (item in changed,) * 2


def test_the_openapi_document_describes_if_match(client):
    spec = client.get("/openapi.json").get_json()
    for path in ("/objectives/{objective_id}", "/key-results/{key_result_id}"):
        for method in ("put", "patch", "delete"):
            operation = spec["paths"][path][method]
            assert {"401", "404", "409", "412"} <= set(operation["responses"])
            names = [parameter["name"] for parameter in operation["parameters"]]
            assert names == ["If-Match", "Idempotency-Key"]
            assert "412" in operation["description"]
        assert "ETag" in spec["paths"][path]["get"]["responses"]["200"]["headers"]


@pytest.mark.concurrent
@pytest.mark.parametrize("kind", ["objective", "key_result"])
def test_of_concurrent_writers_with_the_same_tag_exactly_one_wins(app, client, rows, kind):
    headers, paths = rows
    path = paths[kind]
    tag = etag_of(client, headers, path)
    writers = 6
    barrier = threading.Barrier(writers)
    results = [None] * writers

    def write(number):
        own_client = app.test_client()
        barrier.wait()
        response = own_client.patch(
            path, headers=with_tag(headers, tag), json={"title": f"writer {number}"}
        )
        results[number] = (response.status_code, response.headers.get("ETag"))

    threads = [threading.Thread(target=write, args=(number,)) for number in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [412] * (writers - 1)
    [winner] = [number for number, (status, _) in enumerate(results) if status == 200]
    final = client.get(path, headers=headers)
    assert final.get_json()["title"] == f"writer {winner}"
    assert final.headers["ETag"] == results[winner][1]
