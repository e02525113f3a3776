"""``flask audit`` commands."""

import sys

import click
from flask.cli import AppGroup

from okr_app.audit import chain

audit_cli = AppGroup("audit", help="The audit trail.")


def init_app(app):
    """Register the ``audit`` command group."""
    app.cli.add_command(audit_cli)


@audit_cli.command("verify")
def verify():
    """Walk the hash chain; exit 1 naming the first row that was altered, deleted or inserted."""
    checked, problem = chain.verify()
    if problem:
        click.echo(f"Audit chain broken after {checked} good rows: {problem}", err=True)
        sys.exit(1)
    click.echo(f"Audit chain intact: {checked} rows.")
