"""POST /auth/login and the lockout."""

import threading
import time

import pytest
from sqlalchemy import select

from okr_app.extensions import db
from okr_app.models import AuditRow, User
from tests.conftest import PASSWORD, bearer


def test_login_returns_token_pair(auth, client):
    auth.register("alice@example.com")
    response = auth.login("alice@example.com")
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    me = client.get("/auth/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.get_json()["email"] == "alice@example.com"


def test_wrong_password_and_unknown_email_answer_alike(auth):
    auth.register("alice@example.com")
    wrong = auth.login("alice@example.com", "not the password at all")
    unknown = auth.login("nobody@example.com", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()


def fail(auth, email, times):
    """Send ``times`` wrong passwords and return the status codes."""
    return [auth.login(email, "wrong password here").status_code for _ in range(times)]


def test_fifth_failure_locks_even_the_right_password(auth):
    auth.register("alice@example.com")
    assert fail(auth, "alice@example.com", 5) == [401] * 5
    response = auth.login("alice@example.com")
    assert response.status_code == 429
    assert response.get_json()["code"] == 429
    assert 290 <= int(response.headers["Retry-After"]) <= 300


def test_four_failures_do_not_lock_and_success_resets(auth):
    auth.register("alice@example.com")
    assert fail(auth, "alice@example.com", 4) == [401] * 4
    assert auth.login("alice@example.com").status_code == 200
    assert fail(auth, "alice@example.com", 4) == [401] * 4
    assert auth.login("alice@example.com").status_code == 200


@pytest.mark.parametrize(
    "variant", ["ALICE@example.com", "  alice@example.com ", "Alice@EXAMPLE.com"]
)
def test_lock_holds_for_case_and_whitespace_variants(auth, variant):
    auth.register("alice@example.com")
    fail(auth, "alice@example.com", 5)
    assert auth.login(variant).status_code == 429


def test_variants_count_towards_one_lock(auth):
    auth.register("alice@example.com")
    for variant in [
        "Alice@example.com",
        " alice@example.com",
        "ALICE@EXAMPLE.COM",
        "alice@Example.com",
    ]:
        assert auth.login(variant, "wrong password here").status_code == 401
    assert auth.login("alice@example.com", "wrong password here").status_code == 401
    assert auth.login("alice@example.com").status_code == 429


def test_unknown_identifiers_lock_too(auth):
    assert fail(auth, "ghost@example.com", 5) == [401] * 5
    assert auth.login("ghost@example.com").status_code == 429


def test_lock_of_one_account_leaves_others_alone(auth):
    auth.register("alice@example.com")
    auth.register("bob@example.com")
    fail(auth, "alice@example.com", 5)
    assert auth.login("bob@example.com").status_code == 200


# Windows of a few seconds: five failed checks must fit in one even on a loaded machine.
@pytest.mark.settings(OKR_LOCKOUT_SECONDS=3, OKR_LOCKOUT_WINDOW_SECONDS=3)
def test_lock_expires_after_lockout_seconds(auth):
    auth.register("alice@example.com")
    fail(auth, "alice@example.com", 5)
    assert auth.login("alice@example.com").status_code == 429
    time.sleep(3.2)
    assert auth.login("alice@example.com").status_code == 200


@pytest.mark.settings(OKR_LOCKOUT_SECONDS=60, OKR_LOCKOUT_WINDOW_SECONDS=3)
def test_lock_outlasts_the_failure_window(auth):
    auth.register("alice@example.com")
    fail(auth, "alice@example.com", 5)
    assert auth.login("alice@example.com").status_code == 429
    time.sleep(3.2)
    assert auth.login("alice@example.com").status_code == 429


@pytest.mark.settings(OKR_LOCKOUT_WINDOW_SECONDS=1)
def test_failures_spread_beyond_the_window_do_not_lock(auth):
    auth.register("alice@example.com")
    fail(auth, "alice@example.com", 4)
    time.sleep(1.2)
    fail(auth, "alice@example.com", 4)
    assert auth.login("alice@example.com").status_code == 200


@pytest.mark.settings(OKR_LOCKOUT_MAX_FAILURES=2)
def test_lockout_numbers_are_settings(auth):
    auth.register("alice@example.com")
    assert fail(auth, "alice@example.com", 2) == [401, 401]
    assert auth.login("alice@example.com").status_code == 429


@pytest.mark.settings(OKR_LOGIN_IP_LIMIT="3 per 3 minutes")
def test_failures_from_one_address_are_throttled(auth):
    auth.register("alice@example.com")
    statuses = [
        auth.login(f"spray{i}@example.com", "wrong password here").status_code for i in range(3)
    ]
    assert statuses == [401, 401, 401]
    response = auth.login("alice@example.com")
    assert response.status_code == 429
    assert "Retry-After" in response.headers


@pytest.mark.concurrent
def test_parallel_burst_gets_at_most_five_password_checks(app, auth):
    auth.register("alice@example.com")
    barrier = threading.Barrier(20)
    statuses = []

    def attempt():
        with app.test_client() as client:
            barrier.wait()
            response = client.post(
                "/auth/login",
                json={"email": "alice@example.com", "password": "wrong password here"},
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        actions = db.session.scalars(
            select(AuditRow.action).where(AuditRow.action.like("auth.%"))
        ).all()
    checked = [a for a in actions if a in ("auth.login.failed", "auth.lockout.started")]
    assert 1 <= len(checked) <= 5
    assert statuses.count(401) == len(checked)
    assert statuses.count(429) == 20 - len(checked)
    assert actions.count("auth.login.locked") == 20 - len(checked)
    assert auth.login("alice@example.com", PASSWORD).status_code == 429


def test_login_rehashes_when_the_cost_is_raised(app, auth):
    auth.register("alice@example.com")
    with app.app_context():
        before = db.session.scalar(select(User.password_hash))
    app.config["OKR_ARGON2_TIME_COST"] = 3
    assert auth.login("alice@example.com").status_code == 200
    with app.app_context():
        after = db.session.scalar(select(User.password_hash))
    assert "t=2" in before
    assert "t=3" in after
    assert auth.login("alice@example.com").status_code == 200


def test_the_cost_never_drops_below_the_owasp_minimum(app, auth):
    app.config.update(OKR_ARGON2_TIME_COST=1, OKR_ARGON2_MEMORY_KIB=1024)
    auth.register("alice@example.com")
    with app.app_context():
        assert "m=19456,t=2,p=1" in db.session.scalar(select(User.password_hash))
