"""The deployed stack on loopback: a fresh PostgreSQL database, Redis, gunicorn and nginx."""

import base64
import json
import os
import secrets
import shutil
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier

import psycopg2
from sqlalchemy.engine import make_url

from bench.servers import (
    BIN,
    LOOPBACK,
    ROOT,
    Gunicorn,
    Nginx,
    Process,
    RedisServer,
    free_port,
    port_open,
    wait_until,
)
from tests.e2e.client import Client

PASSWORD = "a perfectly long passphrase"


def server_url(database_url, name):
    """Return ``database_url`` pointing at the database ``name`` of the same server."""
    url = make_url(database_url).set(drivername="postgresql", database=name)
    return url.render_as_string(hide_password=False)


class Stack:
    """Everything one e2e module runs, started in order and stopped in reverse."""

    def __init__(self, directory, postgres_url, workers=3, hosts=1, pooler=None):
        """``pooler``, a ``PgBouncer``, stands between the app (and its CLI) and PostgreSQL."""
        self.directory = directory
        self.postgres_url = postgres_url
        self.workers = workers
        self.pooler = pooler
        self.hosts = []
        self.database = "okr_e2e_" + uuid.uuid4().hex[:12]
        self.database_url = server_url(postgres_url, self.database)
        self.redis = self.gunicorn = self.nginx = self.worker = self.connection = None

    def start(self, host_count=1):
        """Create the database, migrate it and start Redis, gunicorn (per host) and nginx."""
        self._admin(f'CREATE DATABASE "{self.database}"')
        self.redis = RedisServer(self.directory).start()
        metrics = self.directory / "metrics"
        metrics.mkdir()
        app_database_url = self.database_url
        if self.pooler is not None:
            app_database_url = self.pooler.url_for(self.database_url)
        self.env = {
            **os.environ,
            "DATABASE_URL": app_database_url,
            "REDIS_URL": self.redis.url,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "OKR_TRUSTED_PROXIES": "1",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics),
            # The tests' webhook receiver listens on loopback, over http.
            "OKR_WEBHOOK_ALLOW_HTTP": "true",
            "OKR_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8,::1/128",
            "OKR_WEBHOOK_TIMEOUT_SECONDS": "2",
            "OKR_WEBHOOK_RETRY_SCHEDULE": "1,1,1,1,1",
            "OKR_WORKER_POLL_SECONDS": "0.25",
        }
        self.flask("db", "upgrade")
        # Each host's connections name it (libpq's PGAPPNAME): pg_stat_activity tells them apart.
        host_env = {**self.env, "PGAPPNAME": "okr-host-1"}
        self.gunicorn = Gunicorn(self.directory, host_env, self.workers).start()
        self.hosts = [self.gunicorn]
        for number in range(2, host_count + 1):
            # Another app host: a gunicorn master of its own, with its workers and pools.
            host_env = {**self.env, "PGAPPNAME": f"okr-host-{number}"}
            host = Gunicorn(self.directory, host_env, self.workers, name=f"gunicorn{number}")
            self.hosts.append(host.start())
        self.nginx = Nginx(self.directory, [host.port for host in self.hosts]).start()
        self.connection = psycopg2.connect(self.database_url)
        self.connection.autocommit = True
        self.start_worker()
        return self

    def start_worker(self):
        """Start ``flask worker`` beside gunicorn (Redis as its broker) and wait for its beat."""
        before = self.scalar("SELECT max(beat_at) FROM worker_heartbeats")
        command = [BIN / "flask", "--app", "wsgi", "worker"]
        log = self.directory / "worker.log"
        self.worker = Process("worker", command, log, env=self.env, cwd=ROOT).start()
        beat = "SELECT max(beat_at) FROM worker_heartbeats"
        wait_until(lambda: self.scalar(beat) not in (None, before), 60, "the worker's heartbeat")
        return self.worker

    def stop(self):
        """Stop every process and drop the database, whatever state they are in."""
        if self.connection is not None:
            self.connection.close()
        for process in (self.nginx, self.worker, *self.hosts[1:], self.gunicorn, self.redis):
            if process is not None:
                process.stop()
        self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def log_tails(self, size=3000):
        """Return the end of each process's log, for a failure report."""
        return "\n".join(
            f"--- {process.name}\n{process.log()[-size:]}"
            for process in (self.redis, *(self.hosts or [self.gunicorn]), self.nginx, self.worker)
            if process is not None
        )

    def _admin(self, statement):
        """Run ``statement`` on the server's ``postgres`` database."""
        connection = psycopg2.connect(server_url(self.postgres_url, "postgres"))
        try:
            connection.autocommit = True
            connection.cursor().execute(statement)
        finally:
            connection.close()

    def flask(self, *arguments, check=True):
        """Run ``flask --app wsgi ARGUMENTS`` against the stack's database."""
        result = subprocess.run(
            [BIN / "flask", "--app", "wsgi", *arguments],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"flask {' '.join(arguments)} failed:\n{result.stderr}")
        return result

    def client(self, source="127.0.0.1"):
        """Return a client that talks to nginx from the loopback address ``source``."""
        return Client(self.nginx.port, source)

    def query(self, sql, *parameters):
        """Run ``sql`` on the stack's database and return all rows."""
        with self.connection.cursor() as cursor:
            cursor.execute(sql, parameters)
            return cursor.fetchall()

    def scalar(self, sql, *parameters):
        """Run ``sql`` and return the first column of the first row."""
        rows = self.query(sql, *parameters)
        return rows[0][0] if rows else None

    def access_log(self):
        """Return gunicorn's access log entries (JSON lines carrying a worker pid)."""
        entries = []
        for line in self.gunicorn.log().splitlines():
            if line.startswith("{") and '"pid"' in line:
                entries.append(json.loads(line))
        return entries

    def entries_for(self, request_ids, timeout=10):
        """Return the access log entry of each request id, waiting for its line.

        gunicorn writes a line once the answer is sent, so a client may read the answer
        before the line is there.
        """

        def found():
            entries = {entry["request_id"]: entry for entry in self.access_log()}
            return entries if all(rid in entries for rid in request_ids) else None

        entries = wait_until(found, timeout, "access log lines")
        return [entries[rid] for rid in request_ids]

    def pids_for(self, request_ids, timeout=10):
        """Return the worker pid that served each request id, waiting for its log line."""
        return [entry["pid"] for entry in self.entries_for(request_ids, timeout)]


