"""Settings: defaults, instance/config.py, environment, and the secret check."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from okr_app import config, create_app
from okr_app.config import network_list, seconds_list


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("OKR_LOCKOUT_SECONDS", "42")
    monkeypatch.setenv("OKR_LOGIN_IP_LIMIT", "7 per minute")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.sqlite3")
    app = create_app({"TESTING": True})
    assert app.config["OKR_LOCKOUT_SECONDS"] == 42
    assert app.config["OKR_LOGIN_IP_LIMIT"] == "7 per minute"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite3")


def test_instance_config_sits_between_defaults_and_environment(monkeypatch, tmp_path):
    (tmp_path / "config.py").write_text("OKR_LOCKOUT_SECONDS = 11\nOKR_LOCKOUT_MAX_FAILURES = 9\n")
    monkeypatch.setenv("OKR_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("OKR_LOCKOUT_SECONDS", "12")
    app = create_app({"TESTING": True})
    assert app.config["OKR_LOCKOUT_MAX_FAILURES"] == 9
    assert app.config["OKR_LOCKOUT_SECONDS"] == 12


def test_default_database_is_sqlite_in_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/okr.sqlite3"


@pytest.mark.parametrize("secret", [None, "", config.EXAMPLE_SECRET, "too-short"])
def test_refuses_to_start_without_a_real_secret(monkeypatch, secret):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SECRET_KEY": secret, "DATABASE_URL": "sqlite://"})


def test_starts_with_a_real_secret():
    app = create_app({"SECRET_KEY": "s" * 48, "DATABASE_URL": "sqlite://"})
    assert app.config["JWT_SECRET_KEY"] == "s" * 48


def test_testing_mode_makes_a_throwaway_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    assert len(app.config["SECRET_KEY"]) >= 32


def test_limiter_storage_follows_redis_url(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6399/0")
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6399/0"


def test_limiter_storage_defaults_to_memory(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.mark.parametrize(
    ("name", "raw", "kind"),
    [
        ("OKR_LOCKOUT_SECONDS", "5m", "a whole number"),
        ("OKR_REDIS_TIMEOUT_SECONDS", "[1]", "a number"),
        ("OKR_REDIS_TIMEOUT_SECONDS", "fast", "a number"),
        ("OKR_REDIS_TIMEOUT_SECONDS", "nan", "a number"),
        ("OKR_REDIS_TIMEOUT_SECONDS", "inf", "a number"),
        ("OKR_RATE_LIMIT_HEADERS", "ture", "true or false"),
    ],
)
def test_a_setting_that_is_not_its_kind_of_value_is_named(monkeypatch, name, raw, kind):
    monkeypatch.setenv(name, raw)
    expected = re.escape(f"{name}='{raw}' is not {kind}, like its default")
    with pytest.raises(RuntimeError, match=f"^{expected}"):
        create_app({"TESTING": True})


def test_a_number_setting_takes_decimals(monkeypatch):
    monkeypatch.setenv("OKR_REDIS_TIMEOUT_SECONDS", "0.25")
    assert create_app({"TESTING": True}).config["OKR_REDIS_TIMEOUT_SECONDS"] == 0.25


@pytest.mark.parametrize(("raw", "value"), [("yes", True), ("On", True), ("0", False), ("", False)])
def test_a_true_or_false_setting_takes_the_usual_words(monkeypatch, raw, value):
    monkeypatch.setenv("OKR_RATE_LIMIT_HEADERS", raw)
    assert create_app({"TESTING": True}).config["OKR_RATE_LIMIT_HEADERS"] is value


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("OKR_WEBHOOK_RETRY_SCHEDULE", "5s,5m,30m"),
        ("OKR_WEBHOOK_RETRY_SCHEDULE", "5,-1"),
        ("OKR_WEBHOOK_RETRY_SCHEDULE", "5,inf"),
        ("OKR_WEBHOOK_ALLOWED_NETWORKS", "10.0.0.0/8, the office"),
    ],
)
def test_a_list_setting_that_does_not_parse_is_named(monkeypatch, name, raw):
    """Found at start, not by the worker after it sent a delivery it then cannot record."""
    monkeypatch.setenv(name, raw)
    with pytest.raises(
        RuntimeError, match=f"^{re.escape(f'{name}={raw!r} is not comma-separated')}"
    ):
        create_app({"TESTING": True})


def test_a_list_setting_takes_spaces_and_a_trailing_comma(monkeypatch):
    monkeypatch.setenv("OKR_WEBHOOK_RETRY_SCHEDULE", " 5, 300, ")
    monkeypatch.setenv("OKR_WEBHOOK_ALLOWED_NETWORKS", "10.0.0.0/8, ::1")
    config = create_app({"TESTING": True}).config
    assert seconds_list(config["OKR_WEBHOOK_RETRY_SCHEDULE"]) == [5.0, 300.0]
    assert [str(item) for item in network_list(config["OKR_WEBHOOK_ALLOWED_NETWORKS"])] == [
        "10.0.0.0/8",
        "::1/128",
    ]


@pytest.mark.parametrize("longest", ["1025", "11"])
def test_a_password_bound_a_login_cannot_reach_stops_the_app(monkeypatch, longest):
    """A password of 1,100 characters could be registered and never used to log in."""
    monkeypatch.setenv("OKR_PASSWORD_MAX_LENGTH", longest)
    with pytest.raises(RuntimeError, match=f"^OKR_PASSWORD_MAX_LENGTH={longest} must lie"):
        create_app({"TESTING": True})


def test_the_tests_leave_local_settings_out(app):
    """A developer's instance/config.py and OKR_* variables never reach the tests' apps.

    Nor the processes they start: a command run from the checkout finds the same folder.
    """
    checkout = Path(__file__).resolve().parents[1]
    assert Path(app.instance_path) != checkout / "instance"
    assert [name for name in os.environ if name.startswith("OKR_")] == ["OKR_INSTANCE_PATH"]
    found = subprocess.run(
        [sys.executable, "-c", "from okr_app import create_app; print(create_app().instance_path)"],
        cwd=checkout,
        env={**os.environ, "SECRET_KEY": "s" * 48},
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == app.instance_path


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("OKR_STALE_AFTER_DAYS", "3000000"),
        ("OKR_STALE_AFTER_DAYS", "-1"),
        ("OKR_LOCKOUT_SECONDS", "-5"),
    ],
)
def test_a_duration_below_0_or_past_100_years_stops_the_app(monkeypatch, name, raw):
    """3,000,000 days of staleness ended every read of a key result with a cadence in a 500."""
    monkeypatch.setenv(name, raw)
    with pytest.raises(RuntimeError, match=f"^{name}={raw} must lie from 0 to"):
        create_app({"TESTING": True})
