"""What a client of the deployed service does, and what it leaves in the database."""

from bench.servers import wait_until
from tests.e2e.stack import PASSWORD


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
