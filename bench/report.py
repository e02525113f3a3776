"""The benchmark's report: the machine, a table on stdout and ``bench/results/latest.json``."""

import json
import os
import platform
import subprocess
from pathlib import Path

#: The figures every scenario carries, in the order of the table.
FIGURES = ("rps", "p50_ms", "p95_ms", "p99_ms", "errors", "queries_per_request")
SCENARIOS = (
    "get_objectives",
    "get_stats",
    "post_check_in",
    "patch_objective",
    "login",
    "mixed",
)
READS = ("get_objectives", "get_stats")
#: Scenarios measured beside the floor, each with its ``ratio_to_floor``.
BESIDE_FLOOR = (*READS, "post_check_in")
#: What each worker count of ``audited_writes_by_workers`` carries.
BY_WORKERS = ("rps", "p99_ms", "ratio_to_floor", "floor")


def machine(postgres_version):
    """Describe the machine the figures come from."""
    return {
        "cpu": _cpu_model(),
        "cores": len(os.sched_getaffinity(0)),
        "memory_gb": round(_meminfo_kib("MemTotal") / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgres": postgres_version,
        "redis": _first_line(["redis-server", "--version"]),
        "wrk": _first_line(["wrk", "--version"]),
    }


def _cpu_model():
    """Return the CPU model name from /proc/cpuinfo."""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _meminfo_kib(name):
    """Return one /proc/meminfo value in KiB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0


def _first_line(command):
    """Return the first line a command prints, or None when it cannot run."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return None
    return (result.stdout or result.stderr).strip().splitlines()[0]


def table(report):
    """Return the scenarios as a fixed-width text table."""
    header = f"{'scenario':<21}" + "".join(f"{name:>21}" for name in (*FIGURES, "ratio_to_floor"))
    rows = [header, "-" * len(header)]
    for name, figures in report["scenarios"].items():
        rows.append(_row(name, figures, (*FIGURES, "ratio_to_floor")))
    for name, figures in report.get("floor", {}).items():
        rows.append(_row(f"floor {name}", figures, FIGURES))
    for count, figures in report.get("audited_writes_by_workers", {}).items():
        rows.append(_row(f"writes {count}w", figures, (*FIGURES, "ratio_to_floor")))
        rows.append(_row(f"floor writes {count}w", figures["floor"], FIGURES))
    return "\n".join(rows)


def _row(label, figures, keys):
    """Return one line of the table: ``label``, then ``figures``' values of ``keys``."""
    return f"{label:<21}" + "".join(f"{_cell(figures.get(key)):>21}" for key in keys)


def _cell(value):
    """Format one table cell."""
    return "-" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def check_shape(report):
    """Raise ValueError when the report lacks a key that readers of latest.json rely on."""
    for key in ("machine", "config", "scenarios", "peak_rss_mb_per_worker", "scaling"):
        if key not in report:
            raise ValueError(f"the report has no {key!r}")
    for name in SCENARIOS:
        figures = report["scenarios"].get(name)
        if figures is None:
            raise ValueError(f"the report has no scenario {name!r}")
        missing = [key for key in FIGURES if key not in figures]
        if name in BESIDE_FLOOR and "ratio_to_floor" not in figures:
            missing.append("ratio_to_floor")
        if missing:
            raise ValueError(f"scenario {name!r} lacks {missing}")
    for count, figures in report.get("audited_writes_by_workers", {}).items():
        missing = [key for key in BY_WORKERS if key not in figures]
        if missing:
            raise ValueError(f"audited writes with {count} workers lack {missing}")


def write(report, path):
    """Check the report's shape and write it as indented JSON."""
    check_shape(report)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")


def scaling(sizes, light, heavy_light, counts, heavy_counts):
    """Compare one request's latency and statements at 1x and at the larger history."""
    small, large = list(sizes)
    return {
        name: {
            f"{small}_p50_ms": light[name]["p50_ms"],
            f"{large}_p50_ms": heavy_light[name]["p50_ms"],
            f"{small}_p99_ms": light[name]["p99_ms"],
            f"{large}_p99_ms": heavy_light[name]["p99_ms"],
            "latency_ratio": round(heavy_light[name]["p50_ms"] / light[name]["p50_ms"], 2),
            f"{small}_queries": counts[name],
            f"{large}_queries": heavy_counts[name],
            "errors": light[name]["errors"] + heavy_light[name]["errors"],
        }
        for name in READS
    }
