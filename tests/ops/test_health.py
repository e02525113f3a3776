"""GET /health."""

from okr_app import create_app
from tests.conftest import make_config


def test_health_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "database": "ok",
        "limiter": "ok",
        "worker": "unknown",
    }


def test_health_reports_an_unreachable_database(tmp_path):
    app = create_app(make_config(f"sqlite:///{tmp_path}/missing-dir/none.sqlite3"))
    response = app.test_client().get("/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["database"].startswith("unavailable")


def test_health_reports_an_unreachable_limiter_storage(tmp_path):
    config = make_config(f"sqlite:///{tmp_path}/h.sqlite3")
    config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:1/0"
    app = create_app(config)
    body = app.test_client().get("/health").get_json()
    assert body["limiter"] == "unavailable"
    assert body["database"] == "ok"


def test_every_response_carries_a_request_id(client):
    first = client.get("/health").headers["X-Request-ID"]
    second = client.get("/health").headers["X-Request-ID"]
    assert first and second and first != second
    echoed = client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"
    forged = client.get("/health", headers={"X-Request-ID": "bad id <script>"})
    assert forged.headers["X-Request-ID"] != "bad id <script>"
