"""deploy/gunicorn.conf.py: settings from the environment, JSON access log, metric clean-up."""

import gc
import json
import os
import runpy
import weakref
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import prometheus_client.multiprocess  # noqa: F401  (see below)
import pytest
from flask import Flask

from okr_app import create_app
from tests.conftest import make_config

# prometheus-client picks its value store from PROMETHEUS_MULTIPROC_DIR when first imported:
# importing it here, before a test sets the variable, keeps the rest of the suite unaffected.

CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


def load(monkeypatch, **environ):
    """Return the settings module as gunicorn would read it, under ``environ``."""
    for name in list(os.environ):
        if name.startswith("GUNICORN_") or name == "PROMETHEUS_MULTIPROC_DIR":
            monkeypatch.delenv(name)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return SimpleNamespace(**runpy.run_path(str(CONF)))


def test_defaults(monkeypatch):
    conf = load(monkeypatch)
    assert conf.workers == 2 * len(os.sched_getaffinity(0)) + 1
    assert conf.threads == 1
    assert conf.bind == "0.0.0.0:8000"
    assert conf.preload_app is False
    assert conf.graceful_timeout == 30
    assert conf.control_socket_disable is True
    # Above nginx's 8 KiB (deploy/nginx.conf), which refuses first, in JSON.
    assert (conf.limit_request_line, conf.limit_request_field_size) == (0, 16384)
    assert conf.limit_request_fields == 32768


def test_environment_overrides(monkeypatch):
    conf = load(
        monkeypatch,
        GUNICORN_WORKERS="3",
        GUNICORN_THREADS="4",
        GUNICORN_BIND="127.0.0.1:9000",
        GUNICORN_TIMEOUT="12",
        GUNICORN_GRACEFUL_TIMEOUT="7",
    )
    assert (conf.workers, conf.threads, conf.bind) == (3, 4, "127.0.0.1:9000")
    assert (conf.timeout, conf.graceful_timeout) == (12, 7)


def access_line(conf, user_agent, path="/auth/register"):
    """Format one access log line the way gunicorn's logger does."""
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", "203.0.113.7")])
    response = SimpleNamespace(
        status="201 CREATED", sent=42, headers=[("X-Request-ID", "req-1"), ("X-Other", "x")]
    )
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": user_agent,
    }
    logger = conf.JsonLogger.__new__(conf.JsonLogger)
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=15))
    return conf.access_log_format % conf.JsonAtoms(atoms)


@pytest.mark.parametrize("user_agent", ["curl/8.0", 'evil" \\ agent\n{"status": 1}', "é\x00"])
def test_access_log_lines_are_json_whatever_the_headers(monkeypatch, user_agent):
    conf = load(monkeypatch)
    line = access_line(conf, user_agent)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["user_agent"] == user_agent
    assert entry["request_id"] == "req-1"
    assert entry["forwarded_for"] == "203.0.113.7"
    assert entry["status"] == 201
    assert entry["pid"] == os.getpid()
    assert entry["duration_ms"] == 15
    assert (entry["method"], entry["path"]) == ("POST", "/auth/register")


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/calendar/Ab-9_xY.ics", "/calendar/[secret].ics"),
        ("/okr/calendar/Ab-9_xY.ics", "/okr/calendar/[secret].ics"),
        ("/s/Ab-9_xY", "/s/[secret]"),
        ("/s/Ab-9_xY/badge.svg", "/s/[secret]/badge.svg"),
        ("/calendar/feed", "/calendar/feed"),
        ("/objectives/7/share", "/objectives/7/share"),
        ("/docs/swagger", "/docs/swagger"),
    ],
)
def test_no_feed_or_share_secret_reaches_the_access_log(monkeypatch, path, logged):
    """Whoever reads a log must not read a feed or a shared objective through it."""
    conf = load(monkeypatch)
    line = access_line(conf, "curl/8.0", path)
    assert json.loads(line)["path"] == logged
    assert "Ab-9_xY" not in line


def test_metric_files_are_wiped_at_start_and_dropped_per_worker(monkeypatch, tmp_path):
    directory = tmp_path / "metrics"
    conf = load(monkeypatch, PROMETHEUS_MULTIPROC_DIR=str(directory))
    conf.on_starting(server=None)
    assert directory.is_dir()
    (directory / "counter_11.db").write_bytes(b"old")
    (directory / "gauge_livesum_12.db").write_bytes(b"live")
    (directory / "gauge_livesum_13.db").write_bytes(b"live")
    conf.child_exit(server=None, worker=SimpleNamespace(pid=12))
    assert sorted(path.name for path in directory.iterdir()) == [
        "counter_11.db",
        "gauge_livesum_13.db",
    ]
    conf.on_starting(server=None)
    assert list(directory.iterdir()) == []


def test_without_metrics_directory_the_hooks_do_nothing(monkeypatch):
    conf = load(monkeypatch)
    conf.on_starting(server=None)
    conf.child_exit(server=None, worker=SimpleNamespace(pid=12))


def test_warns_when_several_workers_would_not_share_the_lockout(monkeypatch):
    conf = load(monkeypatch)
    monkeypatch.delenv("REDIS_URL", raising=False)
    warnings = []
    server = SimpleNamespace(
        cfg=SimpleNamespace(workers=3), log=SimpleNamespace(warning=lambda *a: warnings.append(a))
    )
    conf.when_ready(server)
    assert warnings and "REDIS_URL" in warnings[0][0]
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    warnings.clear()
    conf.when_ready(server)
    assert warnings == []


def compiled(app):
    """Return the names of the app's page templates Jinja has compiled and kept."""
    environment = app.jinja_env
    names = environment.list_templates(extensions=["html"])
    return {name for name in names if (weakref.ref(environment.loader), name) in environment.cache}


def test_each_worker_builds_what_its_app_builds_on_first_use_then_freezes_it(monkeypatch, tmp_path):
    conf = load(monkeypatch)
    app = create_app(make_config(f"sqlite:///{tmp_path}/warm.sqlite3"))
    assert compiled(app) == set()
    assert "okr_query_parameters" not in app.extensions
    gc.unfreeze()
    try:
        conf.post_worker_init(SimpleNamespace(wsgi=app))
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    # Every page's templates, the web interface's and the API docs', are compiled already.
    assert compiled(app) == set(app.jinja_env.list_templates(extensions=["html"]))
    assert {"dashboard.html", "swagger_ui.html"} <= compiled(app)
    # The table the API's request checks read, from the OpenAPI document.
    assert app.extensions["okr_query_parameters"][("/objectives", "GET")]


def test_a_bare_flask_app_served_with_these_settings_starts_too(monkeypatch):
    conf = load(monkeypatch)  # the benchmark's floor is one
    bare = Flask(__name__)
    gc.unfreeze()
    try:
        conf.post_worker_init(SimpleNamespace(wsgi=bare))
    finally:
        gc.unfreeze()
    assert "okr_query_parameters" not in bare.extensions
