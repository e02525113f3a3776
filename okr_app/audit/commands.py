"""``flask audit`` commands: verify the trail, write a checkpoint."""

import sys

import click
from flask.cli import AppGroup

from okr_app.audit import verification
from okr_app.audit.checkpoints import write_checkpoint
from okr_app.database.migrations import schema_required
from okr_app.extensions import db

audit_cli = AppGroup("audit", help="The audit trail.")


def init_app(app):
    """Register the ``audit`` command group."""
    app.cli.add_command(audit_cli)


@audit_cli.command("verify")
@schema_required
def verify():
    """Check every chain and checkpoint; exit 1 naming the first bad row of each broken chain.

    Rows are streamed, so memory stays bounded however long the trail; on a terminal a
    progress bar shows how far it got.
    """
    if sys.stderr.isatty():
        with click.progressbar(
            length=verification.total_rows(), label="Verifying", file=sys.stderr
        ) as bar:
            report = verification.verify(progress=bar.update)
    else:
        report = verification.verify()
    db.session.rollback()
    counts = f"{report.rows} rows in {report.chains} chains, {report.checkpoints} checkpoints"
    if report.problems:
        click.echo(f"Audit trail broken ({counts} read):", err=True)
        for problem in report.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    click.echo(f"Audit trail intact: {counts}.")


@audit_cli.command("checkpoint")
@schema_required
def checkpoint():
    """Append a checkpoint holding every chain's head, chained to the previous checkpoint."""
    written = write_checkpoint()
    if written is None:
        click.echo("No checkpoint written: no chain moved since the latest one.")
        return
    click.echo(f"Checkpoint {written.seq} written: {written.chains} chains, hash {written.hash}.")
