"""``flask worker``: deliver webhooks and run the periodic scans until SIGTERM."""

import click
from flask import current_app
from flask.cli import with_appcontext

from okr_app.database.migrations import schema_required

#: Log levels that ask for no more than warnings: Celery's start-up banner is left out.
QUIET_LEVELS = ("WARNING", "ERROR", "CRITICAL")


def init_app(app):
    """Register the ``worker`` command."""
    app.cli.add_command(worker)


@click.command("worker")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    help="Threads taking tasks (OKR_WORKER_CONCURRENCY).",
)
@click.option(
    "--beat/--no-beat",
    default=True,
    help="Schedule the periodic steps in this process (the default). Steps are idempotent, "
    "so several workers each scheduling them is safe.",
)
@click.option("--loglevel", default="INFO", show_default=True)
@with_appcontext
@schema_required
def worker(concurrency, beat, loglevel):
    """Deliver webhooks and run the reminder scans and housekeeping until stopped.

    SIGTERM (or Ctrl-C) stops it gracefully: each attempt in flight is finished first.
    """
    # Celery (with kombu, billiard, amqp) loads here, in the worker only: the web
    # application's processes never use it (docs/PERFORMANCE.md).
    from okr_app.worker.queue import make_celery

    celery = make_celery(current_app._get_current_object())
    threads = concurrency or current_app.config["OKR_WORKER_CONCURRENCY"]
    # Celery's banner is information: left out when only warnings are asked for.
    quiet = ["--quiet"] if loglevel.upper() in QUIET_LEVELS else []
    argv = [
        *quiet,
        "worker",
        "--pool=threads",
        f"--concurrency={threads}",
        f"--loglevel={loglevel}",
        f"--queues={celery.conf.task_default_queue}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    if beat:
        # The in-memory scheduler: nothing to persist, nothing written to disk.
        argv += ["--beat", "--scheduler=celery.beat:Scheduler"]
    celery.worker_main(argv)
