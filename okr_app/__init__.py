"""okr-tracker: personal objectives and key results behind a REST API."""

from flask import Flask

from okr_app import config as settings
from okr_app.extensions import api, db, jwt, limiter, migrate
from okr_app.json_provider import JSONProvider


def create_app(config=None):
    """Create the application: defaults, ``instance/config.py``, environment, ``config``."""
    app = Flask(__name__, instance_relative_config=True)
    app.json = JSONProvider(app)
    settings.load_defaults(app.config)
    app.config.from_pyfile("config.py", silent=True)
    settings.load_environment(app.config)
    if config:
        app.config.update(config)
    settings.check_secret(app.config)
    settings.derive_library_settings(app.config, app.instance_path)
    app.url_map.strict_slashes = False

    register_hooks(app)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    return app


def register_extensions(app):
    """Bind the extensions to ``app``."""
    from okr_app import connections, errors, models, ratelimit  # noqa: F401  (models: tables)
    from okr_app.auth import tokens

    db.init_app(app)
    with app.app_context():
        connections.ping_when_idle(db.engine, app.config["OKR_DB_PING_AFTER_IDLE_SECONDS"])
    migrate.init_app(
        app, db, directory=settings.MIGRATIONS_DIR, render_as_batch=True, compare_type=True
    )
    api.init_app(app)
    jwt.init_app(app)
    ratelimit.init_app(app)
    limiter.init_app(app)
    tokens.init_app(app)
    errors.init_app(app)


def register_blueprints(app):
    """Register one flask-smorest blueprint per area."""
    from okr_app import docs
    from okr_app.admin.routes import blp as admin_blp
    from okr_app.audit.routes import blp as audit_blp
    from okr_app.auth.routes import blp as auth_blp
    from okr_app.key_results.check_in_routes import blp as check_ins_blp
    from okr_app.key_results.routes import blp as key_results_blp
    from okr_app.objectives.lifecycle_routes import blp as lifecycle_blp
    from okr_app.objectives.routes import blp as objectives_blp
    from okr_app.ops.routes import blp as ops_blp
    from okr_app.stats.routes import blp as stats_blp
    from okr_app.transfer.routes import blp as transfer_blp

    docs.init_app(app)
    for blueprint in (
        auth_blp,
        objectives_blp,
        lifecycle_blp,
        key_results_blp,
        check_ins_blp,
        stats_blp,
        transfer_blp,
        audit_blp,
        admin_blp,
        ops_blp,
    ):
        api.register_blueprint(blueprint)


def register_hooks(app):
    """Install the request hooks: proxies, request ids, content types, metrics, audit.

    They come before the extensions' own hooks, so that even a request refused by the rate
    limiter has its request id, metrics and log line.
    """
    from okr_app import requests
    from okr_app.audit import hook
    from okr_app.ops import metrics, request_log

    # after_request hooks run last-registered first: the audit hook may replace the
    # response, so metrics and the request log are registered before it and see the result.
    metrics.init_app(app)
    request_log.init_app(app)
    requests.init_app(app)
    hook.init_app(app)


def register_commands(app):
    """Add the ``flask`` command groups."""
    from okr_app.admin import commands as admin_commands
    from okr_app.audit import commands as audit_commands
    from okr_app.auth import commands as auth_commands
    from okr_app.demo import commands as demo_commands
    from okr_app.ops import commands as ops_commands

    auth_commands.init_app(app)
    audit_commands.init_app(app)
    admin_commands.init_app(app)
    demo_commands.init_app(app)
    ops_commands.init_app(app)
