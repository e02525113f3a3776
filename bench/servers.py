"""Start and stop the benchmark's servers on loopback: a private Redis and gunicorn.

Each process runs in its own process group, so stopping it touches nothing else, and every
wait is bounded in time.
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
    while not (result := check()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {timeout} s")
        time.sleep(0.05)
    return result


def port_open(port):
    """Tell whether something accepts connections on ``port``."""
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((LOOPBACK, port)) == 0


class Process:
    """A child process in its own group, writing to a log file."""

    def __init__(self, name, command, log_path, env=None):
        self.name = name
        self.command = [str(part) for part in command]
        self.log_path = Path(log_path)
        self.env = env
        self.popen = None

    def start(self):
        """Start the process."""
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(
                self.command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                cwd=ROOT,
                start_new_session=True,
            )
        return self

    def stop(self, timeout=15):
        """Stop the process group: SIGTERM, then SIGKILL after ``timeout`` seconds."""
        if self.popen is None or self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(5)


class Redis(Process):
    """A private ``redis-server`` that keeps nothing on disk."""

    def __init__(self, directory):
        self.port = free_port()
        command = [shutil.which("redis-server") or "redis-server", "--port", self.port]
        command += ["--bind", LOOPBACK, "--save", "", "--appendonly", "no", "--dir", directory]
        super().__init__("redis", command, Path(directory) / "redis.log")
        self.url = f"redis://{LOOPBACK}:{self.port}/0"

    def start(self):
        """Start Redis and wait until it accepts connections."""
        super().start()
        wait_until(lambda: port_open(self.port), 10, "redis")
        return self


class Gunicorn(Process):
    """gunicorn with deploy/gunicorn.conf.py serving ``target``, as deployed."""

    def __init__(self, name, target, directory, env, workers):
        self.port = free_port()
        self.workers = workers
        env = {
            **env,
            "GUNICORN_BIND": f"{LOOPBACK}:{self.port}",
            "GUNICORN_WORKERS": str(workers),
        }
        command = [BIN / "gunicorn", "-c", ROOT / "deploy" / "gunicorn.conf.py", target]
        super().__init__(name, command, Path(directory) / f"{name}.log", env=env)
        self.url = f"http://{LOOPBACK}:{self.port}"

    def start(self):
        """Start gunicorn and wait until every worker runs and it answers."""
        super().start()
        wait_until(lambda: len(self.worker_pids()) == self.workers, 60, f"{self.name} workers")
        wait_until(lambda: port_open(self.port), 30, f"{self.name} on port {self.port}")
        return self

    def worker_pids(self):
        """Return the pids of the master's worker processes."""
        children = Path(f"/proc/{self.popen.pid}/task/{self.popen.pid}/children")
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
