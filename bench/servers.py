"""The benchmark's servers on loopback: the end-to-end tests' private Redis and gunicorn.

Each process runs in its own process group, so stopping it touches nothing else, and every
wait is bounded in time (tests/e2e/servers.py).
"""

from tests.e2e.servers import BIN, ROOT, Gunicorn, RedisServer

__all__ = ["BIN", "ROOT", "Gunicorn", "RedisServer"]
