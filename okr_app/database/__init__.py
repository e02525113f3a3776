"""How the app talks to its database: engine options, pooled connections, SQLite settings."""

from okr_app.database import pool, sqlite, teardown


def init_app(app, engine, db):
    """Attach the connection behaviour the settings ask for to ``engine``, and end sessions."""
    teardown.init_app(app, db)
    pool.ping_when_idle(engine, app.config["OKR_DB_PING_AFTER_IDLE_SECONDS"])
    if engine.dialect.name == "sqlite":
        sqlite.configure(engine)
