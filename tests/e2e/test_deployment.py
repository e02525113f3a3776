"""The deployed service, end to end: nginx -> gunicorn (3 workers) -> PostgreSQL and Redis.

Every step talks HTTP to nginx on loopback and checks the database directly as well. The
last two steps kill a worker and stop Redis; the stack has recovered when they end.
"""

import os
import signal
import threading
import time

import pytest

from bench.servers import wait_until
from tests.e2e.api import audit_row, login, register, user_id, wait_for_limiter
from tests.e2e.stack import PASSWORD, claims, in_parallel, request_id, unique_email

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "another long passphrase, changed"


def test_user_journey_through_nginx(stack):
    client = stack.client()
    email = unique_email("journey")
    rid = request_id()
    registered = register(client, email, headers={"X-Request-ID": rid})
    assert registered.status == 201
    assert registered.headers["x-request-id"] == rid
    assert registered.json()["email"] == email
    assert audit_row(stack, rid) == ("auth.registered", "127.0.0.1", 201)
    assert stack.pids_for([rid])[0] in stack.gunicorn.worker_pids()

    tokens = login(client, email).json()
    session_id = claims(tokens["access_token"])["sid"]
    assert stack.query(
        "SELECT user_id, revoked_at FROM auth_sessions WHERE id = %s", session_id
    ) == [(user_id(stack, email), None)]
    me = client.get("/auth/me", token=tokens["access_token"])
    assert (me.status, me.json()["email"]) == (200, email)

    audit = client.get("/audit", token=tokens["access_token"])
    assert audit.status == 200
    listed = {row["request_id"] for row in audit.json()}
    stored = stack.query("SELECT request_id FROM audit_log WHERE actor_id = %s", me.json()["id"])
    assert listed == {row[0] for row in stored}

    assert client.post("/auth/logout", token=tokens["access_token"]).status == 204
    assert client.get("/auth/me", token=tokens["access_token"]).status == 401
    assert stack.query("SELECT revoked_reason FROM auth_sessions WHERE id = %s", session_id) == [
        ("logout",)
    ]


def test_nginx_limits_compresses_and_secures(stack):
    client = stack.client()
    rid = request_id()
    too_large = client.post(
        "/auth/register", {"padding": "x" * 70_000}, headers={"X-Request-ID": rid}
    )
    assert too_large.status == 413
    assert too_large.json()["code"] == 413
    follow_up = request_id()
    assert client.get("/health", headers={"X-Request-ID": follow_up}).status == 200
    stack.pids_for([follow_up])
    served = {entry["request_id"] for entry in stack.access_log()}
    assert rid not in served, "nginx refused the body before gunicorn saw it"

    spec = client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert spec.headers["content-encoding"] == "gzip"
    assert "/auth/login" in spec.json()["paths"]

    health = client.get("/health")
    assert health.headers["x-content-type-options"] == "nosniff"
    assert health.headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in health.headers["content-security-policy"]
    assert "server" not in health.headers or "/" not in health.headers["server"]


def test_over_long_request_lines_and_headers_get_nginx_json_not_gunicorn_pages(stack):
    client = stack.client()
    long_line = client.get("/health?" + "x" * 9000)
    assert long_line.status == 414
    assert long_line.json()["code"] == 414
    big_header = client.get("/health", headers={"X-Padding": "y" * 9000})
    assert big_header.status == 431
    assert big_header.json()["status"] == "Request Header Fields Too Large"
    # What nginx lets through, gunicorn takes: a 7 KiB line reaches the app (422: unknown
    # parameter, in the app's shape) and so do 150 small headers.
    near = client.get("/health?" + "z" * 7000)
    assert near.status == 422 and near.json()["errors"]["query"]
    many = client.get("/health", headers={f"X-Extra-{n}": "1" for n in range(150)})
    assert many.status == 200


