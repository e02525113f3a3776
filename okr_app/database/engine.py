"""The database URL and the engine options, from the settings."""

import os


def database_url(config, instance_path):
    """Return the SQLAlchemy URL, defaulting to a SQLite file in the instance folder."""
    url = config.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "okr.sqlite3")
    # psycopg2 is the driver; SQLAlchemy 2.1 would otherwise pick psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    return url


def engine_options(config, url):
    """Return the engine options: pool sizes and timeouts from the settings."""
    # Idle connections are tested on checkout by okr_app/database/pool.py instead of every one.
    options = {"pool_pre_ping": False}
    if url.startswith("postgresql"):
        options.update(
            pool_size=config["OKR_DB_POOL_SIZE"],
            max_overflow=config["OKR_DB_MAX_OVERFLOW"],
            pool_timeout=config["OKR_DB_POOL_TIMEOUT_SECONDS"],
            connect_args={
                "connect_timeout": 5,
                "options": f"-c statement_timeout={config['OKR_DB_STATEMENT_TIMEOUT_MS']}",
            },
        )
    elif url.startswith("sqlite"):
        options["connect_args"] = {"timeout": 30}
    options.update(config["SQLALCHEMY_ENGINE_OPTIONS"])
    return options
