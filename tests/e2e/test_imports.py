"""Maximum-size imports from several users at once, on the deployed stack.

The imports are bounded (``OKR_IMPORT_MAX_RECORDS``) and run a few at a time in all
(``OKR_IMPORT_MAX_CONCURRENT``), so workers stay free: ``/health`` keeps answering, each
time within a few seconds (the client's timeout), never after a worker timeout.
"""

import threading

from tests.e2e.api import login, register
from tests.e2e.client import Client
from tests.e2e.stack import in_parallel, unique_email

RECORDS = 20_000  # the default OKR_IMPORT_MAX_RECORDS
HEALTH_TIMEOUT_SECONDS = 5


def largest_document(records=RECORDS):
    """Return a document of exactly ``records`` records: mostly minimal check-ins."""
    check_ins = [
        {"at": f"2026-0{1 + n % 9}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00Z", "value": n}
        for n in range(records - 2)
    ]
    key_result = {"title": "Imported", "metric": "n", "start_value": 0, "target_value": 10}
    latest = max(range(len(check_ins)), key=lambda n: (check_ins[n]["at"], n))
    # The current value is the latest check-in's, as an import requires.
    key_result |= {"current_value": latest, "weight": 1, "check_ins": check_ins}
    objective = {"title": "Imported", "period": "2026", "status": "active"}
    objective |= {"key_results": [key_result]}
    return {"version": 1, "objectives": [objective]}


def test_concurrent_largest_imports_leave_health_answering(stack):
    client = stack.client()
    tokens = []
    for _ in range(3):
        email = unique_email("import")
        register(client, email)
        tokens.append(login(client, email).json()["access_token"])
    body = largest_document()
    health, stop = [], threading.Event()

    def probe():
        prober = Client(stack.nginx.port, timeout=HEALTH_TIMEOUT_SECONDS)
        while not stop.is_set():
            try:
                health.append(prober.get("/health").status)
            except Exception as error:  # a timeout fails the test below, with its name
                health.append(repr(error))
            stop.wait(0.2)

    # Just under nginx's 10 MiB: what used to keep every worker busy past its timeout.
    huge = largest_document(210_000)
    prober = threading.Thread(target=probe)
    prober.start()
    try:
        calls = [
            lambda token=token: stack.client().post("/import", huge, token=token)
            for token in tokens
        ]
        refusals = in_parallel(calls, timeout=120)
        calls = [
            lambda token=token: stack.client().post("/import", body, token=token)
            for token in tokens
        ]
        answers = in_parallel(calls, timeout=120)
    finally:
        stop.set()
        prober.join(30)
    # Too many records (422), or refused at once while another holds the import slot (429).
    assert {answer.status for answer in refusals} <= {422, 429}
    assert 422 in {answer.status for answer in refusals}
    statuses = sorted(answer.status for answer in answers)
    assert 201 in statuses and set(statuses) <= {201, 429}, statuses
    for answer in answers:
        if answer.status == 201:
            assert answer.json()["check_ins"] == RECORDS - 2
    assert health and set(health) == {200}, health
    over = {**body, "objectives": [*body["objectives"], {"title": "One more", "period": "2026"}]}
    refused = stack.client().post("/import", over, token=tokens[0])
    assert refused.status == 422
    assert "objectives" in refused.json()["errors"]["json"]
