"""Which PostgreSQL and Redis the tests use, one of each per worker process, and app settings."""

import os
import uuid

from sqlalchemy.engine import make_url

#: Under ``pytest -n`` each worker process ("gw0", "gw1", ...) gets a database and a Redis
#: database of its own, next to the ones named: their tests never see each other's rows, and
#: one worker's limiter reset never wipes another's counts.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def for_this_worker(database_url, redis_url):
    """Return the PostgreSQL and Redis URLs this test process uses."""
    if not WORKER:
        return database_url, redis_url
    number = int(WORKER.removeprefix("gw"))
    if database_url:
        url = make_url(database_url)
        database_url = url.set(database=f"{url.database}_{WORKER}").render_as_string(
            hide_password=False
        )
    if redis_url:
        base, _, index = redis_url.rpartition("/")
        redis_url = f"{base}/{int(index or 0) + number}" if index.isdigit() else redis_url
    return database_url, redis_url


POSTGRES_URL, REDIS_URL = for_this_worker(
    os.environ.get("TEST_DATABASE_URL"), os.environ.get("TEST_REDIS_URL")
)
BACKEND = "postgresql" if POSTGRES_URL else "sqlite"


def make_config(database_url, **overrides):
    """Return the settings of a test app."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-" + "x" * 40,
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": REDIS_URL or "memory://",
        "RATELIMIT_KEY_PREFIX": "test-" + uuid.uuid4().hex,
        **overrides,
    }
