"""Prometheus metrics: request counts and latency, and row totals at scrape time.

Areas count their own events (``okr_app.auth.metrics``, ``okr_app.audit.hook``); every
metric of the process reaches the scrape through prometheus-client's registry.

Under gunicorn, set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory shared by the
workers: prometheus-client then keeps each worker's values in files there and a scrape
merges them, so any worker answers for all of them.
"""

import os
import time

from flask import g, request, request_finished, request_started
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select, table

from okr_app.extensions import db
from okr_app.webhooks.metrics import BacklogCollector

REQUESTS = Counter("okr_http_requests_total", "HTTP requests.", ["method", "endpoint", "status"])
LATENCY = Histogram(
    "okr_http_request_duration_seconds",
    "HTTP request latency.",
    ["method", "endpoint", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
IN_FLIGHT = Gauge(
    "okr_http_requests_in_flight", "Requests being served.", multiprocess_mode="livesum"
)

#: Tables counted at scrape time, as ``okr_<name>`` gauges.
COUNTED_TABLES = ("users", "objectives", "key_results", "check_ins")


def init_app(app):
    """Time and count every request, from its start to the answer it finally gets.

    Signals rather than request hooks: ``request_started`` comes before any hook may refuse
    the request, and ``request_finished`` after every hook has had its say on the answer.
    """
    request_started.connect(_start, app)
    request_finished.connect(_observe, app)
    app.teardown_request(_finish)


def _start(_app, **_extra):
    """Note the start of the request."""
    g.started_at = time.perf_counter()
    IN_FLIGHT.inc()
    g.in_flight = True


def _observe(_app, response, **_extra):
    """Count the request and observe its latency, by endpoint template and status."""
    started = g.get("started_at")
    if started is not None:
        current = request._get_current_object()
        labels = (current.method, endpoint_template(current), str(response.status_code))
        REQUESTS.labels(*labels).inc()
        LATENCY.labels(*labels).observe(time.perf_counter() - started)


def _finish(_error=None):
    """Leave the in-flight gauge, whatever happened."""
    if g.pop("in_flight", False):
        IN_FLIGHT.dec()


def endpoint_template(current):
    """Return the request's URL rule (``/objectives/<int:objective_id>``) or ``unmatched``."""
    rule = current.url_rule
    return rule.rule if rule is not None else "unmatched"


class TotalsCollector:
    """Count users, objectives, key results and check-ins at scrape time."""

    def collect(self):
        """Yield one gauge per counted table that exists."""
        present = set(db.metadata.tables)
        for name in COUNTED_TABLES:
            if name in present:
                count = db.session.scalar(select(func.count()).select_from(table(name)))
                yield GaugeMetricFamily(f"okr_{name}", f"Rows in {name}.", value=count)


def exposition():
    """Return the text exposition and its content type, merging workers when needed."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Default())
    registry.register(TotalsCollector())
    registry.register(BacklogCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _Default:
    """The process's own metrics, when not in multiprocess mode."""

    def collect(self):
        """Yield everything from the default registry."""
        yield from REGISTRY.collect()
