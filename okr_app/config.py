"""Settings: built-in defaults, then ``instance/config.py``, then the environment."""

import ipaddress
import json
import math
import os
from datetime import timedelta

from okr_app.database import engine

#: The placeholder shipped in ``instance/config.example.py``; never accepted.
EXAMPLE_SECRET = "change-me-to-a-long-random-string"  # noqa: S105
MIN_SECRET_LENGTH = 32

#: Built-in defaults; every ``OKR_*`` name may be overridden by the environment.
DEFAULTS = {
    "DATABASE_URL": None,  # None means a SQLite file in the instance folder
    "SECRET_KEY": None,
    "REDIS_URL": None,
    "OKR_PASSWORD_MIN_LENGTH": 12,
    "OKR_PASSWORD_MAX_LENGTH": 128,
    "OKR_ARGON2_TIME_COST": 2,
    "OKR_ARGON2_MEMORY_KIB": 19456,
    "OKR_ARGON2_PARALLELISM": 1,
    "OKR_LOCKOUT_MAX_FAILURES": 5,
    "OKR_LOCKOUT_WINDOW_SECONDS": 180,
    "OKR_LOCKOUT_SECONDS": 300,
    "OKR_LOGIN_IP_LIMIT": "30 per 3 minutes",
    "OKR_ACCESS_TOKEN_SECONDS": 900,
    "OKR_REFRESH_TOKEN_SECONDS": 30 * 24 * 3600,
    "OKR_MAX_BODY_BYTES": 64 * 1024,
    "OKR_IMPORT_MAX_BYTES": 10 * 1024 * 1024,  # POST /import only
    # Objectives, key results, check-ins and closings per POST /import together.
    "OKR_IMPORT_MAX_RECORDS": 20_000,
    "OKR_IMPORT_MAX_CONCURRENT": 1,  # imports running at once in the whole deployment
    "OKR_IMPORT_LOCK_SECONDS": 120,  # the longest one user's import can keep the next waiting
    "OKR_TRUSTED_PROXIES": 0,
    "OKR_DB_POOL_SIZE": 5,
    "OKR_DB_MAX_OVERFLOW": 10,
    "OKR_DB_POOL_TIMEOUT_SECONDS": 10,
    "OKR_DB_STATEMENT_TIMEOUT_MS": 15000,
    "OKR_DB_PING_AFTER_IDLE_SECONDS": 1.0,
    "OKR_REDIS_TIMEOUT_SECONDS": 1.0,
    # After a Redis timeout or refusal, the limiter storage is not asked for this long.
    "OKR_REDIS_BREAKER_SECONDS": 5.0,
    "OKR_API_RATE_LIMIT": "600 per minute",  # per user (or per address without a token)
    # X-RateLimit-* on every answer: one more Redis round trip per request.
    "OKR_RATE_LIMIT_HEADERS": False,
    "OKR_METRICS_TOKEN": None,  # a scraper presents it as Bearer to read /metrics
    # Check-in cadence: a key result is stale this many days after its check-in was due.
    "OKR_STALE_AFTER_DAYS": 3,
    # Webhooks: delivery, retries and the addresses they may reach.
    "OKR_WEBHOOK_ALLOW_HTTP": False,
    "OKR_WEBHOOK_ALLOWED_NETWORKS": "",  # comma-separated CIDR list
    "OKR_WEBHOOK_RETRY_SCHEDULE": "5,300,1800,7200,18000,36000,36000",  # seconds
    "OKR_WEBHOOK_TIMEOUT_SECONDS": 10,
    "OKR_WEBHOOK_DISABLE_AFTER_DAYS": 5,
    "OKR_WEBHOOK_RETENTION_DAYS": 30,
    "OKR_WEBHOOK_MAX_PER_USER": 20,
    # The worker (flask --app wsgi worker).
    "OKR_WORKER_BROKER_URL": None,  # None: REDIS_URL, else a folder in the instance path
    "OKR_INSTANCE_PATH": None,  # read before the rest (okr_app.config.instance_path)
    "OKR_WORKER_CONCURRENCY": 4,
    "OKR_WORKER_POLL_SECONDS": 1.0,
    "OKR_WORKER_SCAN_SECONDS": 60,
    "OKR_WORKER_HEARTBEAT_SECONDS": 15,
    "OKR_WORKER_LATE_SECONDS": 90,
    # How often the worker checkpoints the audit chains: the window in which a cut goes unseen.
    "OKR_AUDIT_CHECKPOINT_SECONDS": 60,
    # The calendar feed: requests per feed token (and per address for unknown tokens).
    "OKR_CALENDAR_RATE_LIMIT": "60 per hour",
    # Share links: requests per link token (pages, JSON and badges together).
    "OKR_SHARE_RATE_LIMIT": "120 per minute",
    "OKR_PERSONAL_TOKEN_MAX_DAYS": 365,  # the latest expires_at of a personal access token
    "OKR_IDEMPOTENCY_KEY_SECONDS": 24 * 3600,  # how long a write's answer is kept for replay
    "OKR_CHECK_IN_BATCH_MAX_ITEMS": 500,  # check-ins per POST /check-ins
    # flask-smorest
    "API_TITLE": "okr-tracker",
    "API_VERSION": "1.0",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/docs/assets/",
    # Flask-Limiter
    "RATELIMIT_STRATEGY": "moving-window",
    "RATELIMIT_KEY_PREFIX": "okr",
    # flask-jwt-extended
    "JWT_TOKEN_LOCATION": ["headers"],
    "JWT_ALGORITHM": "HS256",
    "JWT_DECODE_ALGORITHMS": ["HS256"],
    "JWT_ERROR_MESSAGE_KEY": "message",
    # Tokens travel in headers only: a CSRF claim, meant for tokens in cookies, would only
    # lengthen every token (by a sixth) and every reading of it.
    "JWT_COOKIE_CSRF_PROTECT": False,
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    # Flask's signed session cookie carries only the web interface's CSRF token.
    "SESSION_COOKIE_NAME": "okr_form",
    "SESSION_COOKIE_PATH": "/app",  # the interface's paths (okr_app.web.session.INTERFACE)
    "SESSION_COOKIE_SAMESITE": "Lax",
    # Flask-WTF: the web interface checks the token itself (the API never), valid as long
    # as the browser keeps the cookie, so a page left open for hours still saves.
    "WTF_CSRF_CHECK_DEFAULT": False,
    "WTF_CSRF_TIME_LIMIT": None,
    "JSON_SORT_KEYS": False,
}

