"""The per-user request rate limit on the whole API (``OKR_API_RATE_LIMIT``)."""

import time

from flask import current_app, request
from flask_limiter import ApplicationLimit
from flask_limiter.util import get_remote_address
from sqlalchemy.exc import SQLAlchemyError

from okr_app.api.authentication import (
    login_token_claims,
    personal_token_check,
    presented_personal_token,
)
from okr_app.api.errors import discard_transaction
from okr_app.extensions import limiter

# Probes, documentation and the web interface's assets are not part of a user's budget.
EXEMPT_PATHS = frozenset({"/health", "/metrics", "/openapi.json", "/favicon.ico"})
EXEMPT_PREFIXES = ("/docs", "/app/static/")


class StorageUnavailable(Exception):
    """The limiter storage cannot be reached."""


def init_app(app):
    """Declare the API-wide limit and its key; call before ``limiter.init_app``."""
    limit = ApplicationLimit(
        limit_provider=api_limit, key_function=client_key, exempt_when=is_exempt
    )
    limiter.limit_manager.set_application_limits([limit.bind(limiter)])
    # With the storage down, requests go on without the API limit; logins fail closed on
    # their own (see okr_app/auth/lockout.py).
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    # Flask-Limiter skips requests without an endpoint (404, 405): they count as well.
    app.config.setdefault("RATELIMIT_REQUEST_IDENTIFIER", request_identity)
    app.after_request(add_retry_after)


def request_identity():
    """Return the request's endpoint, or ``unrouted`` for a path or method no route takes."""
    return request.endpoint or "unrouted"


def refused_by_limit():
    """Tell whether the rate limiter refused this request before any view ran."""
    refused = limiter.current_limit
    return refused is not None and refused.breached


def add_retry_after(response):
    """Tell a client refused by the API limit when its budget returns: ``Retry-After``.

    Flask-Limiter writes it only with the ``X-RateLimit-*`` headers (``OKR_RATE_LIMIT_HEADERS``),
    which cost a Redis round trip on every request; here it costs one on a refusal only.
    """
    if response.status_code != 429 or "Retry-After" in response.headers:
        return response
    refused = limiter.current_limit
    if refused is not None and refused.breached:
        try:
            reset_at = refused.reset_at
        except Exception:  # the storage failed since the refusal: the whole window is safe
            reset_at = time.time() + refused.limit.get_expiry()
        response.headers["Retry-After"] = str(max(1, int(reset_at - time.time())))
    return response


def api_limit():
    """Return the configured limit, read per request so every app may have its own."""
    return current_app.config["OKR_API_RATE_LIMIT"]


def is_exempt():
    """Tell whether the request is a probe, documentation or a static asset."""
    return request.path in EXEMPT_PATHS or request.path.startswith(EXEMPT_PREFIXES)


def client_key():
    """Return ``user:<id>`` for a token of a live session, else ``address:<client address>``.

    The token is checked as the authentication checks it, once per request (the view
    takes the answer): a forged token, or one whose session was revoked (logout, password
    change), spends its sender's address budget, never its owner's. With the database
    unreachable the address pays too; the failed transaction is rolled back so the view
    meets a clean session and answers 503 itself. A personal access token spends its
    owner's budget (all their tokens share it); an unknown, expired or revoked one spends
    the address's.
    """
    if presented_personal_token() is not None:
        return personal_token_key()
    if request.headers.get("Authorization", "").startswith("Bearer "):
        try:
            claims = login_token_claims()
        except SQLAlchemyError:
            discard_transaction()
            claims = None
        if claims is not None:
            return "user:" + str(claims["sub"])
    return address_key()


def address_key():
    """Return the key of the client's address."""
    return "address:" + (get_remote_address() or "unknown")


def personal_token_key():
    """Return ``user:<owner id>`` for a valid personal access token, else the address key.

    The token is looked up once per request; the authentication reuses the answer.
    """
    found = personal_token_check()
    if isinstance(found, str):
        return address_key()
    _token, user = found
    return "user:" + str(user.id)


def storage_call(function, *args):
    """Call the limiter storage, turning any storage failure into ``StorageUnavailable``."""
    try:
        return function(*args)
    except Exception as error:  # every backend raises its own connection errors
        raise StorageUnavailable(str(error)) from error


def check_storage():
    """Raise ``StorageUnavailable`` unless the limiter storage answers."""
    if not storage_call(limiter.storage.check):
        raise StorageUnavailable("the rate-limit storage did not answer")
