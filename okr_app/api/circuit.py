"""A circuit breaker on the rate-limit storage's Redis connections, per worker process.

A Redis that hangs (instead of refusing) costs every request the socket timeout, plus
redis-py's retry. After one timeout or refused connection the breaker opens: for
``OKR_REDIS_BREAKER_SECONDS`` every call fails at once, as with a Redis that refuses
(the API limit is skipped, logins answer 503); then one call tries again, and a success
closes it.
"""

import time

from redis.connection import Connection, SSLConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

FAILURES = (RedisConnectionError, RedisTimeoutError, OSError)


class Breaker:
    """The state shared by a process's connections: until when calls fail at once."""

    def __init__(self, open_seconds):
        self.open_seconds = open_seconds
        self.open_until = 0.0

    def guard(self):
        """Fail at once while the breaker is open."""
        if time.monotonic() < self.open_until:
            raise RedisConnectionError("Redis did not answer lately; not asking again yet")

    def trip(self):
        """Open the breaker for ``open_seconds``."""
        self.open_until = time.monotonic() + self.open_seconds

    def close(self):
        """Let every call through again."""
        self.open_until = 0.0


class _Guarded:
    """Connection methods that go through the breaker (mixed into redis-py's classes)."""

    breaker = None

    def connect(self):
        """Connect, unless the breaker is open; open it if connecting fails."""
        self._through_breaker(super().connect)

    def send_packed_command(self, command, check_health=True):
        """Send, unless the breaker is open; open it if sending fails."""
        self._through_breaker(super().send_packed_command, command, check_health)

    def read_response(self, *args, **kwargs):
        """Read an answer, unless the breaker is open; open it on a timeout."""
        return self._through_breaker(super().read_response, *args, **kwargs)

    def _through_breaker(self, method, *args, **kwargs):
        self.breaker.guard()
        try:
            result = method(*args, **kwargs)
        except FAILURES:
            self.breaker.trip()
            raise
        self.breaker.close()
        return result


def connection_class(scheme, open_seconds):
    """Return a redis-py connection class for ``scheme`` guarded by a new breaker."""
    base = SSLConnection if scheme == "rediss" else Connection
    return type(f"Guarded{base.__name__}", (_Guarded, base), {"breaker": Breaker(open_seconds)})
