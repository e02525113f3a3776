"""okr-tracker: personal objectives and key results behind a REST API.

The extensions are reached as ``extensions.<name>``: a bare ``api`` here would be replaced
by the ``okr_app.api`` package as soon as it is imported.
"""

from flask import Flask

from okr_app import config as settings
from okr_app import extensions


def create_app(config=None):
    """Create the application: defaults, ``instance/config.py``, environment, ``config``."""
    app = Flask(__name__, instance_relative_config=True, instance_path=settings.instance_path())
    settings.load_defaults(app.config)
    app.config.from_pyfile("config.py", silent=True)
    settings.load_environment(app.config)
    if config:
        app.config.update(config)
    settings.check_secret(app.config)
    settings.check_settings(app.config)
    settings.derive_library_settings(app.config, app.instance_path)
    app.url_map.strict_slashes = False
    # "/objectives//" is no route (a JSON 404), not a redirect: Flask answers redirects in HTML.
    app.url_map.merge_slashes = False

    register_extensions(app)
    register_errorhandlers(app)
    register_hooks(app)
    register_blueprints(app)
    register_commands(app)
    return app


def register_extensions(app):
    """Bind the extensions to ``app`` and the database behaviour to its engine."""
    from okr_app import database, models  # noqa: F401  (models: the tables)
    from okr_app.api import json, ratelimit
    from okr_app.api.spec import ContractPlugin
    from okr_app.auth import lockout, personal_tokens, tokens

    app.json = json.JSONProvider(app)
    extensions.db.init_app(app)
    with app.app_context():
        database.init_app(app, extensions.db.engine, extensions.db)
    extensions.api.init_app(app, spec_kwargs={"extra_plugins": [ContractPlugin(app.config)]})
    extensions.jwt.init_app(app)
    ratelimit.init_app(app)
    lockout.check_settings(app.config)
    extensions.limiter.init_app(app)
    tokens.init_app(app)
    personal_tokens.init_app(app)


def register_errorhandlers(app):
    """Answer every error in the API's JSON shape."""
    from okr_app.api import errors

    errors.init_app(app)


def register_hooks(app):
    """Install the request hooks: proxies, ids, bodies, tokens, keys, metrics, log, audit.

    None depends on the order of the others: the request id and the metrics start with the
    request (a signal sent before any hook), the log and the metrics take the final answer
    (a signal sent after every hook), and the audit hook is the one that commits.
    """
    from okr_app.api import authentication, hooks, idempotency
    from okr_app.audit import hook
    from okr_app.ops import metrics, request_log

    hooks.init_app(app)
    authentication.init_app(app)
    idempotency.init_app(app)
    metrics.init_app(app)
    request_log.init_app(app)
    hook.init_app(app)


def register_blueprints(app):
    """Register one flask-smorest blueprint per area, the documentation and the web interface."""
    from okr_app import web
    from okr_app.admin.routes import blp as admin_blp
    from okr_app.api import docs
    from okr_app.audit.routes import blp as audit_blp
    from okr_app.auth.routes import blp as auth_blp
    from okr_app.calendar.routes import blp as calendar_blp
    from okr_app.check_ins.routes import blp as check_ins_blp
    from okr_app.due.routes import blp as due_blp
    from okr_app.key_results.routes import blp as key_results_blp
    from okr_app.objectives.routes import blp as objectives_blp
    from okr_app.ops.routes import blp as ops_blp
    from okr_app.sharing.routes import blp as shares_blp
    from okr_app.stats.routes import blp as stats_blp
    from okr_app.transfer.routes import blp as transfer_blp
    from okr_app.webhooks.routes import blp as webhooks_blp

    docs.init_app(app)
    web.init_app(app)
    for blueprint in (
        auth_blp,
        objectives_blp,
        shares_blp,
        key_results_blp,
        check_ins_blp,
        stats_blp,
        due_blp,
        calendar_blp,
        webhooks_blp,
        transfer_blp,
        audit_blp,
        admin_blp,
        ops_blp,
    ):
        extensions.api.register_blueprint(blueprint)
        for tag in blueprint.extra_tags:
            extensions.api.spec.tag(tag)


def register_commands(app):
    """Add the ``flask`` command groups."""
    from okr_app.admin import commands as admin_commands
    from okr_app.audit import commands as audit_commands
    from okr_app.auth import commands as auth_commands
    from okr_app.database import migrations
    from okr_app.demo import commands as demo_commands
    from okr_app.ops import commands as ops_commands
    from okr_app.worker import commands as worker_commands

    migrations.init_app(app)
    auth_commands.init_app(app)
    audit_commands.init_app(app)
    admin_commands.init_app(app)
    demo_commands.init_app(app)
    ops_commands.init_app(app)
    worker_commands.init_app(app)
