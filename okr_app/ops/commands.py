"""``flask backup``: a consistent copy of the SQLite database; ``flask purge``: expired rows."""

import os
import sqlite3
import tempfile

import click
from flask.cli import with_appcontext

from okr_app.api import idempotency
from okr_app.auth import tokens
from okr_app.database.migrations import schema_required
from okr_app.extensions import db

PG_DUMP_HINT = (
    "backup copies SQLite databases only. For PostgreSQL use pg_dump, e.g. "
    'pg_dump --format=custom --file=okr.dump "$DATABASE_URL", '
    "and restore with pg_restore --clean --dbname=...."
)


def init_app(app):
    """Register the ``backup`` and ``purge`` commands."""
    app.cli.add_command(backup)
    app.cli.add_command(purge)


@click.command("purge")
@with_appcontext
@schema_required
def purge():
    """Delete idempotency keys and login sessions whose time is over; run it daily."""
    keys = idempotency.purge_expired()
    sessions = tokens.purge_expired()
    db.session.commit()
    click.echo(f"Deleted {keys} expired idempotency keys and {sessions} expired sessions.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup(path, force):
    """Write a consistent copy of the SQLite database to PATH, even while the app runs."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(PG_DUMP_HINT)
    source = url.database
    if not source or source == ":memory:" or not os.path.exists(source):
        raise click.ClickException(f"There is no SQLite database file to copy ({source!r}).")
    if os.path.exists(path) and os.path.samefile(path, source):
        raise click.ClickException("PATH is the live database itself; choose another file.")
    if os.path.exists(path) and not force:
        raise click.ClickException(f"{path} exists; pass --force to replace it.")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise click.ClickException(f"There is no folder {folder} to write the backup in.")
    pages = copy_database(source, path)
    click.echo(f"Backed up {source} to {path} ({pages} pages, integrity ok).")


def copy_database(source, target):
    """Copy ``source`` to ``target`` with SQLite's online backup API; return the page count.

    The copy is written next to ``target`` and renamed into place only once it is complete
    and passes an integrity check, so a failure never leaves a half-written backup.
    """
    directory = os.path.dirname(os.path.abspath(target))
    handle, partial = tempfile.mkstemp(prefix=".backup-", suffix=".sqlite3", dir=directory)
    os.close(handle)
    try:
        reader = sqlite3.connect(source)
        writer = sqlite3.connect(partial)
        try:
            # One step (pages=-1) copies a single snapshot under one read lock.
            reader.backup(writer, pages=-1)
            status = writer.execute("PRAGMA integrity_check").fetchone()[0]
            pages = writer.execute("PRAGMA page_count").fetchone()[0]
        finally:
            writer.close()
            reader.close()
        if status != "ok":
            raise click.ClickException(f"The copy failed its integrity check: {status}")
        os.replace(partial, target)
        return pages
    finally:
        if os.path.exists(partial):
            os.remove(partial)
