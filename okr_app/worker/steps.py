"""Steps of the worker that need to know about the process: stopping, in particular."""

import threading

from okr_app.webhooks.delivering import deliver_due

#: Set when the worker is told to stop (SIGTERM): the attempt in flight ends, no other starts.
STOPPING = threading.Event()


def deliver():
    """Deliver what is due until none is, or the worker is stopping."""
    return deliver_due(should_stop=STOPPING.is_set)
