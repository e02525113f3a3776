"""The web interface's dashboard for one user with 20 objectives and 80 key results.

    python -m bench.dashboard [--requests 50]

Seeds a fresh PostgreSQL database with one demo user (100 objectives over five recent
periods, so 20 in the current quarter, with four key results each and 90 days of
check-ins), logs in through the login form, and times GET /app (the current quarter's
objectives, their bars and pace, and the year's check-in calendar) in-process through
Flask's test client: the server's own time, without the network. It adds
``web_dashboard`` to bench/results/latest.json; the target is a p50 under 50 ms.
"""

import argparse
import logging
import os
import re
import secrets
import statistics
import time

from sqlalchemy import event

from bench.database import Database
from bench.heavy_user import add_postgres_argument, record
from okr_app import create_app
from okr_app.demo.seed import DEMO_EMAIL, DEMO_PASSWORD
from okr_app.extensions import db

TARGET_MS = 50


def arguments(argv=None):
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=50)
    add_postgres_argument(parser)
    return parser.parse_args(argv)


def signed_in_client(app):
    """Return a test client logged in to the interface as the demo user."""
    client = app.test_client()
    form = client.get("/app/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = client.post(
        "/app/login",
        data={
            "csrf_token": token,
            "email": DEMO_EMAIL.format(index=1),
            "password": DEMO_PASSWORD,
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def measure(url, requests):
    """Return latency percentiles, what the page showed and the queries of GET /app."""
    app = create_app(
        {"TESTING": True, "DATABASE_URL": url, "OKR_API_RATE_LIMIT": "1000000000 per minute"}
    )
    client = signed_in_client(app)
    for _ in range(3):
        page = client.get("/app")
        assert page.status_code == 200
    html = page.get_data(as_text=True)
    timings, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = client.get("/app")
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        assert response.status_code == 200
    statements = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client.get("/app")
    timings.sort()
    return {
        "objectives": html.count('<li class="card">'),
        "key_results": html.count('href="/app/key-results/'),
        "bytes": len(html.encode()),
        "requests": requests,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
        "max_ms": round(timings[-1], 1),
        # The process's own CPU time: on a shared machine the wall time also counts waiting.
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "queries_per_request": len(statements),
        "target_ms": TARGET_MS,
    }


def main(argv=None):
    """Seed, measure, print and record the dashboard's figures."""
    options = arguments(argv)
    logging.getLogger("okr_app.requests").disabled = True  # one line per request otherwise
    database = Database(options.postgres, "dashboard").create()
    env = {**os.environ, "SECRET_KEY": secrets.token_urlsafe(48)}
    try:
        database.prepare(env, 1, 100, 90)
        figures = measure(database.url, options.requests)
    finally:
        database.drop()
    verdict = "under" if figures["p50_ms"] < TARGET_MS else "OVER"
    print(
        f"GET /app, {figures['objectives']} objectives with {figures['key_results']} key "
        f"results: p50 {figures['p50_ms']} ms ({verdict} {TARGET_MS} ms), p95 "
        f"{figures['p95_ms']} ms, CPU p50 {figures['cpu_p50_ms']} ms, "
        f"{figures['queries_per_request']} queries, "
        f"{figures['bytes']} bytes"
    )
    record("web_dashboard", figures)


if __name__ == "__main__":
    main()
