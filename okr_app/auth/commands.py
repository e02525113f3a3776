"""``flask auth`` commands."""

import click
from flask.cli import AppGroup

from okr_app.auth import tokens
from okr_app.database.migrations import schema_required
from okr_app.extensions import db

auth_cli = AppGroup("auth", help="Sessions and tokens.")


def init_app(app):
    """Register the ``auth`` command group."""
    app.cli.add_command(auth_cli)


@auth_cli.command("purge-sessions")
@schema_required
def purge_sessions():
    """Delete sessions whose refresh lifetime is over."""
    count = tokens.purge_expired()
    db.session.commit()
    click.echo(f"Deleted {count} expired sessions.")
