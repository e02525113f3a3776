"""gunicorn settings for okr-tracker: ``gunicorn -c deploy/gunicorn.conf.py wsgi:app``.

Every value can be changed from the environment (``GUNICORN_*``); the README lists them.
"""

import gc
import glob
import json
import os
import re

from gunicorn.glogging import Logger, SafeAtoms


def _cores():
    """Return the CPUs this process may run on (a container's share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _number(name, default):
    """Return the environment variable ``name`` as an integer, or ``default``."""
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _number("GUNICORN_WORKERS", 2 * _cores() + 1)
threads = _number("GUNICORN_THREADS", 1)
timeout = _number("GUNICORN_TIMEOUT", 30)
graceful_timeout = _number("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _number("GUNICORN_KEEPALIVE", 5)
max_requests = _number("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _number("GUNICORN_MAX_REQUESTS_JITTER", 0)

# nginx refuses request lines and header lines over 8 KiB (414 and 431, in the API's JSON
# shape) before gunicorn sees them; gunicorn's own limits sit above nginx's, so its plain
# 400 page never reaches a client. 0: request lines of up to 1 MiB.
limit_request_line = _number("GUNICORN_LIMIT_REQUEST_LINE", 0)
limit_request_field_size = _number("GUNICORN_LIMIT_REQUEST_FIELD_SIZE", 16384)
limit_request_fields = _number("GUNICORN_LIMIT_REQUEST_FIELDS", 32768)

# Each worker builds its own app, so no database or Redis connection is ever inherited
# across fork; preloading would save start-up time only.
preload_app = False

# gunicorn's control socket can change the worker count at run time; it stays off unless a
# path is given, which also keeps several instances on one host from sharing one socket.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket

# The heartbeat file lives in memory: a container's /tmp may be a slow overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# One JSON object per line; pid, status and duration_ms are numbers, everything else strings.
access_log_format = (
    '{"time": "%(t)s", "pid": %(p)s, "remote_addr": "%(h)s", '
    '"forwarded_for": "%({x-forwarded-for}i)s", "method": "%(m)s", "path": "%(U)s", '
    '"query": "%(q)s", "status": %(s)s, "bytes": "%(b)s", "duration_ms": %(M)s, '
    '"request_id": "%({x-request-id}o)s", "user_agent": "%(a)s"}'
)


#: The secret in a calendar feed's path (``/calendar/<token>.ics``) or a share link's
#: (``/s/<token>``, ``/s/<token>/badge.svg``), under any prefix: whoever reads it reads
#: the feed or the objective, so no log line holds it (nginx's log does the same).
SECRET_IN_PATH = re.compile(r"(/calendar/)[^/?\s]+(?=\.ics\b)|(/s/)[^/?\s]+")


def secret_free(path):
    """Return ``path`` with the secret of a feed's or a share link's address replaced."""
    return SECRET_IN_PATH.sub(lambda found: (found[1] or found[2]) + "[secret]", path)


class JsonAtoms(SafeAtoms):
    """Log atoms escaped for a JSON string, so no header value can break the line.

    Each atom is escaped when the format reads it: gunicorn makes one of every request
    header, response header and WSGI variable (some fifty), and the format reads twelve.
    """

    def __init__(self, atoms):
        dict.__init__(self, atoms)  # as they are: SafeAtoms would escape every one

    def __getitem__(self, key):
        value = super().__getitem__(key)  # SafeAtoms': header names in any case, "-" if absent
        return value if isinstance(value, int) else json.dumps(str(value))[1:-1]


class JsonLogger(Logger):
    """gunicorn's logger, writing the access log as JSON lines."""

    atoms_wrapper_class = JsonAtoms

    def atoms(self, resp, req, environ, request_time):
        """Return gunicorn's atoms: the worker pid a plain number, no secret in the path."""
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["p"] = os.getpid()
        atoms["U"] = secret_free(atoms["U"])
        atoms["r"] = secret_free(atoms["r"])
        return atoms


logger_class = JsonLogger


def on_starting(server):
    """Empty the Prometheus multiprocess directory: stale files would add old counts."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for path in glob.glob(os.path.join(directory, "*.db")):
            os.remove(path)


def post_worker_init(worker):
    """Build what the app builds on first use, then move it all out of the collector's way.

    ``warm_up`` reads the OpenAPI document's parameters and compiles the templates, so the
    worker's first requests are not slower than the rest. Modules, mappers, schemas and
    caches number some 150,000 objects; a full collection walking them all pauses a request
    for tens of milliseconds. Frozen, they are skipped and such a pause stays a few
    milliseconds.
    """
    from okr_app.ops.warmup import warm_up

    warm_up(worker.wsgi)
    gc.freeze()


def when_ready(server):
    """Warn when workers would each keep their own lockout counters."""
    if server.cfg.workers > 1 and not os.environ.get("REDIS_URL"):
        server.log.warning(
            "REDIS_URL is not in the environment: unless instance/config.py sets it, each of "
            "the %d workers counts failed logins on its own. Set REDIS_URL to share them.",
            server.cfg.workers,
        )


def child_exit(server, worker):
    """Drop the live gauges of a worker that exited, as prometheus-client asks."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
