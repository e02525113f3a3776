"""Automation through the deployed stack: personal tokens, retried writes, parallel deltas."""

import uuid

import pytest

from tests.e2e.api import login, register
from tests.e2e.stack import in_parallel, request_id, unique_email

pytestmark = pytest.mark.e2e


def scripted_key_result(stack, scopes=("read", "write")):
    """Return ``(client, session token, personal token, check-ins path)`` of a new user."""
    client = stack.client()
    email = unique_email("script")
    register(client, email)
    session = login(client, email).json()["access_token"]
    objective = client.post("/objectives", {"title": "Run", "period": "2026"}, token=session)
    body = {"objective_id": objective.json()["id"], "title": "Runs", "metric": "runs"}
    key_result = client.post("/key-results", body, token=session).json()
    made = client.post("/auth/tokens", {"name": "cron", "scopes": list(scopes)}, token=session)
    assert made.status == 201
    return client, session, made.json(), f"/key-results/{key_result['id']}/check-ins"


def test_a_deleted_token_is_refused_by_every_worker_at_once(stack):
    client, session, made, _ = scripted_key_result(stack, scopes=("read",))
    token = made["token"]

    def me_from_every_worker():
        rids = [request_id() for _ in range(6)]
        answers = in_parallel(
            [
                lambda rid=rid: client.get("/auth/me", token=token, headers={"X-Request-ID": rid})
                for rid in rids
            ]
        )
        assert len(set(stack.pids_for(rids))) >= 2
        return [answer.status for answer in answers]

    assert me_from_every_worker() == [200] * 6
    stored = stack.query("SELECT row_to_json(t)::text FROM personal_tokens t")
    assert stored and all(token not in row[0] and token[12:] not in row[0] for row in stored)
    secret = token[len(made["prefix"]) :]
    audited = "SELECT count(*) FROM audit_log WHERE details::text LIKE %s"
    assert stack.scalar(audited, f"%{made['prefix']}%") == 1  # the creation's snapshot
    assert stack.scalar(audited, f"%{secret}%") == 0
    deleted = client.request("DELETE", f"/auth/tokens/{made['id']}", token=session)
    assert deleted.status == 204
    assert me_from_every_worker() == [401] * 6


def test_twenty_parallel_deltas_across_workers_all_count(stack):
    client, _, made, path = scripted_key_result(stack)
    rids = [request_id() for _ in range(20)]
    answers = in_parallel(
        [
            lambda rid=rid: client.post(
                path, {"delta": 1}, token=made["token"], headers={"X-Request-ID": rid}
            )
            for rid in rids
        ]
    )
    assert [answer.status for answer in answers] == [201] * 20
    assert len(set(stack.pids_for(rids))) >= 2
    key_result_id = int(path.split("/")[2])
    assert stack.scalar("SELECT current_value FROM key_results WHERE id = %s", key_result_id) == 20
    assert stack.query(
        "SELECT count(*), count(DISTINCT value), min(source) FROM check_ins "
        "WHERE key_result_id = %s",
        key_result_id,
    ) == [(20, 20, "cron")]


def test_one_key_sent_twice_at_once_records_one_check_in(stack):
    client, _, made, path = scripted_key_result(stack)
    headers = {"Idempotency-Key": str(uuid.uuid4())}

    def send():
        return client.post(path, {"delta": 2}, token=made["token"], headers=headers)

    first, second = in_parallel([send, send])
    statuses = {
        (answer.status, answer.headers.get("idempotent-replayed")) for answer in (first, second)
    }
    assert statuses in ({(201, None), (201, "true")}, {(201, None), (409, None)})
    key_result_id = int(path.split("/")[2])
    assert (
        stack.scalar("SELECT count(*) FROM check_ins WHERE key_result_id = %s", key_result_id) == 1
    )
    retried = send()
    assert (retried.status, retried.headers["idempotent-replayed"]) == (201, "true")
    original = (
        first if first.status == 201 and "idempotent-replayed" not in first.headers else second
    )
    assert retried.json() == original.json()
    assert stack.scalar("SELECT current_value FROM key_results WHERE id = %s", key_result_id) == 2
