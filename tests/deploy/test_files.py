"""The Dockerfile, docker-compose.yml, nginx.conf and entrypoint agree with the app and gunicorn.

No Docker engine runs here, so these files are checked by parsing them.
"""

import configparser
import fnmatch
import os
import re
import runpy
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bench.servers import free_port, render_nginx_config
from okr_app.config import DEFAULTS

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


@pytest.fixture(scope="module")
def compose():
    """Return docker-compose.yml, parsed."""
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile():
    """Return the Dockerfile's instructions as ``(stage, keyword, argument)`` tuples."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    instructions, stage = [], -1
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, argument = line.partition(" ")
        if keyword.upper() == "FROM":
            stage += 1
        instructions.append((stage, keyword.upper(), argument.strip()))
    return instructions


@pytest.fixture(scope="module")
def nginx():
    """Return deploy/nginx.conf without comments."""
    return re.sub(r"#.*", "", (DEPLOY / "nginx.conf").read_text())


def final_stage(dockerfile):
    """Return the instructions of the last stage."""
    last = dockerfile[-1][0]
    return [(keyword, argument) for stage, keyword, argument in dockerfile if stage == last]


def gunicorn_port():
    """Return the port of gunicorn's default bind."""
    conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    return int(conf["bind"].rsplit(":", 1)[1])


