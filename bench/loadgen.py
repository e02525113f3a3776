"""Drive a server with wrk and the Lua scripts in bench/wrk/; turn its output into figures."""

import contextlib
import json
import subprocess

from bench.servers import ROOT

SCRIPTS = ROOT / "bench" / "wrk"
MARKER = "BENCH_JSON "
#: wrk's counters of requests that got no answer.
SOCKET_ERRORS = ("connect", "read", "write", "timeout")


class Load:
    """How hard and how long to drive: wrk threads, connections, warm-up and duration."""

    def __init__(self, threads, connections, warmup, duration):
        self.threads = threads
        self.connections = connections
        self.warmup = warmup
        self.duration = duration


def run_wrk(
    url,
    script,
    data_file,
    load,
    *extra,
    pause_ms=0,
    connections=None,
    warm=True,
    warmup_file=None,
    meter=None,
):
    """Warm up, then run ``script`` for the measured duration; return the parsed figures.

    The warm-up reads ``warmup_file`` when given, else the measured run's data. ``meter``,
    a context manager (``bench.cpu.CpuMeter``), is entered around the measured run only.
    """
    connections = connections or load.connections
    threads = min(load.threads, connections)
    if warm and load.warmup:
        warmup_data = warmup_file or data_file
        _wrk(url, script, warmup_data, threads, connections, load.warmup, pause_ms, extra)
    with meter or contextlib.nullcontext():
        output = _wrk(url, script, data_file, threads, connections, load.duration, pause_ms, extra)
    result = parse(output)
    result["connections"] = connections
    return result


def _wrk(url, script, data_file, threads, connections, seconds, pause_ms, extra):
    """Run wrk once and return what it printed."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(SCRIPTS / script),
        url,
        "--",
        str(data_file),
        str(threads),
        str(pause_ms),
        *map(str, extra),
    ]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False, cwd=ROOT
    )
    if completed.returncode != 0 or MARKER not in completed.stdout:
        raise RuntimeError(
            f"wrk failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}"
        )
    return completed.stdout


def parse(output):
    """Return requests per second, latency percentiles in ms and error counts from wrk's output.

    ``errors`` adds up every request that did not get a 2xx answer: non-2xx statuses and
    socket errors (connect, read, write, timeout).
    """
    line = next(line for line in output.splitlines() if line.startswith(MARKER))
    raw = json.loads(line[len(MARKER) :])
    latency = raw["latency_us"]
    socket_errors = sum(raw[kind] for kind in SOCKET_ERRORS)
    seconds = raw["duration_us"] / 1e6
    return {
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(latency["p50"] / 1000, 2),
        "p95_ms": round(latency["p95"] / 1000, 2),
        "p99_ms": round(latency["p99"] / 1000, 2),
        "mean_ms": round(latency["mean"] / 1000, 2),
        "errors": raw["non2xx"] + socket_errors,
        "requests": raw["requests"],
        "socket_errors": socket_errors,
        "socket_error_kinds": {kind: raw[kind] for kind in SOCKET_ERRORS if raw[kind]},
        "non_2xx": raw["non2xx"],
        "last_error": raw["last_error"],
    }