#: What a true/false setting takes from the environment, in any case.
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off", "")
#: Environment names that are not prefixed with ``OKR_``.
CONVENTIONAL_NAMES = ("DATABASE_URL", "SECRET_KEY", "REDIS_URL")

#: Limiter storage schemes served by a plain redis-py client.
REDIS_SCHEMES = frozenset({"redis", "rediss", "redis+unix"})


def instance_path(environ=os.environ):
    """Return the instance folder ``OKR_INSTANCE_PATH`` names, made absolute, or None.

    None lets Flask find its own: ``instance/`` beside the package in a checkout.
    """
    folder = environ.get("OKR_INSTANCE_PATH")
    return os.path.abspath(folder) if folder else None


def load_defaults(config):
    """Write the built-in defaults into ``config``."""
    for name, value in DEFAULTS.items():
        config[name] = value.copy() if isinstance(value, dict) else value


def load_environment(config, environ=os.environ):
    """Override settings from ``DATABASE_URL``, ``SECRET_KEY``, ``REDIS_URL`` and ``OKR_*``."""
    for name, raw in environ.items():
        if name in CONVENTIONAL_NAMES:
            config[name] = raw or None
        elif name.startswith("OKR_"):
            try:
                config[name] = parse_value(raw, DEFAULTS.get(name))
            except ValueError:  # json.JSONDecodeError is one too
                raise RuntimeError(
                    f"{name}={raw!r} is not {describe(DEFAULTS.get(name))}, "
                    f"like its default {DEFAULTS.get(name)!r}."
                ) from None


def describe(default):
    """Name the kind of value a setting of this default takes, for an error message."""
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, int):
        return "a whole number"
    return "a number" if isinstance(default, float) else "JSON"


def parse_value(raw, default):
    """Convert an environment string to the type of the setting's default."""
    if isinstance(default, bool):
        word = raw.strip().lower()
        if word not in TRUE_WORDS + FALSE_WORDS:
            raise ValueError(raw)
        return word in TRUE_WORDS
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        number = float(raw)
        if not math.isfinite(number):
            raise ValueError(raw)
        return number
    if isinstance(default, str) or default is None:
        return raw
    return json.loads(raw)


def seconds_list(text):
    """Return a comma-separated list of seconds ("5, 300") as numbers; raise ValueError."""
    numbers = [float(item) for item in str(text).split(",") if item.strip()]
    if not all(math.isfinite(number) and number >= 0 for number in numbers):
        raise ValueError(text)
    return numbers


def network_list(text):
    """Return a comma-separated CIDR list ("10.0.0.0/8, ::1") as networks; raise ValueError."""
    return tuple(
        ipaddress.ip_network(item.strip(), strict=False)
        for item in str(text or "").split(",")
        if item.strip()
    )


#: The longest a duration setting (``*_SECONDS``, ``*_DAYS``) may be: 100 years, which
#: dates can still be counted past.
LONGEST_DAYS = 36525
#: The longest password a login or a password change reads: no password may be longer.
PASSWORD_INPUT_MAX = 1024

