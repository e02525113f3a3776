"""The ``flask db`` commands (Flask-Migrate), bound to the app only where they run.

Flask-Migrate imports Alembic and Mako: some 150 modules, 11 MB and 0.3 s in every process
that loads them. A web worker never migrates, so the app registers a ``db`` group of its
own that binds Flask-Migrate when a ``db`` command runs. Code that calls
Flask-Migrate's functions directly (``flask_migrate.upgrade()`` in the tests) calls
``bind`` first.
"""

import functools
import os

import click
from flask.cli import ScriptInfo
from sqlalchemy import inspect, text

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: Alembic's scripts. An installed wheel carries them inside the package, since a wheel only
#: holds packages; a checkout keeps them in its top-level ``migrations/`` folder.
MIGRATIONS_DIR = os.path.join(_PACKAGE, "migrations")
if not os.path.isdir(MIGRATIONS_DIR):
    MIGRATIONS_DIR = os.path.join(os.path.dirname(_PACKAGE), "migrations")


def init_app(app):
    """Register ``flask db``; Flask-Migrate is imported when one of its commands is asked for."""
    app.cli.add_command(MigrationCommands("db", help="Perform database migrations."))


def bind(app):
    """Bind Flask-Migrate to ``app`` (once) and return its ``db`` command group."""
    from flask_migrate import Migrate
    from flask_migrate.cli import db as commands

    if "migrate" not in app.extensions:
        from okr_app.extensions import db

        Migrate(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    return commands


UPGRADE = "run `flask --app wsgi db upgrade` first"


def schema_required(command):
    """Make ``command`` stop with a message, not a traceback, on a database not migrated."""

    @functools.wraps(command)
    def checked(*args, **kwargs):
        problem = schema_problem()
        if problem:
            raise click.ClickException(problem)
        return command(*args, **kwargs)

    return checked


def schema_problem():
    """Say why the database is behind the schema this code needs, or return None.

    A database built by the migrations must be at their latest revision (or one they do
    not know, a newer release's); one built without them (``db.create_all()``) must hold
    every table.
    """
    from okr_app.extensions import db

    tables = set(inspect(db.engine).get_table_names())
    if "alembic_version" not in tables:
        missing = sorted(set(db.metadata.tables) - tables)
        if missing:
            return f"The database has no table {missing[0]} (it is not migrated): {UPGRADE}."
        return None
    current = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    db.session.rollback()  # a long-running command (the worker) must not sit in a transaction
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(MIGRATIONS_DIR)
    latest = set(scripts.get_heads())
    known = {revision.revision for revision in scripts.walk_revisions()}
    # A revision it does not know is a newer release's: its web workers run there too.
    if current == latest or current - known:
        return None
    return (
        f"The database is at migration {', '.join(sorted(current)) or 'none'}, this version "
        f"of okr-tracker needs {', '.join(sorted(latest))}: {UPGRADE}."
    )


class MigrationCommands(click.Group):
    """Stands in for Flask-Migrate's ``db`` group until it is invoked, then hands over.

    ``flask --help`` lists it by this group's help alone; running ``flask db ...`` builds
    the context of Flask-Migrate's own group (its options, its commands), bound first.
    """

    def make_context(self, info_name, args, parent=None, **extra):
        """Return the context of Flask-Migrate's ``db`` group, bound to the loaded app."""
        app = parent.ensure_object(ScriptInfo).load_app()
        return bind(app).make_context(info_name, args, parent=parent, **extra)
