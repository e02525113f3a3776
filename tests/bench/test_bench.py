"""The benchmark's own logic: parsing wrk's output, the report's shape, the profile summary.

The benchmark itself is run by hand (make bench); these checks are cheap and need no server.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import cpu, loadgen, profile, report, scenarios
from bench.client import _interleave

WRK_OUTPUT = """Running 15s test @ http://127.0.0.1:40000
  1 threads and 10 connections
  Latency Distribution
     50%   20.00ms
BENCH_JSON {"requests": 3000, "duration_us": 15000000, "bytes": 9000000, "connect": 0, \
"read": 1, "write": 0, "status": 2, "timeout": 0, "non2xx": 2, "last_error": "412 changed", \
"latency_us": {"mean": 21000.5, "max": 90000, "p50": 20000, "p90": 30000, "p95": 35000, \
"p99": 48123}}
"""


def test_parse_reads_rate_percentiles_and_errors():
    figures = loadgen.parse(WRK_OUTPUT)
    assert figures["rps"] == 200.0
    assert (figures["p50_ms"], figures["p95_ms"], figures["p99_ms"]) == (20.0, 35.0, 48.12)
    assert figures["errors"] == 3  # two non-2xx answers and one socket error
    assert figures["socket_error_kinds"] == {"read": 1}
    assert figures["last_error"] == "412 changed"


def complete_report():
    """Return a report with every key that latest.json promises."""
    figures = dict.fromkeys(report.FIGURES, 1)
    scenarios_ = {name: dict(figures) for name in report.SCENARIOS}
    for name in report.BESIDE_FLOOR:
        scenarios_[name]["ratio_to_floor"] = 0.5
    return {
        "machine": {"cores": 2},
        "config": {},
        "scenarios": scenarios_,
        "peak_rss_mb_per_worker": {"okr_app": 100.0},
        "scaling": {},
    }


def test_write_checks_the_shape(tmp_path):
    path = tmp_path / "latest.json"
    report.write(complete_report(), path)
    assert json.loads(path.read_text())["scenarios"]["get_stats"]["ratio_to_floor"] == 0.5
    broken = complete_report()
    del broken["scenarios"]["get_objectives"]["ratio_to_floor"]
    with pytest.raises(ValueError, match="ratio_to_floor"):
        report.write(broken, path)
    writes = complete_report()
    del writes["scenarios"]["post_check_in"]["ratio_to_floor"]
    with pytest.raises(ValueError, match="'post_check_in' lacks"):
        report.write(writes, path)


def test_table_has_a_row_per_scenario():
    text = report.table(complete_report())
    assert len(text.splitlines()) == 2 + len(report.SCENARIOS)


def test_writes_by_workers_stand_beside_the_floors_with_as_many_workers(tmp_path):
    mine = {
        "rps": 300.0,
        "p50_ms": 30.0,
        "p99_ms": 60.0,
        "errors": 0,
        "rps_rounds": [300.0],
        "cpu_us_per_request": {"workers": 4000, "postgres": 1500, "machine": 6600},
    }
    theirs = {
        **mine,
        "rps": 600.0,
        "p99_ms": 30.0,
        "errors": 1,
        "rps_rounds": [600.0],
        "cpu_us_per_request": {"workers": 1500, "postgres": 1400, "machine": 3300},
    }
    figures = scenarios.beside_floor_by_workers(mine, theirs)
    assert (figures["rps"], figures["ratio_to_floor"], figures["floor"]["rps"]) == (300, 0.5, 600)
    assert figures["floor"]["errors"] == 1
    machine_cpu = figures["cpu_us_per_request"]["machine"], figures["floor"]["cpu_us_per_request"]
    assert (machine_cpu[0], machine_cpu[1]["machine"]) == (6600, 3300)
    complete = {**complete_report(), "audited_writes_by_workers": {"10": figures}}
    lines = report.table(complete).splitlines()
    assert lines[-2].split() == ["writes", "10w", "300", "30", "-", "60", "0", "-", "0.5"]
    assert lines[-1].split() == ["floor", "writes", "10w", "600", "30", "-", "30", "1", "-"]
    del figures["floor"]
    with pytest.raises(ValueError, match="10 workers lack \\['floor'\\]"):
        report.write(complete, tmp_path / "latest.json")


def test_profile_summary_counts_only_busy_workers():
    worker = 'process 7:"/srv/app/.venv/bin/gunicorn";run (gunicorn/arbiter.py:1);'
    raw = (
        f"{worker}handle_request (gunicorn/workers/sync.py:2);dump (marshmallow/schema.py:3) 3\n"
        f"{worker}handle_request (gunicorn/workers/sync.py:2);"
        "execute (sqlalchemy/engine/base.py:4) 1\n"
        f"{worker}accept (gunicorn/workers/sync.py:5) 50\n"
    )
    text = profile.summarise(raw, "reads")
    assert "4 samples" in text
    assert "| marshmallow | 75% | 75% |" in text
    assert "| `dump (marshmallow/schema.py:3)` | 75% |" in text
    assert "/srv/app" not in text and "gunicorn/" not in text


def test_the_ratio_is_that_of_the_median_round():
    pairs = [({"rps": app}, {"rps": floor}) for app, floor in ((50, 100), (90, 100), (30, 100))]
    mine, theirs = scenarios.median_round(pairs)
    assert (mine["rps"], theirs["rps"], mine["ratio_to_floor"]) == (50, 100, 0.5)
    assert mine["ratio_rounds"] == [0.5, 0.9, 0.3]


def test_each_worker_count_reports_its_median_round():
    runs = [
        {"rps": rps, "p99_ms": rps / 10, "errors": errors}
        for rps, errors in ((120.0, 0), (80.0, 2), (100.0, 0))
    ]
    figures = scenarios.median_run(runs)
    assert (figures["rps"], figures["p99_ms"], figures["errors"]) == (100.0, 10.0, 2)
    assert figures["rps_rounds"] == [120.0, 80.0, 100.0]


def test_floor_comparison_ignores_keys_the_floor_lacks():
    assert scenarios._subset([{"id": 1}], [{"id": 1, "closing": None}])
    assert not scenarios._subset([{"id": 1}], [{"id": 2}])
    assert not scenarios._subset([{"id": 1}], [])
    assert scenarios._subset({"rate": 1.0001}, {"rate": 1.0})


def test_rows_are_interleaved_user_by_user():
    assert _interleave([[1, 2], [3], [4, 5]]) == [1, 3, 4, 2, 5]


def test_scaling_compares_each_read_at_both_sizes():
    light = {name: {"p50_ms": 10.0, "p99_ms": 20.0, "errors": 0} for name in report.READS}
    heavy = {name: {"p50_ms": 25.0, "p99_ms": 40.0, "errors": 1} for name in report.READS}
    counts = dict.fromkeys(report.READS, 4.0)
    figures = report.scaling({"1x": None, "10x": None}, light, heavy, counts, counts)
    assert figures["get_stats"] == {
        "1x_p50_ms": 10.0,
        "10x_p50_ms": 25.0,
        "1x_p99_ms": 20.0,
        "10x_p99_ms": 40.0,
        "latency_ratio": 2.5,
        "1x_queries": 4.0,
        "10x_queries": 4.0,
        "errors": 1,
    }


def test_the_benchmark_never_imports_the_tests():
    bench = Path(__file__).resolve().parents[2] / "bench"
    for module in bench.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name.split(".")[0] == "tests" for name in names), module


def test_the_dashboard_scenario_measures_a_signed_in_page(tmp_path):
    """bench/dashboard.py logs in through the form and times GET /app (on SQLite here)."""
    from bench import dashboard
    from okr_app import create_app
    from okr_app.demo.seed import seed
    from okr_app.extensions import db

    url = f"sqlite:///{tmp_path}/dashboard.sqlite3"
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        db.create_all()
        seed(users=1, objectives=10, days=10)
        db.session.commit()
        db.engine.dispose()
    figures = dashboard.measure(url, requests=2)
    assert figures["objectives"] == 2  # ten objectives over five periods: two this quarter
    assert figures["key_results"] == 8
    assert figures["queries_per_request"] >= 5 and figures["p50_ms"] > 0


def test_the_audit_verify_scenario_writes_a_trail_that_verifies(tmp_path):
    """bench/audit_verify.py's chains are hashed as the app hashes them (on SQLite here)."""
    from bench.audit_verify import chain_rows
    from okr_app import create_app
    from okr_app.audit import verification
    from okr_app.extensions import db
    from okr_app.models import AuditChainHead, AuditRow

    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/audit.sqlite3"})
    with app.app_context():
        db.create_all()
        for account in (1, 2, 3):
            rows = list(chain_rows(account, 4))
            db.session.execute(AuditRow.__table__.insert(), rows)
            last = rows[-1]
            head = {"seq": 4, "prev_hash": last["prev_hash"], "last_hash": last["hash"]}
            db.session.add(AuditChainHead(chain_key=account, **head))
        db.session.commit()
        report = verification.verify()
        assert (report.rows, report.chains, report.problems) == (12, 3, [])
        db.session.execute(AuditRow.__table__.update().where(AuditRow.id == 6).values(ip="x"))
        assert verification.verify().problems[0].startswith("chain 2: row id=6 seq=2")
        db.engine.dispose()


def test_the_cpu_meter_charges_each_group_its_own_processes():
    burn = (
        "import time\nend = time.process_time() + 0.4\nwhile time.process_time() < end: pass\n"
        "print('done', flush=True)\ntime.sleep(10)"
    )
    idle = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(10)"])
    busy = []
    groups = {"busy": lambda: [process.pid for process in busy], "idle": lambda: [idle.pid]}
    try:
        with cpu.CpuMeter(groups) as meter:
            # Started within the block, named only at its end: all its CPU counts.
            busy.append(
                subprocess.Popen([sys.executable, "-c", burn], stdout=subprocess.PIPE, text=True)
            )
            assert busy[0].stdout.readline() == "done\n"
        figures = meter.per_request(4)
    finally:
        for process in (idle, *busy):
            process.kill()
            process.wait()
    # 0.4 s of CPU (and the interpreter's start) over 4 requests: about 100 ms each.
    assert 95_000 <= figures["busy"] <= 150_000
    assert figures["idle"] < 10_000
    assert figures["machine"] >= figures["busy"]
    assert cpu.process_ticks(2**22 + 1) is None
