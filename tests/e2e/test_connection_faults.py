"""Database connections terminated during a burst of check-ins, on the deployed stack.

A thread loops ``pg_terminate_backend`` over the app's connections while writers record
check-ins: a connection can be lost before the commit, during it, or just after. Every
2xx is stored exactly once with exactly one audit row, nothing is stored for a 5xx, no
request has two rows, the chain verifies, and no answer is HTML (gunicorn's own 500).
"""

import threading
import time

from tests.e2e.api import login, register
from tests.e2e.stack import request_id, unique_email

WRITERS = 4
WRITES_EACH = 25
KILL = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def test_connections_lost_mid_request_never_double_or_hide_a_write(stack):
    client = stack.client()
    email = unique_email("faults")
    register(client, email)
    token = login(client, email).json()["access_token"]
    objective = client.post("/objectives", {"title": "Faults", "period": "2026"}, token=token)
    body = {"objective_id": objective.json()["id"], "title": "Writes", "metric": "n"}
    key_result = client.post("/key-results", body, token=token).json()
    path = f"/key-results/{key_result['id']}/check-ins"
    results, stop = [], threading.Event()

    def write(writer):
        for number in range(WRITES_EACH):
            rid = request_id()
            headers = {"X-Request-ID": rid}
            try:
                answer = stack.client().post(
                    path, {"value": number, "note": rid}, token=token, headers=headers
                )
                results.append((rid, answer.status, answer.headers.get("content-type", "")))
            except Exception as error:  # a broken answer fails the test below, with its name
                results.append((rid, repr(error), ""))

    def terminate():
        while not stop.is_set():
            stack.query(KILL)
            time.sleep(0.25)

    killer = threading.Thread(target=terminate)
    writers = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    killer.start()
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(300)
    stop.set()
    killer.join(30)

    assert len(results) == WRITERS * WRITES_EACH
    statuses = {status for _, status, _ in results}
    assert statuses <= {201, 503}, statuses
    assert 201 in statuses
    assert not [kind for _, _, kind in results if not kind.startswith("application/json")]
    stored = dict(
        stack.query(
            "SELECT note, count(*) FROM check_ins WHERE key_result_id = %s GROUP BY note",
            key_result["id"],
        )
    )
    rows = dict(
        stack.query(
            "SELECT details->>'client_request_id', count(*) FROM audit_log "
            "WHERE details->>'client_request_id' LIKE 'e2e-%%' GROUP BY 1"
        )
    )
    for rid, status, _ in results:
        if status == 201:
            assert stored.get(rid) == 1, f"{rid} answered 201 but stored {stored.get(rid)} times"
            assert rows.get(rid) == 1, f"{rid} answered 201 with {rows.get(rid)} audit rows"
        else:
            assert rid not in stored, f"{rid} answered {status} but was stored"
            assert rows.get(rid, 0) <= 1, f"{rid} has {rows.get(rid)} audit rows"
    assert "Audit trail intact" in stack.flask("audit", "verify").stdout
