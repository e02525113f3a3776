"""The per-user request rate limit on the whole API (``OKR_API_RATE_LIMIT``)."""

import jwt
from flask import current_app, request
from flask_limiter.util import get_remote_address

# Probes and documentation are not part of a user's budget.
EXEMPT_PATHS = frozenset({"/health", "/metrics", "/openapi.json"})


def init_app(app):
    """Configure Flask-Limiter's application-wide limit; call before ``limiter.init_app``."""
    app.config.setdefault("RATELIMIT_APPLICATION", api_limit)
    app.config.setdefault("RATELIMIT_APPLICATION_EXEMPT_WHEN", is_exempt)
    # With the storage down, requests go on without the API limit; logins fail closed on
    # their own (see okr_app/auth/lockout.py).
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)


def api_limit():
    """Return the configured limit, read per request so every app may have its own."""
    return current_app.config["OKR_API_RATE_LIMIT"]


def is_exempt():
    """Tell whether the request is a probe or documentation."""
    return request.path in EXEMPT_PATHS or request.path.startswith("/docs")


def client_key():
    """Return ``user:<id>`` for a correctly signed token, else ``address:<client address>``.

    Only the signature and expiry are checked here, with PyJWT directly (no database, no
    claim checks, a third of flask-jwt-extended's cost): a forged token cannot spend another
    user's budget, and the view's own check refuses whatever else is wrong with a token.
    """
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        config = current_app.config
        try:
            claims = jwt.decode(
                header[7:],
                config["JWT_SECRET_KEY"],
                algorithms=config["JWT_DECODE_ALGORITHMS"],
                options={"require": ["exp", "sub"]},
            )
        except jwt.InvalidTokenError:
            pass
        else:
            return "user:" + str(claims["sub"])
    return "address:" + (get_remote_address() or "unknown")
