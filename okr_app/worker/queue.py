"""The Celery application of the worker, bound to the Flask app (Flask's documented pattern).

The broker is ``OKR_WORKER_BROKER_URL``, else Redis at ``REDIS_URL``, else a folder in the
instance path (kombu's filesystem transport): the SQLite default needs no other service.
The broker only carries the embedded beat's periodic triggers; what must be delivered lives
in the database (the outbox and the deliveries), so nothing is lost when the broker is.
"""

import logging
import os

from celery import Celery, Task
from celery.signals import after_setup_logger, worker_ready, worker_shutting_down
from flask import g

from okr_app.worker.schedule import PERIODIC_TASKS, function, interval
from okr_app.worker.steps import STOPPING

QUEUE = "okr"
#: Loggers that note every task taken and done (several a second here): warnings only.
CHATTY_LOGGERS = ("celery.app.trace", "celery.worker.strategy", "celery.beat")


def broker_settings(app):
    """Return the Celery settings naming the broker for ``app``.

    ``filesystem:///a/folder`` (or no broker at all: ``<instance>/broker``) keeps messages
    as files in that folder; any other URL is Celery's own (``redis://...``).
    """
    url = app.config["OKR_WORKER_BROKER_URL"] or app.config["REDIS_URL"]
    if url and not url.startswith("filesystem://"):
        return {"broker_url": url}
    folder = (url or "").removeprefix("filesystem://") or os.path.join(app.instance_path, "broker")
    os.makedirs(folder, exist_ok=True)
    return {
        # The host names nothing (the folders do); given, kombu does not warn of its absence.
        "broker_url": "filesystem://localhost/",
        "broker_transport_options": {
            "data_folder_in": folder,
            "data_folder_out": folder,
            "store_processed": False,
        },
    }


def make_celery(app):
    """Return a Celery app whose tasks run in ``app``'s context, with the periodic steps."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                g.writes_database = True  # SQLite: take the write lock when a step begins
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.conf.update(
        broker_settings(app),
        task_default_queue=QUEUE,
        task_ignore_result=True,
        result_backend=None,
        worker_prefetch_multiplier=1,
        worker_enable_remote_control=False,
        broker_connection_retry_on_startup=True,
        timezone="UTC",
        beat_schedule={
            name: {
                "task": "okr.periodic",
                "schedule": interval(task, app.config),
                "args": (name,),
                # A trigger not taken by then is dropped: the next one does the same work.
                "options": {"expires": max(interval(task, app.config) * 2, 5)},
            }
            for name, task in PERIODIC_TASKS.items()
        },
    )
    celery.task(name="okr.periodic")(run_periodic)
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


def run_periodic(name):
    """Run the periodic step ``name`` (a Celery task, in the app's context)."""
    task = PERIODIC_TASKS.get(name)
    if task is not None:
        return function(task)()
    return None


@worker_shutting_down.connect
def _stop_taking_work(**_kwargs):
    """Let the step in flight finish its attempt and take no other."""
    STOPPING.set()


@worker_ready.connect
def _run_every_step_now(sender=None, **_kwargs):
    """Run each periodic step once at start, instead of one interval later."""
    for name in PERIODIC_TASKS:
        sender.app.send_task("okr.periodic", args=(name,), queue=QUEUE)


@after_setup_logger.connect
def _quiet_routine_logs(**_kwargs):
    """Keep one line per task out of the log; failures are still logged."""
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
