"""Fresh PostgreSQL databases for a run: create, migrate, seed, and drop them afterwards."""

import subprocess
import time
import uuid

import psycopg2
from sqlalchemy.engine import make_url

from bench.servers import BIN, ROOT


def database_url(server_url, name):
    """Return ``server_url`` pointing at the database ``name`` of the same server."""
    url = make_url(server_url).set(drivername="postgresql", database=name)
    return url.render_as_string(hide_password=False)


class Database:
    """One ``okr_bench_*`` database, filled by ``flask db upgrade`` and ``seed-demo``."""

    def __init__(self, server_url, label):
        self.server_url = server_url
        self.name = f"okr_bench_{label}_{uuid.uuid4().hex[:8]}"
        self.url = database_url(server_url, self.name)

    def create(self):
        """Create the empty database."""
        self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def drop(self):
        """Drop the database, closing whatever still uses it."""
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, statement):
        """Run ``statement`` on the server's ``postgres`` database."""
        connection = psycopg2.connect(database_url(self.server_url, "postgres"))
        try:
            connection.autocommit = True
            connection.cursor().execute(statement)
        finally:
            connection.close()

    def prepare(self, env, users, objectives, days):
        """Migrate and seed the database; return the seconds the seed took."""
        env = {**env, "DATABASE_URL": self.url}
        flask(env, "db", "upgrade")
        started = time.monotonic()
        flask(
            env,
            "seed-demo",
            *("--users", users, "--objectives", objectives, "--days", days, "--force"),
        )
        seconds = time.monotonic() - started
        # Fresh planner statistics and visibility maps (index-only scans), as autovacuum
        # keeps them on a live database.
        self.execute("VACUUM ANALYZE")
        return round(seconds, 1)

    def execute(self, statement, parameters=None):
        """Run one statement in the database and return its rows (if any)."""
        connection = psycopg2.connect(self.url)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(statement, parameters)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()


def flask(env, *arguments):
    """Run ``flask --app wsgi ARGUMENTS``; fail with its output when it fails."""
    result = subprocess.run(
        [BIN / "flask", "--app", "wsgi", *map(str, arguments)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"flask {' '.join(map(str, arguments))} failed:\n{result.stderr[-3000:]}"
        )
    return result.stdout