def test_lockout_holds_across_workers(stack):
    client = stack.client()
    email = unique_email("lockout")
    assert register(client, email).status == 201

    wrong = [request_id() for _ in range(5)]
    answers = in_parallel(
        [lambda rid=rid: login(client, email, "wrong password!", rid) for rid in wrong]
    )
    assert [answer.status for answer in answers] == [401] * 5
    assert len(set(stack.pids_for(wrong))) >= 2, "the failures reached more than one worker"

    right = [request_id() for _ in range(6)]
    answers = in_parallel([lambda rid=rid: login(client, email, PASSWORD, rid) for rid in right])
    assert [answer.status for answer in answers] == [429] * 6
    assert all(int(answer.headers["retry-after"]) > 0 for answer in answers)
    assert len(set(stack.pids_for(right))) >= 2, "the lock was checked by more than one worker"

    actions = stack.query(
        "SELECT action, count(*) FROM audit_log WHERE details->>'email' = %s GROUP BY action",
        email,
    )
    assert dict(actions) == {
        "auth.login.failed": 4,
        "auth.lockout.started": 1,
        "auth.login.locked": 6,
    }
    user = user_id(stack, email)
    assert stack.scalar("SELECT count(*) FROM auth_sessions WHERE user_id = %s", user) == 0


def test_logout_and_password_change_revoke_in_every_worker(stack):
    client = stack.client()
    email = unique_email("revoke")
    register(client, email)
    first, second = login(client, email).json(), login(client, email).json()

    assert client.post("/auth/logout", token=first["access_token"]).status == 204
    rids = [request_id() for _ in range(6)]
    answers = in_parallel(
        [
            lambda rid=rid: client.get(
                "/auth/me", token=first["access_token"], headers={"X-Request-ID": rid}
            )
            for rid in rids
        ]
    )
    assert [answer.status for answer in answers] == [401] * 6
    assert len(set(stack.pids_for(rids))) >= 2
    assert client.post("/auth/refresh", token=first["refresh_token"]).status == 401
    assert client.get("/auth/me", token=second["access_token"]).status == 200

    changed = client.post(
        "/auth/change-password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        token=second["access_token"],
    )
    assert changed.status == 200
    fresh = changed.json()
    old = [second["access_token"]] * 5
    answers = in_parallel(
        [lambda token=token: client.get("/auth/me", token=token) for token in old]
    )
    assert [answer.status for answer in answers] == [401] * 5
    assert client.post("/auth/refresh", token=second["refresh_token"]).status == 401
    assert client.get("/auth/me", token=fresh["access_token"]).status == 200
    assert login(client, email).status == 401
    assert login(client, email, NEW_PASSWORD).status == 200

    sessions = dict(
        stack.query(
            "SELECT id, revoked_reason FROM auth_sessions WHERE user_id = %s",
            user_id(stack, email),
        )
    )
    assert sessions[claims(first["access_token"])["sid"]] == "logout"
    assert sessions[claims(second["access_token"])["sid"]] == "password-change"
    assert sessions[claims(fresh["access_token"])["sid"]] is None
    assert len(sessions) == 4


def test_clients_behind_nginx_are_told_apart_and_cannot_forge(stack):
    first, second = stack.client("127.0.0.2"), stack.client("127.0.0.3")
    rids = [request_id() for _ in range(3)]
    register(first, unique_email("first"), headers={"X-Request-ID": rids[0]})
    register(second, unique_email("second"), headers={"X-Request-ID": rids[1]})
    forged = {"X-Request-ID": rids[2], "X-Forwarded-For": "203.0.113.9"}
    assert register(first, unique_email("forger"), headers=forged).status == 201

    assert [audit_row(stack, rid)[1] for rid in rids] == ["127.0.0.2", "127.0.0.3", "127.0.0.2"]
    stack.pids_for(rids)
    forwarded = {entry["request_id"]: entry["forwarded_for"] for entry in stack.access_log()}
    assert forwarded[rids[2]] == "203.0.113.9, 127.0.0.2"

    # The metrics location admits only the allowed network (here: 127.0.0.1 alone).
    refused = first.get("/metrics")
    assert (refused.status, refused.json()["code"]) == (403, 403)
    assert stack.client().get("/metrics").status == 401  # reached the app, which wants a token


