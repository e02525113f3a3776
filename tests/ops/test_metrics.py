"""GET /metrics and the JSON request log."""

import json
import logging
import os
import subprocess
import sys

import pytest

from tests.admin.conftest import make_admin

SCRAPER = "scraper-token-for-tests-0123456789"


def sample(text, name, **labels):
    """Return the value of one sample in a Prometheus exposition, or 0.0."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    prefix = f"{name}{{{wanted}}} " if labels else f"{name} "
    for line in text.splitlines():
        if line.startswith(prefix):
            return float(line.split()[-1])
    return 0.0


def scrape(client, token=SCRAPER):
    """Return the exposition text."""
    response = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return response.get_data(as_text=True)


@pytest.mark.settings(OKR_METRICS_TOKEN=SCRAPER)
def test_counts_requests_by_template_and_status(client, auth):
    before = scrape(client)
    auth.register("alice@example.com")
    auth.login("alice@example.com", "wrong password here")
    after = scrape(client)
    labels = {"endpoint": "/auth/login", "method": "POST", "status": "401"}
    assert sample(after, "okr_http_requests_total", **labels) == (
        sample(before, "okr_http_requests_total", **labels) + 1
    )
    assert sample(after, "okr_http_request_duration_seconds_count", **labels) >= 1
    assert (
        sample(after, "okr_login_failures_total") == sample(before, "okr_login_failures_total") + 1
    )
    assert sample(after, "okr_audit_rows_total", outcome="success") >= 1
    assert sample(after, "okr_users") == 1


@pytest.mark.settings(OKR_METRICS_TOKEN=SCRAPER, OKR_LOCKOUT_MAX_FAILURES=2)
def test_counts_lockouts(client, auth):
    before = sample(scrape(client), "okr_lockouts_total")
    for _ in range(2):
        auth.login("alice@example.com", "wrong password here")
    assert sample(scrape(client), "okr_lockouts_total") == before + 1


@pytest.mark.settings(OKR_METRICS_TOKEN=SCRAPER)
def test_access_is_for_admins_and_the_scraper(app, client, auth):
    _, _, user_headers = auth.user()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers=user_headers).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    lower = client.get("/metrics", headers={"Authorization": f"bearer {SCRAPER}"})
    assert lower.status_code == 200  # the scheme is case-insensitive
    _, admin_headers = make_admin(app, auth, "root@example.com")
    assert client.get("/metrics", headers=admin_headers).status_code == 200
    assert "okr_http_requests_total" in scrape(client)


def test_without_a_scraper_token_nobody_gets_in_by_token(client):
    response = client.get("/metrics", headers={"Authorization": "Bearer None"})
    assert response.status_code == 401


def test_request_log_is_one_json_line_without_secrets(client, auth, caplog):
    caplog.set_level(logging.INFO, logger="okr_app.requests")
    profile, tokens, headers = auth.user()
    # Listen on the logger itself: a deployed app's handler may have stopped propagation.
    records = []
    listener = logging.Handler()
    listener.emit = records.append
    logging.getLogger("okr_app.requests").addHandler(listener)
    try:
        client.get("/audit?action=auth.secret-looking-value", headers=headers)
    finally:
        logging.getLogger("okr_app.requests").removeHandler(listener)
    assert len(records) == 1
    line = json.loads(records[0].getMessage())
    assert line["method"] == "GET"
    assert line["path"] == "/audit"
    assert line["status"] == 200
    assert line["user_id"] == profile["id"]
    assert line["request_id"]
    assert line["duration_ms"] >= 0
    assert tokens["access_token"] not in records[0].getMessage()
    assert "secret-looking-value" not in records[0].getMessage()


WORKER = """
import sys
from okr_app import create_app
from okr_app.extensions import db
app = create_app({"TESTING": True, "DATABASE_URL": sys.argv[1], "OKR_METRICS_TOKEN": "t" * 40})
with app.app_context():
    db.create_all()
client = app.test_client()
if sys.argv[2] == "scrape":
    headers = {"Authorization": "Bearer " + "t" * 40}
    print(client.get("/metrics", headers=headers).get_data(as_text=True))
else:
    for _ in range(int(sys.argv[2])):
        client.get("/health")
"""


def test_multiprocess_mode_merges_every_worker(tmp_path):
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prom")}
    os.mkdir(tmp_path / "prom")
    database = f"sqlite:///{tmp_path}/m.sqlite3"

    def run(argument):
        return subprocess.run(
            [sys.executable, "-c", WORKER, database, argument],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout

    run("3")
    run("4")
    text = run("scrape")
    labels = {"endpoint": "/health", "method": "GET", "status": "200"}
    assert sample(text, "okr_http_requests_total", **labels) == 7