class PgBouncer(Process):
    """PgBouncer in transaction mode before the PostgreSQL server of ``postgres_url``.

    Any database name is passed through to the server's database of that name, as the user
    of ``postgres_url``. The app's ``options`` startup parameter (its statement timeout) is
    ignored, as docs/SCALING.md tells operators to configure it; ``pool_size`` server
    connections serve every client connection of the stack.
    """

    def __init__(self, directory, postgres_url, pool_size=3):
        self.port = free_port()
        self.pool_size = pool_size
        server = make_url(postgres_url)
        folder = Path(directory) / "pgbouncer"
        folder.mkdir()
        folder.chmod(0o755)
        config = folder / "pgbouncer.ini"
        self.user = user = server.username or "postgres"
        config.write_text(
            "[databases]\n"
            f"* = host={server.host or LOOPBACK} port={server.port or 5432} user={user}\n"
            "[pgbouncer]\n"
            f"listen_addr = {LOOPBACK}\n"
            f"listen_port = {self.port}\n"
            "unix_socket_dir =\n"
            "auth_type = any\n"
            f"admin_users = {user}\n"
            "pool_mode = transaction\n"
            f"default_pool_size = {pool_size}\n"
            "max_client_conn = 500\n"
            "ignore_startup_parameters = options,extra_float_digits\n"
        )
        config.chmod(0o644)
        command = [shutil.which("pgbouncer"), config]
        if os.geteuid() == 0:
            command[1:1] = ["-u", "postgres"]  # PgBouncer refuses to run as root
        super().__init__("pgbouncer", command, folder / "pgbouncer.log")

    def start(self):
        """Start PgBouncer in the foreground and wait until it accepts connections."""
        super().start()
        wait_until(lambda: port_open(self.port), 15, f"pgbouncer on port {self.port}")
        return self

    def url_for(self, database_url):
        """Return ``database_url`` reaching the same database through PgBouncer."""
        url = make_url(database_url).set(host=LOOPBACK, port=self.port)
        return url.render_as_string(hide_password=False)

    def show(self, what):
        """Return the rows of the admin console's ``SHOW <what>`` as dictionaries."""
        connection = psycopg2.connect(
            host=LOOPBACK, port=self.port, dbname="pgbouncer", user=self.user
        )
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f"SHOW {what}")
                names = [column.name for column in cursor.description]
                return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            connection.close()


def request_id():
    """Return a new request id, sent by the client and kept by nginx and the app."""
    return "e2e-" + uuid.uuid4().hex


def in_parallel(calls, timeout=60):
    """Run the callables at the same moment from several threads; return their results."""
    barrier = Barrier(len(calls))

    def run(call):
        barrier.wait(timeout)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result(timeout) for future in futures]


def claims(token):
    """Return the payload of a JWT without checking it (the server does that)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def unique_email(prefix):
    """Return an e-mail address no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"
