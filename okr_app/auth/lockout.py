"""Failed-login lockout, kept in the Flask-Limiter storage shared by every worker.

Per account identifier (the normalised e-mail, known or not): an attempt is reserved
atomically before the password is checked, so a parallel burst gets at most
``OKR_LOCKOUT_MAX_FAILURES`` password checks per window. The failure that reaches the
maximum starts an explicit lock entry lasting ``OKR_LOCKOUT_SECONDS``; a success clears the
failure count. Per client address, failed logins are throttled by ``OKR_LOGIN_IP_LIMIT``.
"""

import math
import time
from dataclasses import dataclass

from flask import current_app
from limits import RateLimitItemPerSecond, parse

from okr_app.api.ratelimit import StorageUnavailable, storage_call
from okr_app.extensions import limiter

__all__ = ["StorageUnavailable", "record_failure", "record_success", "reserve_attempt"]


def check_settings(config):
    """Stop the app at start when ``OKR_LOGIN_IP_LIMIT`` is not a limit, not at every login."""
    text = config["OKR_LOGIN_IP_LIMIT"]
    try:
        parse(text)
    except ValueError as error:
        raise RuntimeError(
            f"OKR_LOGIN_IP_LIMIT: {text!r} is not a rate limit such as '30 per 3 minutes'"
        ) from error


@dataclass
class Refusal:
    """Why an attempt is refused before any password check, and for how long."""

    reason: str  # "locked", "busy" or "address"
    retry_after: int


def _items():
    """Return the failure window, the lock and the per-address limit from the settings."""
    config = current_app.config
    failures = RateLimitItemPerSecond(
        config["OKR_LOCKOUT_MAX_FAILURES"], config["OKR_LOCKOUT_WINDOW_SECONDS"]
    )
    lock = RateLimitItemPerSecond(1, config["OKR_LOCKOUT_SECONDS"])
    return failures, lock, parse(config["OKR_LOGIN_IP_LIMIT"])


def _namespace(name):
    """Return ``name`` under the configured key prefix, so deployments can share a Redis."""
    return f"{current_app.config['RATELIMIT_KEY_PREFIX']}:{name}"


def _retry_after(item, namespace, key):
    """Return the whole seconds until the window of ``item`` for ``key`` frees a slot."""
    stats = storage_call(limiter.limiter.get_window_stats, item, namespace, key)
    return max(1, math.ceil(stats.reset_time - time.time()))


def reserve_attempt(identifier, address):
    """Reserve one password check for ``identifier``; return a ``Refusal`` or ``None``."""
    failures, lock, per_address = _items()
    strategy = limiter.limiter
    if not storage_call(strategy.test, lock, _namespace("login-lock"), identifier):
        return Refusal("locked", _retry_after(lock, _namespace("login-lock"), identifier))
    if not storage_call(strategy.test, per_address, _namespace("login-address"), address):
        return Refusal("address", _retry_after(per_address, _namespace("login-address"), address))
    if not storage_call(strategy.hit, failures, _namespace("login"), identifier):
        return Refusal("busy", _retry_after(failures, _namespace("login"), identifier))
    return None


def record_failure(identifier, address):
    """Count a failed check; return True when it starts the lock of ``identifier``."""
    failures, lock, per_address = _items()
    strategy = limiter.limiter
    storage_call(strategy.hit, per_address, _namespace("login-address"), address)
    stats = storage_call(strategy.get_window_stats, failures, _namespace("login"), identifier)
    if stats.remaining > 0:
        return False
    return bool(storage_call(strategy.hit, lock, _namespace("login-lock"), identifier))


def record_success(identifier):
    """Forget the failures of ``identifier`` after a correct password."""
    failures, _, _ = _items()
    storage_call(limiter.limiter.clear, failures, _namespace("login"), identifier)
