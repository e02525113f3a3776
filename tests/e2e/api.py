"""What a client of the deployed service does, and what it leaves in the database."""

from bench.servers import wait_until
from tests.e2e.stack import PASSWORD, unique_email


def register(client, email, **options):
    """Register ``email`` and return the answer."""
    return client.post("/auth/register", {"email": email, "password": PASSWORD}, **options)


def login(client, email, password=PASSWORD, rid=None):
    """Log in and return the answer."""
    headers = {"X-Request-ID": rid} if rid else None
    return client.post("/auth/login", {"email": email, "password": password}, headers=headers)


def wait_for_limiter(client, answers=10):
    """Wait until ``answers`` health checks in a row find the limiter storage answering.

    Each worker's Redis circuit breaker closes on its own (``OKR_REDIS_BREAKER_SECONDS``):
    a run of answers from every worker says they all have.
    """
    wait_until(
        lambda: all(client.get("/health").json()["limiter"] == "ok" for _ in range(answers)),
        30,
        "every worker's limiter back",
    )


def key_result_owner(client, label, title="Writes"):
    """Register a user with one objective and key result; return its token and the id."""
    email = unique_email(label)
    assert register(client, email).status == 201
    token = login(client, email, PASSWORD).json()["access_token"]
    objective = client.post("/objectives", {"title": title, "period": "2026"}, token=token)
    assert objective.status == 201, objective.body
    body = {"objective_id": objective.json()["id"], "title": "Writes", "metric": "rows"}
    key_result = client.post("/key-results", body, token=token)
    assert key_result.status == 201, key_result.body
    return token, key_result.json()["id"]


def user_id(stack, email):
    """Return the id of the account ``email``, from the database."""
    return stack.scalar("SELECT id FROM users WHERE email = %s", email)


def audit_row(stack, rid):
    """Return ``(action, ip, status_code)`` of the audit row of request ``rid``.

    ``rid`` is the request's ``X-Request-ID``, kept in the row's details; the row's own
    request id is unique.
    """
    rows = stack.query(
        "SELECT action, ip, status_code FROM audit_log WHERE details->>'client_request_id' = %s",
        rid,
    )
    assert len(rows) == 1, f"expected one audit row for {rid}, found {rows}"
    return rows[0]
