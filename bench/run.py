"""``make bench``: okr_app under load beside the floor, on fresh PostgreSQL databases.

    python -m bench.run [--users 200 --objectives 20 --days 90 --workers N ...]
    BENCH_QUICK=1 python -m bench.run     # a smoke run of about a minute

Prints a table and writes bench/results/latest.json (and profile.md beside it).
"""

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import client, cpu, profile, queries, report, scenarios, workers
from bench.database import Database
from bench.loadgen import Load
from bench.servers import ROOT, Gunicorn, RedisServer

RESULTS = ROOT / "bench" / "results"
#: Raised for the run only: one client sends far more than a person would. The password
#: hash cost and the lockout stay as configured.
RATE_LIMIT = "1000000 per minute"
#: Long enough for the whole run; a token's checks are the same whatever its lifetime.
TOKEN_SECONDS = 7200


def arguments(argv=None):
    """Parse the command line; BENCH_QUICK=1 shrinks every default."""
    quick = os.environ.get("BENCH_QUICK") == "1"
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20 if quick else 200)
    parser.add_argument("--objectives", type=int, default=20)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--scale", type=int, default=10, help="history factor of the scaling run")
    parser.add_argument("--workers", type=int, default=None, help="default: as deployed")
    parser.add_argument("--connections", type=int, default=None, help="default: 2 x workers")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--duration", type=int, default=3 if quick else 15)
    parser.add_argument("--warmup", type=int, default=1 if quick else 3)
    parser.add_argument(
        "--rounds", type=int, default=1 if quick else 5, help="okr_app/floor pairs per read"
    )
    parser.add_argument("--profile-seconds", type=int, default=0 if quick else 10)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    parsed = parser.parse_args(argv)
    parsed.quick = quick
    parsed.workers = parsed.workers or 2 * len(os.sched_getaffinity(0)) + 1
    parsed.connections = parsed.connections or 2 * parsed.workers
    return parsed


def main(argv=None):
    """Run the benchmark and write the report."""
    options = arguments(argv)
    scratch = Path(tempfile.mkdtemp(prefix="okr-bench-"))
    try:
        result = Bench(options, scratch).run()
    except BaseException:
        print(f"The benchmark failed; the servers' logs are in {scratch}", file=sys.stderr)
        raise
    failed = sum(
        figures["errors"] for group in ("scenarios", "floor") for figures in result[group].values()
    )
    for figures in result["audited_writes_by_workers"].values():
        failed += figures["errors"] + figures["floor"]["errors"]
    if failed:
        print(f"{failed} requests failed; the servers' logs are in {scratch}", file=sys.stderr)
    else:
        shutil.rmtree(scratch)
    print(report.table(result))
    print(f"\nWrote {options.output}")


