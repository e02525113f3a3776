"""Sample the gunicorn workers with py-spy under load, and summarise where the time goes."""

import re
import shutil
import subprocess
from collections import Counter

from bench.servers import BIN

#: Frames are told apart by the file they come from: ``name (path/to/file.py:line)``.
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^:]*):?\d*\)$")
LIBRARIES = (
    "okr_app",
    "sqlalchemy",
    "psycopg2",
    "marshmallow",
    "flask_smorest",
    "webargs",
    "flask_jwt_extended",
    "jwt",
    "flask_limiter",
    "limits",
    "redis",
    "prometheus_client",
    "flask",
    "werkzeug",
    "gunicorn",
    "logging",
    "json",
)


def py_spy():
    """Return the py-spy executable, or None when it is not installed."""
    candidate = BIN / "py-spy"
    return str(candidate) if candidate.exists() else shutil.which("py-spy")


def record(pid, seconds, output):
    """Sample ``pid`` and its worker processes for ``seconds`` into collapsed stacks."""
    command = [py_spy(), "record", "--pid", str(pid), "--subprocesses", "--nonblocking"]
    command += ["--duration", str(seconds), "--rate", "200", "--format", "raw"]
    command += ["--output", str(output)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def library(frame):
    """Return the library a frame belongs to, from its file path."""
    match = FRAME.match(frame)
    path = match.group("file") if match else frame
    parts = re.split(r"[/\\]", path)
    for name in LIBRARIES:
        if name in parts or path.startswith(name + "/") or path == name + ".py":
            return name
    return "other"


def summarise(raw_text, title, top=25):
    """Return a Markdown summary of collapsed stacks: per library, and the busiest functions."""
    inclusive, leaf, functions, total = Counter(), Counter(), Counter(), 0
    for line in raw_text.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        count = int(count)
        frames = stack.split(";")
        # Samples of idle workers (waiting for a connection) say nothing about a request.
        if not any("handle_request" in frame for frame in frames):
            continue
        total += count
        leaf[library(frames[-1])] += count
        for name in {library(frame) for frame in frames}:
            inclusive[name] += count
        for frame in set(frames):
            # The process (its command line) and gunicorn's loop are in every sample.
            if not frame.startswith("process ") and library(frame) != "gunicorn":
                functions[frame] += count
    if not total:
        return f"## {title}\n\nNo samples.\n"
    lines = [f"## {title}", "", f"{total} samples of workers handling a request.", ""]
    lines += ["| library | in the stack | on top (self) |", "| --- | ---: | ---: |"]
    for name, count in inclusive.most_common():
        lines.append(f"| {name} | {count / total:.0%} | {leaf[name] / total:.0%} |")
    lines += ["", "| function (inclusive) | share |", "| --- | ---: |"]
    for frame, count in functions.most_common(top):
        lines.append(f"| `{frame}` | {count / total:.0%} |")
    return "\n".join(lines) + "\n"


def page(result, text):
    """Return profile.md: what was sampled, on which machine, then the summaries."""
    machine = result["machine"]
    return (
        "# Where okr_app's time goes on the read scenarios\n\n"
        f"py-spy samples (200 Hz) of every gunicorn worker under the read load, on "
        f"{machine['cores']} cores of {machine['cpu']}. Written by `make bench`.\n\n" + text
    )