#: The settings written as lists, each with its parser and the kind of value it takes.
LISTS = {
    "OKR_WEBHOOK_RETRY_SCHEDULE": (seconds_list, "comma-separated seconds, e.g. 5,300,1800"),
    "OKR_WEBHOOK_ALLOWED_NETWORKS": (network_list, "comma-separated CIDR, e.g. 10.0.0.0/8"),
}


def check_settings(config):
    """Refuse to run with a setting out of its range, naming it (``RuntimeError``)."""
    _check_lists(config)
    _check_durations(config)
    _check_password_bound(config)


def _check_lists(config):
    """Refuse a list setting that does not parse."""
    for name, (parse, kind) in LISTS.items():
        try:
            parse(config[name])
        except ValueError:
            raise RuntimeError(f"{name}={config[name]!r} is not {kind}.") from None


def _check_durations(config):
    """Refuse a ``*_SECONDS`` or ``*_DAYS`` setting below 0 or past 100 years."""
    for name in DEFAULTS:
        unit = name.rpartition("_")[2]
        if unit in ("SECONDS", "DAYS"):
            most = LONGEST_DAYS * (86400 if unit == "SECONDS" else 1)
            if not 0 <= config[name] <= most:
                raise RuntimeError(
                    f"{name}={config[name]!r} must lie from 0 to {most} (100 years)."
                )


def _check_password_bound(config):
    """Refuse a longest password that a login would not read, or one below the shortest."""
    longest = config["OKR_PASSWORD_MAX_LENGTH"]
    if not config["OKR_PASSWORD_MIN_LENGTH"] <= longest <= PASSWORD_INPUT_MAX:
        raise RuntimeError(
            f"OKR_PASSWORD_MAX_LENGTH={longest!r} must lie from OKR_PASSWORD_MIN_LENGTH to "
            f"{PASSWORD_INPUT_MAX}, the longest password a login reads: a longer one could "
            "be registered and never used."
        )


def derive_library_settings(config, instance_path):
    """Translate the project's settings into the names the extensions read."""
    url = engine.database_url(config, instance_path)
    config["SQLALCHEMY_DATABASE_URI"] = url
    config["SQLALCHEMY_ENGINE_OPTIONS"] = engine.engine_options(config, url)
    config["JWT_SECRET_KEY"] = config["SECRET_KEY"]
    config["JWT_ACCESS_TOKEN_EXPIRES"] = timedelta(seconds=config["OKR_ACCESS_TOKEN_SECONDS"])
    config["JWT_REFRESH_TOKEN_EXPIRES"] = timedelta(seconds=config["OKR_REFRESH_TOKEN_SECONDS"])
    config["MAX_CONTENT_LENGTH"] = config["OKR_MAX_BODY_BYTES"]
    config.setdefault("RATELIMIT_STORAGE_URI", config["REDIS_URL"] or "memory://")
    config.setdefault("RATELIMIT_HEADERS_ENABLED", config["OKR_RATE_LIMIT_HEADERS"])
    config["RATELIMIT_STORAGE_OPTIONS"] = {
        **limiter_storage_options(config["RATELIMIT_STORAGE_URI"], config),
        **config.get("RATELIMIT_STORAGE_OPTIONS", {}),
    }


def limiter_storage_options(uri, config):
    """Return the Redis client options that make an unreachable Redis fail fast."""
    if uri.split("://", 1)[0] not in REDIS_SCHEMES:
        return {}
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # redis-py waits 5 s per attempt and retries 3 times by default: a login would hang for
    # 20 s on a silent Redis instead of answering 503 at once.
    timeout = config["OKR_REDIS_TIMEOUT_SECONDS"]
    options = {
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
        "retry": Retry(NoBackoff(), retries=1),
    }
    scheme = uri.split("://", 1)[0]
    if scheme in ("redis", "rediss"):
        from okr_app.api.circuit import connection_class

        # A hanging Redis would cost every request the timeout: see okr_app/api/circuit.py.
        options["connection_class"] = connection_class(scheme, config["OKR_REDIS_BREAKER_SECONDS"])
    return options


def check_secret(config):
    """Refuse to run outside debug and testing without a real secret key."""
    if config.get("TESTING") or config.get("DEBUG"):
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = os.urandom(32).hex()
        return
    secret = config.get("SECRET_KEY")
    if not secret or secret == EXAMPLE_SECRET or len(secret) < MIN_SECRET_LENGTH:
        raise RuntimeError(
            "SECRET_KEY is missing, too short or the example value. Set a random one of at "
            f"least {MIN_SECRET_LENGTH} characters, e.g. "
            "export SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')\""
            " "
            "or SECRET_KEY = '...' in instance/config.py."
        )
