"""Login fails closed when the limiter storage (Redis) is unreachable; the rest keeps working."""

import shutil
import socket
import time

import pytest

from bench.servers import RedisServer, wait_until
from okr_app import create_app
from okr_app.auth import tokens
from okr_app.extensions import db
from okr_app.models import User
from tests.conftest import PASSWORD, bearer, make_config

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1 (tcpmux)


def login_body(email):
    """Return a login request body."""
    return {"email": email, "password": PASSWORD}


def session_token(app, email):
    """Open a session for ``email`` directly, as login cannot; return its access token."""
    with app.app_context():
        user = db.session.query(User).filter_by(email=email).one()
        _session, pair = tokens.start_session(user)
        db.session.commit()
    return pair["access_token"]


@pytest.mark.settings(RATELIMIT_STORAGE_URI=UNREACHABLE)
def test_login_answers_json_503_and_everything_else_works(app, client, auth):
    assert auth.register("ada@example.com").status_code == 201

    started = time.monotonic()
    login = client.post("/auth/login", json=login_body("ada@example.com"))
    assert login.status_code == 503
    assert login.get_json()["code"] == 503
    assert "lockout store" in login.get_json()["message"]
    assert time.monotonic() - started < 5

    headers = bearer(session_token(app, "ada@example.com"))
    assert client.get("/auth/me", headers=headers).status_code == 200
    health = client.get("/health")
    assert health.status_code == 503
    assert health.get_json() == {
        "status": "degraded",
        "database": "ok",
        "limiter": "unavailable",
        "worker": "unknown",
    }
    assert client.post("/auth/logout", headers=headers).status_code == 204


@pytest.mark.settings(RATELIMIT_STORAGE_URI=UNREACHABLE)
def test_change_password_fails_closed_too(app, client, auth):
    auth.register("ada@example.com")
    headers = bearer(session_token(app, "ada@example.com"))
    response = client.post(
        "/auth/change-password",
        json={"current_password": PASSWORD, "new_password": "another long passphrase"},
        headers=headers,
    )
    assert response.status_code == 503
    assert client.get("/auth/me", headers=headers).status_code == 200


def test_a_silent_redis_is_given_up_on_quickly(tmp_path):
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        config = make_config(
            f"sqlite:///{tmp_path}/silent.sqlite3",
            RATELIMIT_STORAGE_URI=url,
            OKR_REDIS_TIMEOUT_SECONDS=0.3,
        )
        app = create_app(config)
        with app.app_context():
            db.create_all()
        client = app.test_client()
        started = time.monotonic()
        assert client.post("/auth/login", json=login_body("a@example.com")).status_code == 503
        assert client.get("/health").get_json()["limiter"] == "unavailable"
        # Two attempts of 0.3 s for each of the two calls; redis-py's defaults take 40 s.
        assert time.monotonic() - started < 3
        with app.app_context():
            db.engine.dispose()


@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")
def test_login_recovers_when_redis_returns_without_a_restart(tmp_path):
    redis = RedisServer(tmp_path).start()
    try:
        app = create_app(
            make_config(f"sqlite:///{tmp_path}/r.sqlite3", RATELIMIT_STORAGE_URI=redis.url)
        )
        with app.app_context():
            db.create_all()
        client = app.test_client()
        client.post("/auth/register", json=login_body("ada@example.com"))
        assert client.post("/auth/login", json=login_body("ada@example.com")).status_code == 200

        redis.stop()
        assert client.post("/auth/login", json=login_body("ada@example.com")).status_code == 503
        assert client.get("/health").status_code == 503

        redis.start()  # same port, same app
        # Once the circuit breaker's pause (OKR_REDIS_BREAKER_SECONDS) is over.
        wait_until(
            lambda: (
                client.post("/auth/login", json=login_body("ada@example.com")).status_code == 200
            ),
            30,
            "a login after Redis returned",
        )
        assert client.get("/health").get_json()["limiter"] == "ok"
        with app.app_context():
            db.engine.dispose()
    finally:
        redis.stop()