def test_killing_a_worker_loses_no_committed_data(stack):
    results, stop = [], threading.Event()

    def write(writer):
        client = stack.client()
        for number in range(40):
            if stop.is_set():
                return
            email = unique_email(f"kill-{writer}-{number}")
            try:
                answer = register(client, email)
                status = answer.status if answer.status == 201 else answer.json()["code"]
            except Exception as error:  # a broken answer fails the test below, with its name
                status = repr(error)
            results.append((email, status, time.monotonic()))

    writers = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    for writer in writers:
        writer.start()
    try:
        wait_until(lambda: sum(status == 201 for _, status, _ in results) >= 6, 30, "writes")
        victim = stack.gunicorn.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        wait_until(
            lambda: (
                victim not in stack.gunicorn.worker_pids()
                and len(stack.gunicorn.worker_pids()) == stack.workers
            ),
            30,
            "a replacement worker",
        )
        wait_until(
            lambda: any(status == 201 and at > killed_at + 0.5 for _, status, at in results),
            30,
            "writes after the kill",
        )
    finally:
        stop.set()
        for writer in writers:
            writer.join(60)

    committed = {email for email, status, _ in results if status == 201}
    stored = {row[0] for row in stack.query("SELECT email FROM users WHERE email LIKE 'kill-%%'")}
    assert committed <= stored, "every answered write is in the database"
    # A request in the killed worker's hands gets nginx's JSON 502; it committed all or nothing.
    assert {status for _, status, _ in results} <= {201, 502}
    unaudited = stack.scalar(
        "SELECT count(*) FROM users u WHERE email LIKE 'kill-%%' AND NOT EXISTS "
        "(SELECT 1 FROM audit_log a WHERE a.action = 'auth.registered' "
        "AND a.resource_id = u.id::text)"
    )
    assert unaudited == 0, "no change committed without its audit row"
    assert "Audit trail intact" in stack.flask("audit", "verify").stdout
    assert stack.client().get("/health").status == 200


def test_stopping_redis_fails_login_closed_and_recovers_without_restart(stack):
    client = stack.client()
    email = unique_email("redis")
    register(client, email)
    token = login(client, email).json()["access_token"]
    sessions = "SELECT count(*) FROM auth_sessions WHERE user_id = %s"
    user = user_id(stack, email)
    masters = stack.gunicorn.pid, sorted(stack.gunicorn.worker_pids())

    stack.redis.stop()
    rid = request_id()
    refused = login(client, email, rid=rid)
    assert refused.status == 503
    assert "lockout store" in refused.json()["message"]
    assert audit_row(stack, rid)[2] == 503
    assert stack.scalar(sessions, user) == 1
    assert client.get("/auth/me", token=token).status == 200
    health = client.get("/health")
    assert health.status == 503
    assert health.json() == {
        "status": "degraded",
        "database": "ok",
        "limiter": "unavailable",
        "worker": "ok",
    }
    assert register(client, unique_email("during-outage")).status == 201

    stack.redis.start()  # the same port; the app is not restarted
    wait_until(lambda: login(client, email).status == 200, 15, "login after Redis returned")
    wait_for_limiter(client)
    assert stack.scalar(sessions, user) == 2
    assert (stack.gunicorn.pid, sorted(stack.gunicorn.worker_pids())) == masters


def test_no_feed_or_share_secret_reaches_nginx_or_gunicorn_logs(stack):
    """The secret in a feed's or a share link's address is the credential: logs leave it out."""
    client = stack.client()
    email = unique_email("secrets-in-logs")
    assert register(client, email).status == 201
    token = login(client, email).json()["access_token"]
    objective = client.post("/objectives", {"title": "Shared", "period": "2026"}, token=token)
    feed = client.post("/calendar/feed", {}, token=token).json()["url"]
    share = client.post(f"/objectives/{objective.json()['id']}/share", {}, token=token).json()
    secrets = [feed.rsplit("/", 1)[1].removesuffix(".ics"), share["url"].rsplit("/", 1)[1]]
    rids = [request_id() for _ in range(3)]
    paths = [f"/calendar/{secrets[0]}.ics", f"/s/{secrets[1]}", f"/s/{secrets[1]}/badge.svg"]
    for rid, path in zip(rids, paths, strict=True):
        assert client.get(path, headers={"X-Request-ID": rid}).status == 200, path
    served = stack.entries_for(rids)
    assert [entry["path"] for entry in served] == [
        "/calendar/[secret].ics",
        "/s/[secret]",
        "/s/[secret]/badge.svg",
    ]
    wait_until(lambda: all(rid in stack.nginx.log() for rid in rids), 10, "nginx's log lines")
    for log in (stack.gunicorn.log(), stack.nginx.log()):
        assert not any(secret in log for secret in secrets)
