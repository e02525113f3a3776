"""The worker's periodic steps: what runs, how often, and the slot other areas add to.

Each entry names a setting holding its interval in seconds and a function run in an app
context with no argument; every one is idempotent and safe to run on several workers at
once. Another area schedules its own step by adding an entry here, as the audit trail's
checkpoint does.
"""

from importlib import import_module
from typing import NamedTuple


class Periodic(NamedTuple):
    """A step: its interval (seconds, or the name of a setting holding them) and function."""

    every: float | str
    function: str


PERIODIC_TASKS = {
    "deliver": Periodic("OKR_WORKER_POLL_SECONDS", "okr_app.worker.steps:deliver"),
    "reminders": Periodic("OKR_WORKER_SCAN_SECONDS", "okr_app.due.reminding:scan_reminders"),
    "disable-failing-webhooks": Periodic(
        "OKR_WORKER_SCAN_SECONDS", "okr_app.webhooks.maintenance:disable_failing_webhooks"
    ),
    "purge-events": Periodic(3600, "okr_app.webhooks.maintenance:purge_events"),
    "heartbeat": Periodic("OKR_WORKER_HEARTBEAT_SECONDS", "okr_app.worker.heartbeat:beat"),
    "audit-checkpoint": Periodic(
        "OKR_AUDIT_CHECKPOINT_SECONDS", "okr_app.audit.checkpoints:write_checkpoint"
    ),
}


def interval(task, config):
    """Return a step's interval in seconds."""
    return float(config[task.every] if isinstance(task.every, str) else task.every)


def function(task):
    """Return a step's function."""
    module, _, name = task.function.partition(":")
    return getattr(import_module(module), name)