def test_dockerfile_builds_wheels_then_runs_slim_and_unprivileged(dockerfile):
    stages = [argument for _, keyword, argument in dockerfile if keyword == "FROM"]
    assert len(stages) >= 2
    assert all(re.match(r"python:3\.1[12]-slim", stage) for stage in stages)
    assert any("pip wheel" in argument for stage, _, argument in dockerfile if stage == 0)
    final = final_stage(dockerfile)
    runs = " ".join(argument for keyword, argument in final if keyword == "RUN")
    assert "--no-index" in runs
    for compiler in ("build-essential", "gcc", "apt-get install"):
        assert compiler not in runs
    users = [argument for keyword, argument in final if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")


def test_dockerfile_copies_only_files_that_exist_and_are_not_ignored(dockerfile):
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for _stage, keyword, argument in dockerfile:
        if keyword != "COPY" or argument.startswith("--from"):
            continue
        *sources, _target = shlex.split(argument)
        for source in sources:
            assert (ROOT / source).exists(), source
            assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source
    for secret_or_bulk in (".env", ".git", ".venv", "instance", "tests"):
        assert secret_or_bulk in ignored


def test_healthcheck_asks_health_with_python_on_gunicorns_port(dockerfile):
    final = dict(final_stage(dockerfile))
    assert "urllib.request" in final["HEALTHCHECK"]
    assert "/health" in final["HEALTHCHECK"]
    assert "curl" not in final["HEALTHCHECK"]
    env = dict(re.findall(r"(\w+)=(\S+)", final["ENV"]))
    assert int(env["GUNICORN_BIND"].rsplit(":", 1)[1]) == gunicorn_port()
    assert int(final["EXPOSE"]) == gunicorn_port()
    assert final["ENTRYPOINT"] == '["deploy/entrypoint.sh"]'


def test_entrypoint_migrates_once_then_execs_gunicorn_with_the_config():
    script = DEPLOY / "entrypoint.sh"
    assert os.access(script, os.X_OK)
    commands = [line.strip() for line in script.read_text().splitlines()]
    upgrade = commands.index("flask --app wsgi db upgrade")
    start = commands.index("exec gunicorn -c deploy/gunicorn.conf.py wsgi:app")
    assert upgrade < start


def test_compose_has_the_five_services_gated_on_health(compose):
    services = compose["services"]
    assert set(services) == {"api", "worker", "postgres", "redis", "nginx"}
    for name in ("postgres", "redis", "nginx"):
        assert services[name]["healthcheck"]["test"]
    assert services["api"]["build"] == "."  # its health check is the image's HEALTHCHECK
    for name in ("api", "nginx"):
        for condition in services[name]["depends_on"].values():
            assert condition == {"condition": "service_healthy"}
    assert set(services["api"]["depends_on"]) == {"postgres", "redis"}
    assert set(services["nginx"]["depends_on"]) == {"api"}
    for name in ("postgres", "redis"):
        volume = services[name]["volumes"][0].split(":")[0]
        assert volume in compose["volumes"]


def test_compose_wires_the_api_to_its_neighbours(compose):
    environment = compose["services"]["api"]["environment"]
    assert re.fullmatch(
        r"postgresql://okr:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432/okr",
        environment["DATABASE_URL"],
    )
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["OKR_TRUSTED_PROXIES"] == "1"  # nginx is the one hop
    assert int(environment["GUNICORN_BIND"].rsplit(":", 1)[1]) == gunicorn_port()
    assert compose["services"]["api"]["expose"] == [str(gunicorn_port())]


def test_compose_never_holds_a_literal_secret(compose):
    api = compose["services"]["api"]["environment"]
    postgres = compose["services"]["postgres"]["environment"]
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", api["SECRET_KEY"])
    assert re.fullmatch(r"\$\{POSTGRES_PASSWORD:\?[^}]+\}", postgres["POSTGRES_PASSWORD"])


def test_compose_nginx_serves_the_repository_config(compose, nginx):
    service = compose["services"]["nginx"]
    source, target, _mode = service["volumes"][0].split(":")
    assert (ROOT / source).resolve() == DEPLOY / "nginx.conf"
    assert target == "/etc/nginx/nginx.conf"
    _published, container = service["ports"][0].rsplit(":", 1)
    assert re.search(rf"listen {container};", nginx)
    assert re.search(rf"server api:{gunicorn_port()};", nginx)


def test_nginx_matches_the_apps_limits_and_trust(nginx):
    size = re.search(r"client_max_body_size (\d+)k;", nginx)
    assert int(size.group(1)) * 1024 == DEFAULTS["OKR_MAX_BODY_BYTES"]
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
    assert "proxy_set_header X-Forwarded-Proto $okr_forwarded_proto;" in nginx
    assert "proxy_set_header X-Request-ID $okr_request_id;" in nginx
    assert re.search(r"gzip_types[^;]*application/json", nginx)
    for header in ("X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy"):
        assert f"add_header {header}" in nginx
    assert re.search(r"proxy_read_timeout (\d+)s;", nginx).group(1) == str(
        runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["timeout"]
    )


def test_nginx_keeps_metrics_to_internal_networks(nginx):
    block = re.search(r"location /metrics \{(.*?)\}", nginx, re.S).group(1)
    rules = re.findall(r"(allow|deny) ([^;]+);", block)
    assert rules[-1] == ("deny", "all")
    for _rule, network in rules[:-1]:
        assert network.startswith(("127.", "10.", "172.16.", "192.168.", "::1"))


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed")
def test_nginx_accepts_the_config(tmp_path):
    config = tmp_path / "nginx.conf"
    source = (DEPLOY / "nginx.conf").read_text()
    config.write_text(render_nginx_config(source, tmp_path, free_port(), 8000, "127.0.0.1"))
    result = subprocess.run(
        [shutil.which("nginx"), "-t", "-p", str(tmp_path), "-c", str(config), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_systemd_unit_migrates_then_runs_gunicorn_with_the_config():
    unit = configparser.ConfigParser(interpolation=None, strict=True)
    unit.optionxform = str  # systemd keys are case-sensitive
    unit.read(DEPLOY / "okr-tracker.service")
    service = unit["Service"]
    root = service["WorkingDirectory"]
    assert service["ExecStartPre"] == f"{root}/.venv/bin/flask --app wsgi db upgrade"
    assert service["ExecStart"] == (
        f"{root}/.venv/bin/gunicorn -c deploy/gunicorn.conf.py wsgi:app"
    )
    assert service["User"] != "root"
    # The metrics directory is the runtime directory, so it exists before the migration.
    metrics = service["Environment"].split("=", 1)[1]
    assert metrics == f"/run/{service['RuntimeDirectory']}"
    graceful = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["graceful_timeout"]
    assert int(service["TimeoutStopSec"]) > graceful


def test_compose_runs_the_worker_beside_the_api_on_the_same_settings(compose):
    services = compose["services"]
    worker, api = services["worker"], services["api"]
    assert worker["build"] == api["build"] == "."
    assert worker["command"] == ["flask", "--app", "wsgi", "worker"]
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
        assert worker["environment"][name] == api["environment"][name]
    # After the api is healthy: its entrypoint has migrated the database by then.
    assert worker["depends_on"] == {
        name: {"condition": "service_healthy"} for name in ("postgres", "redis", "api")
    }
    assert worker["healthcheck"] == {"disable": True}  # the image's check asks gunicorn
    grace = int(worker["stop_grace_period"].rstrip("s"))
    assert grace > DEFAULTS["OKR_WEBHOOK_TIMEOUT_SECONDS"]


def test_compose_lets_gunicorn_finish_its_requests_before_a_kill(compose):
    grace = int(compose["services"]["api"]["stop_grace_period"].rstrip("s"))
    assert grace > runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["graceful_timeout"]


def test_systemd_worker_unit_runs_flask_worker_and_stops_gracefully():
    unit = configparser.ConfigParser(interpolation=None, strict=True)
    unit.optionxform = str
    unit.read(DEPLOY / "okr-tracker-worker.service")
    api = configparser.ConfigParser(interpolation=None, strict=True)
    api.optionxform = str
    api.read(DEPLOY / "okr-tracker.service")
    service = unit["Service"]
    root = service["WorkingDirectory"]
    assert service["ExecStart"] == f"{root}/.venv/bin/flask --app wsgi worker"
    for key in ("User", "Group", "WorkingDirectory", "EnvironmentFile", "ReadWritePaths"):
        assert service[key] == api["Service"][key]
    assert service["User"] != "root"
    assert service["KillSignal"] == "SIGTERM" and service["KillMode"] == "mixed"
    assert int(service["TimeoutStopSec"]) > DEFAULTS["OKR_WEBHOOK_TIMEOUT_SECONDS"]
    assert "okr-tracker.service" in unit["Unit"]["After"]  # which migrates first
