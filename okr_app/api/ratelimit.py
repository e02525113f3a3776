"""The per-user request rate limit on the whole API (``OKR_API_RATE_LIMIT``).

Flask-Limiter's storage and moving-window strategy count it, as they count the lockout,
under the key Flask-Limiter gives an application-wide limit
(``<prefix>/<user:id or address:ip>/global``). The check is a hook of its own, the first
of the request: Flask-Limiter's evaluation of an application limit (scopes, exemptions,
blueprint and meta limits, none of which this one uses) took more CPU per request than the
Redis round trip itself. Flask-Limiter still checks the limits declared on a view (the
calendar feed, share links) when that view runs.
"""

import functools
import time
from typing import NamedTuple

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import TooManyRequests

from okr_app.api.authentication import (
    login_token_claims,
    personal_token_check,
    presented_personal_token,
)
from okr_app.api.errors import discard_transaction
from okr_app.api.hooks import forget_when_requests_start
from okr_app.extensions import limiter

# Probes, documentation and the web interface's assets are not part of a user's budget.
EXEMPT_PATHS = frozenset({"/health", "/metrics", "/openapi.json", "/favicon.ico"})
EXEMPT_PREFIXES = ("/docs", "/app/static/")
#: The bucket's scope, the one Flask-Limiter names an application-wide limit's.
SCOPE = "global"
#: The headers ``OKR_RATE_LIMIT_HEADERS`` adds, named as Flask-Limiter names them.
LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


class StorageUnavailable(Exception):
    """The limiter storage cannot be reached."""


class ApiLimitExceeded(TooManyRequests):
    """The caller's budget of API requests is spent (429, the limit as its message)."""


class Spent(NamedTuple):
    """What the request spent of the API budget (``g.api_limit``)."""

    item: RateLimitItem  # the limit refused, else the one of the shortest window
    keys: tuple  # the counter's identifiers
    refused: bool


def init_app(app):
    """Check the API-wide limit first thing in every request; call before ``limiter.init_app``.

    A setting that does not read as limits stops the app here, rather than every request.
    """
    limit_items(app.config["OKR_API_RATE_LIMIT"])
    # With the storage down, requests go on without the limits declared on views too; logins
    # fail closed on their own (see okr_app/auth/lockout.py).
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    forget_when_requests_start(app, "api_limit")
    app.before_request(check_api_limit)
    app.after_request(add_limit_headers)


def check_api_limit():
    """Spend one request of the caller's budget; refuse with 429 once it is spent.

    Every request counts, those to no route or with a method the route does not take
    included; probes, documentation and static assets do not (``is_exempt``). With several
    limits (``10 per second; 600 per minute``) each is spent, the shortest window first,
    until one is over. An empty setting is no limit.
    """
    settings = current_app.config  # looked up once (``docs/PERFORMANCE.md``)
    items = limit_items(settings["OKR_API_RATE_LIMIT"])
    if not items or not limiter.enabled or is_exempt():
        return
    prefix = settings["RATELIMIT_KEY_PREFIX"]
    keys = (prefix, client_key(), SCOPE) if prefix else (client_key(), SCOPE)
    try:
        refused = next((item for item in items if not limiter.limiter.hit(item, *keys)), None)
    except Exception as error:  # every backend raises its own connection errors
        current_app.logger.warning("API rate limit skipped, its storage failed: %s", error)
        return
    g.api_limit = Spent(refused or items[0], keys, refused is not None)
    if refused is not None:
        raise ApiLimitExceeded(str(refused))


@functools.lru_cache(maxsize=8)
def limit_items(text):
    """Return the limits of ``text``, shortest window first (settings differ per app)."""
    if not text or not text.strip():
        return ()
    try:
        return tuple(sorted(parse_many(text), key=lambda item: item.get_expiry()))
    except ValueError as error:
        raise RuntimeError(
            f"OKR_API_RATE_LIMIT: {text!r} is not a rate limit such as '600 per minute'"
        ) from error


def refused_by_limit(response):
    """Tell whether a rate limit refused this request before its view did anything."""
    if response.status_code != 429:
        return False
    spent = g.get("api_limit")
    if spent is not None and spent.refused:
        return True
    refused = limiter.current_limit  # a limit declared on the view (Flask-Limiter's)
    return refused is not None and refused.breached


def add_limit_headers(response):
    """Write ``Retry-After`` on a refusal, and the API budget's headers when asked for.

    ``OKR_RATE_LIMIT_HEADERS`` tells every client where its API budget stands, at the price
    of one more Redis round trip; a view's own limit (Flask-Limiter's) writes its headers
    itself, and the API budget's are added where it wrote none.
    """
    spent = g.get("api_limit")
    headers_wanted = current_app.config["OKR_RATE_LIMIT_HEADERS"] and spent is not None
    if response.status_code != 429 and not headers_wanted:
        return response
    if spent is not None and spent.refused:
        _api_limit_headers(response, spent, retry_after=True)
    elif headers_wanted and LIMIT_HEADERS[0] not in response.headers:
        _api_limit_headers(response, spent, retry_after=False)
    if response.status_code == 429 and "Retry-After" not in response.headers:
        refused = limiter.current_limit  # a limit declared on the view (Flask-Limiter's)
        if refused is not None and refused.breached:
            reset_at, _remaining = _window(refused.limit, refused.request_args)
            response.headers["Retry-After"] = _seconds_until(reset_at)
    return response


def _api_limit_headers(response, spent, retry_after):
    """Write the API budget's ``Retry-After`` or ``X-RateLimit-*`` headers on ``response``."""
    reset_at, remaining = _window(spent.item, spent.keys)
    if retry_after:
        response.headers["Retry-After"] = _seconds_until(reset_at)
    if current_app.config["OKR_RATE_LIMIT_HEADERS"] and remaining is not None:
        values = (spent.item.amount, remaining, reset_at)
        for name, value in zip(LIMIT_HEADERS, values, strict=True):
            response.headers[name] = str(value)


def _window(item, keys):
    """Return ``(reset_at, remaining)`` of the window of ``item`` for ``keys``.

    With the storage failed since the check: the whole window from now (the safe answer),
    and None.
    """
    try:
        stats = limiter.limiter.get_window_stats(item, *keys)
    except Exception:  # every backend raises its own connection errors
        return time.time() + item.get_expiry(), None
    return int(stats.reset_time + 1), stats.remaining


def _seconds_until(moment):
    """Return ``Retry-After``'s whole seconds until ``moment``, at least 1."""
    return str(max(1, int(moment - time.time())))


def is_exempt():
    """Tell whether the request is a probe, documentation or a static asset."""
    path = request.path
    return path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIXES)


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
        try:
            return personal_token_key()
        except SQLAlchemyError:
            discard_transaction()
            return address_key()
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
