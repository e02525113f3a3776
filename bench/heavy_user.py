"""GET /stats for one heavy user: 1,000 objectives and about 50,000 check-ins, on PostgreSQL.

    python -m bench.heavy_user [--objectives 1000 --days 51 --requests 30]

Seeds a fresh database with one demo user (four key results per objective, check-ins on
about a third of the days), then times GET /stats in-process through Flask's test client,
so the figure is the server's own time without the network or a load generator. It adds
``heavy_user_stats`` to bench/results/latest.json.
"""

import argparse
import json
import logging
import os
import secrets
import statistics
import time

from sqlalchemy import event, func, select

from bench.database import Database
from bench.run import RESULTS
from okr_app import create_app
from okr_app.demo.seed import DEMO_EMAIL, DEMO_PASSWORD
from okr_app.extensions import db
from okr_app.models import CheckIn, Objective


def arguments(argv=None):
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--objectives", type=int, default=1000)
    parser.add_argument("--days", type=int, default=51)
    parser.add_argument("--requests", type=int, default=30)
    add_postgres_argument(parser)
    return parser.parse_args(argv)


def add_postgres_argument(parser):
    """Add ``--postgres``, the server of the scenario's scratch database."""
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )


def record(name, figures):
    """Add ``figures`` under ``name`` to bench/results/latest.json."""
    path = RESULTS / "latest.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    results[name] = figures
    path.write_text(json.dumps(results, indent=2) + "\n")


def measure(url, requests):
    """Return latency percentiles, the data size and the queries of GET /stats."""
    app = create_app(
        {"TESTING": True, "DATABASE_URL": url, "OKR_API_RATE_LIMIT": "1000000000 per minute"}
    )
    logging.getLogger("okr_app.requests").disabled = True
    client = app.test_client()
    login = client.post(
        "/auth/login", json={"email": DEMO_EMAIL.format(index=1), "password": DEMO_PASSWORD}
    )
    headers = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
    for _ in range(3):
        assert client.get("/stats", headers=headers).status_code == 200
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get("/stats", headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    statements = []
    with app.app_context():
        objectives = db.session.scalar(select(func.count()).select_from(Objective))
        check_ins = db.session.scalar(select(func.count()).select_from(CheckIn))
        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client.get("/stats", headers=headers)
    timings.sort()
    return {
        "objectives": objectives,
        "check_ins": check_ins,
        "requests": requests,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
        "max_ms": round(timings[-1], 1),
        "queries_per_request": len(statements),
    }


def main(argv=None):
    """Seed, measure, print and record the heavy user's /stats figures."""
    options = arguments(argv)
    database = Database(options.postgres, "heavy").create()
    env = {**os.environ, "SECRET_KEY": secrets.token_urlsafe(48)}
    try:
        database.prepare(env, 1, options.objectives, options.days)
        figures = measure(database.url, options.requests)
    finally:
        database.drop()
    print(
        f"GET /stats, one user with {figures['objectives']} objectives and "
        f"{figures['check_ins']} check-ins: p50 {figures['p50_ms']} ms, "
        f"p95 {figures['p95_ms']} ms, {figures['queries_per_request']} queries"
    )
    record("heavy_user_stats", figures)


if __name__ == "__main__":
    main()
