"""A Redis that hangs (SIGSTOP) instead of refusing: requests do not wait for it.

After one timeout each worker's breaker stops asking Redis for a few seconds: the API
limit is skipped, logins answer 503 at once, as with a Redis that refuses; after SIGCONT
service resumes by itself.
"""

import os
import signal
import time

from bench.servers import wait_until
from tests.e2e.api import login, register, wait_for_limiter
from tests.e2e.stack import unique_email

REQUESTS = 30
#: Without the breaker each request waits for the timeout and redis-py's retry (about 2 s).
UNBROKEN_SECONDS = REQUESTS * 2


def test_a_hanging_redis_costs_each_worker_one_timeout_not_every_request(stack):
    client = stack.client()
    email = unique_email("hang")
    register(client, email)
    token = login(client, email).json()["access_token"]
    os.kill(stack.redis.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        statuses = [client.get("/auth/me", token=token).status for _ in range(REQUESTS)]
        elapsed = time.monotonic() - started
        assert statuses == [200] * REQUESTS
        # Each of the 3 workers may pay one timeout before its breaker opens; far less
        # than every request paying it.
        assert elapsed < UNBROKEN_SECONDS / 3, elapsed
        refused = login(client, email)
        assert refused.status == 503
        assert refused.headers["content-type"].startswith("application/json")
        health = client.get("/health")
        assert (health.status, health.json()["limiter"]) == (503, "unavailable")
    finally:
        os.kill(stack.redis.pid, signal.SIGCONT)
    wait_until(lambda: login(client, email).status == 200, 30, "login after Redis resumed")
    wait_for_limiter(client)
