"""Start and stop the real servers on loopback: Redis, gunicorn and nginx.

The benchmark and the end-to-end tests (tests/e2e) both run them. Every wait is bounded by
time, and every process is started in its own process group so that stopping it never
touches anything the caller did not start.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LOOPBACK = "127.0.0.1"


def free_port():
    """Return a TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def wait_until(check, timeout, what):
    """Call ``check`` until it returns a true value; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {timeout} s")
        time.sleep(0.05)


def port_open(port):
    """Tell whether something accepts connections on ``port``."""
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((LOOPBACK, port)) == 0


class Process:
    """A child process in its own group, with its output in a log file."""

    def __init__(self, name, command, log_path, env=None, cwd=ROOT):
        self.name = name
        self.command = [str(part) for part in command]
        self.log_path = Path(log_path)
        self.env = env
        self.cwd = cwd
        self.popen = None

    def start(self):
        """Start the process; its output goes to the log file."""
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(
                self.command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,
            )
        return self

    @property
    def pid(self):
        """Return the process id."""
        return self.popen.pid

    def running(self):
        """Tell whether the process is still alive."""
        return self.popen is not None and self.popen.poll() is None

    def stop(self, timeout=15):
        """Stop the process group: SIGTERM, then SIGKILL after ``timeout`` seconds."""
        if not self.running():
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(5)

    def log(self):
        """Return what the process wrote so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class RedisServer(Process):
    """A private ``redis-server`` that keeps nothing on disk."""

    def __init__(self, directory, port=None):
        self.port = port or free_port()
        command = [
            shutil.which("redis-server"),
            "--port",
            self.port,
            "--bind",
            LOOPBACK,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            directory,
        ]
        super().__init__("redis", command, Path(directory) / f"redis-{self.port}.log")

    @property
    def url(self):
        """Return the ``redis://`` URL of this server."""
        return f"redis://{LOOPBACK}:{self.port}/0"

    def start(self):
        """Start Redis and wait until it answers PING."""
        super().start()
        wait_until(self.answers, 10, f"redis on port {self.port}")
        return self

    def answers(self):
        """Tell whether the server answers PING."""
        try:
            with socket.create_connection((LOOPBACK, self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False


class Gunicorn(Process):
    """gunicorn serving ``target`` with deploy/gunicorn.conf.py, as deployed."""

    def __init__(
        self, directory, env, workers=3, *, name="gunicorn", target="wsgi:app", startup=30
    ):
        self.port = free_port()
        env = {
            **env,
            "GUNICORN_BIND": f"{LOOPBACK}:{self.port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_TIMEOUT": "30",
            "GUNICORN_GRACEFUL_TIMEOUT": "5",
        }
        command = [BIN / "gunicorn", "-c", ROOT / "deploy" / "gunicorn.conf.py", target]
        super().__init__(name, command, Path(directory) / f"{name}.log", env=env)
        self.workers = workers
        self.startup = startup

    @property
    def url(self):
        """Return the ``http://`` URL of this server."""
        return f"http://{LOOPBACK}:{self.port}"

    def start(self):
        """Start gunicorn and wait until all its workers run and it answers."""
        super().start()
        workers_up = lambda: len(self.worker_pids()) == self.workers  # noqa: E731
        wait_until(workers_up, self.startup, f"{self.name} workers")
        wait_until(lambda: port_open(self.port), 30, f"{self.name} on port {self.port}")
        # Each worker builds its own app after the fork (preload_app is off): measuring
        # before they all have would time their start-up, not their requests.
        wait_until(self.workers_idle, self.startup, f"{self.name} workers to finish starting")
        return self

    def workers_idle(self, pause=0.3):
        """Tell whether no worker used any CPU time during ``pause`` seconds (none loading)."""
        before = self.workers_cpu_ticks()
        time.sleep(pause)
        after = self.workers_cpu_ticks()
        return len(before) == self.workers and before == after

    def workers_cpu_ticks(self):
        """Return ``{pid: user + system clock ticks}`` of the master's workers."""
        ticks = {}
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks[pid] = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        return ticks

    def worker_pids(self):
        """Return the pids of the master's worker processes."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def peak_rss_mb(self):
        """Return each worker's peak resident memory so far (VmHWM), in MiB."""
        peaks = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(round(int(line.split()[1]) / 1024, 1))
        return peaks


class Nginx(Process):
    """nginx with deploy/nginx.conf, rewritten for loopback ports and a private prefix."""

    def __init__(self, directory, upstream_port, metrics_allowed=LOOPBACK):
        """``upstream_port`` is one port, or a list of them: one upstream, several hosts."""
        self.port = free_port()
        self.prefix = Path(directory) / "nginx"
        self.prefix.mkdir()
        config = self.prefix / "nginx.conf"
        source = (ROOT / "deploy" / "nginx.conf").read_text()
        config.write_text(
            render_nginx_config(source, self.prefix, self.port, upstream_port, metrics_allowed)
        )
        command = [shutil.which("nginx"), "-p", self.prefix, "-c", config, "-e", "stderr"]
        super().__init__("nginx", command, Path(directory) / "nginx.log")

    def start(self):
        """Start nginx in the foreground and wait until it accepts connections."""
        super().start()
        wait_until(lambda: port_open(self.port), 15, f"nginx on port {self.port}")
        return self


def render_nginx_config(source, prefix, port, upstream_port, metrics_allowed):
    """Return deploy/nginx.conf with loopback ports, paths under ``prefix`` and no daemon."""
    replacements = {
        "user nginx;": "user root;" if os.geteuid() == 0 else "",
        "pid /var/run/nginx.pid;": f"pid {prefix}/nginx.pid;\ndaemon off;",
        "listen 80;": f"listen {LOOPBACK}:{port};",
        "server api:8000;": "\n        ".join(
            f"server {LOOPBACK}:{each};"
            for each in (upstream_port if isinstance(upstream_port, list) else [upstream_port])
        ),
        "allow 127.0.0.0/8;": f"allow {metrics_allowed};",
        "http {": "http {\n"
        + "".join(
            f"    {kind}_temp_path {prefix}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        ),
    }
    for old, new in replacements.items():
        if source.count(old) != 1:
            raise AssertionError(f"deploy/nginx.conf no longer has exactly one {old!r}")
        source = source.replace(old, new)
    return source