class Bench:
    """One run: its databases, servers and figures."""

    def __init__(self, options, directory):
        self.options = options
        self.directory = directory
        self.load = Load(options.wrk_threads, options.connections, options.warmup, options.duration)
        self.databases, self.servers = [], []

    def run(self):
        """Prepare, measure and write the report; always stop and drop what was started."""
        try:
            return self._measure()
        finally:
            for server in reversed(self.servers):
                server.stop()
            for database in self.databases:
                database.drop()

    def _measure(self):
        options, started = self.options, time.monotonic()
        heavy_users = max(2, options.users // options.scale)
        sizes = {
            "1x": (options.users, options.objectives, options.days),
            f"{options.scale}x": (heavy_users, options.objectives * options.scale, options.days),
        }
        redis = self._start(RedisServer(self.directory))
        env = {
            **os.environ,
            "REDIS_URL": redis.url,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "OKR_API_RATE_LIMIT": RATE_LIMIT,
            "OKR_ACCESS_TOKEN_SECONDS": str(TOKEN_SECONDS),
            "PROMETHEUS_MULTIPROC_DIR": str(self._folder("metrics")),
        }
        seeds = {}
        for label, (users, objectives, days) in sizes.items():
            database = Database(options.postgres, label.lower()).create()
            self.databases.append(database)
            seeds[label] = database.prepare(env, users, objectives, days)
        one, many = self.databases
        app = self._gunicorn("okr_app", "wsgi:app", env, one)
        floor = self._gunicorn("floor", "bench.floor_app:app", env, one)
        files = client.prepare(app.url, options.users, self._folder("1x"))
        token, key_result_id = _first_row(files["check_ins"])
        agrees = scenarios.floor_agrees(app, floor, token, int(key_result_id))
        results, floor_results = scenarios.reads(app, floor, files, self.load, options.rounds)
        # What the servers share, metered beside their workers in the audited writes.
        shared = {"postgres": lambda: cpu.named_pids("postgres"), "redis": lambda: [redis.pid]}
        light = scenarios.unloaded(app, files, self.load)
        half = scenarios.half_load(app, files, self.load, results, light)
        profile_text = None
        if options.profile_seconds and profile.py_spy():
            profile_text = scenarios.profiled(
                app, files, self.load, options.profile_seconds, self.directory
            )
        results["post_check_in"], floor_results["post_check_in"] = (
            scenarios.audited_writes_beside_floor(
                app,
                floor,
                files,
                self.load,
                options.rounds,
                shared=shared,
            )
        )
        results.update(scenarios.writes(app, files, self.load, options.workers))
        rss = {"okr_app": app.peak_rss_mb(), "floor": floor.peak_rss_mb()}
        app.stop()
        floor.stop()
        writes_by_workers = workers.measure(
            lambda name, target, count: self._gunicorn(name, target, env, one, count),
            self.load,
            files,
            options.rounds,
            shared,
            options.workers,
        )
        heavy = self._gunicorn("okr_app_heavy", "wsgi:app", env, many)
        heavy_files = client.prepare(heavy.url, heavy_users, self._folder("heavy"))
        heavy_light = scenarios.unloaded(heavy, heavy_files, self.load)
        heavy.stop()
        counts = queries.count_queries(_app_settings(env, one))
        heavy_counts = queries.count_queries(_app_settings(env, many))
        for name, figures in results.items():
            figures["queries_per_request"] = counts[name]
        result = {
            "machine": report.machine(_postgres_version(one)),
            "config": self._config(sizes, seeds),
            "scenarios": results,
            "floor": floor_results,
            "floor_matches_app": agrees,
            "half_peak_reads": half,
            "peak_rss_mb_per_worker": {name: max(values) for name, values in rss.items()},
            "peak_rss_mb_workers": rss,
            "scaling": report.scaling(sizes, light, heavy_light, counts, heavy_counts),
            "audited_writes_per_second": results["post_check_in"]["rps"],
            "audited_writes_by_workers": writes_by_workers,
            "logins_per_second_per_core": round(
                results["login"]["rps"] / len(os.sched_getaffinity(0)), 1
            ),
            "seconds": round(time.monotonic() - started),
        }
        report.write(result, options.output)
        if profile_text:
            (options.output.parent / "profile.md").write_text(profile.page(result, profile_text))
        return result

    def _start(self, server):
        """Start ``server`` and remember to stop it."""
        self.servers.append(server)
        return server.start()

    def _gunicorn(self, name, target, env, database, workers=None):
        """Start gunicorn for ``target`` on ``database`` with the deployed settings."""
        # Each server empties its own metrics folder when it starts (deploy/gunicorn.conf.py).
        metrics = self._folder(f"metrics-{name}")
        env = {**env, "DATABASE_URL": database.url, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
        gunicorn = Gunicorn(
            self.directory,
            env,
            workers or self.options.workers,
            name=name,
            target=target,
            startup=60,
        )
        return self._start(gunicorn)

    def _folder(self, name):
        """Return a new scratch folder."""
        folder = self.directory / name
        folder.mkdir()
        return folder

    def _config(self, sizes, seeds):
        """Describe what was run, and every setting changed for the run."""
        options = self.options
        return {
            "quick": options.quick,
            "data": {
                label: {
                    "users": u,
                    "objectives_per_user": o,
                    "key_results_per_objective": 4,
                    "days": d,
                }
                for label, (u, o, d) in sizes.items()
            },
            "seed_seconds": seeds,
            "gunicorn": {
                "config": "deploy/gunicorn.conf.py",
                "workers": options.workers,
                "threads": int(os.environ.get("GUNICORN_THREADS") or 1),
            },
            "wrk": {
                "threads": options.wrk_threads,
                "connections": options.connections,
                "login_connections": options.workers,
                "writes_by_workers_connections": workers.plan(options.workers)[1],
            },
            "duration_seconds": options.duration,
            "read_rounds": options.rounds,
            "warmup_seconds": options.warmup,
            "overrides": {
                "OKR_API_RATE_LIMIT": RATE_LIMIT,
                "OKR_ACCESS_TOKEN_SECONDS": TOKEN_SECONDS,
            },
            "unchanged": "argon2id cost, login lockout and address throttle as configured",
            "redis": "a private redis-server (limiter storage and lockout, as deployed)",
            "queries_per_request": queries.__doc__.split("\n\n")[1].replace("\n", " "),
        }


def _app_settings(env, database):
    """Return the settings of an in-process app on ``database``, as the servers run."""
    return {
        "DATABASE_URL": database.url,
        "REDIS_URL": env["REDIS_URL"],
        "SECRET_KEY": env["SECRET_KEY"],
        "OKR_API_RATE_LIMIT": RATE_LIMIT,
    }


def _first_row(path):
    """Return the fields of a data file's first row."""
    return path.read_text().split("\n", 1)[0].strip().split("\t")


def _postgres_version(database):
    """Return the server's version string."""
    return database.execute("SHOW server_version")[0][0]


if __name__ == "__main__":
    main()
