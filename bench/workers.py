"""Audited writes by workers: okr_app and the floor with 1, N and 2N workers, side by side.

Every audited write appends to its actor's own chain, and the load's rows go through the
demo users in turn, so concurrent writes are mostly of different users. okr_app and the
floor run with each worker count, all six servers side by side (each idle while another is
measured), and take the same load in turn, ``rounds`` times: two connections per worker of
the largest count, so that every worker of every server always has a request waiting, as in
the other scenarios. Only the workers change between a server's figures; the floor's say
what more workers cost on this machine without okr_app. Each figure carries the CPU its
server's workers, the shared processes and the machine used per request: what a check-in
costs with that many workers, whatever else the host is doing.
"""

from bench import scenarios
from bench.loadgen import Load

TARGETS = {"okr_app": "wsgi:app", "floor": "bench.floor_app:app"}


def plan(workers):
    """Return the worker counts of the writes by workers, and their connections.

    The counts are 1, ``workers`` and twice that; the connections two per worker of the
    largest count, so that every worker of every server always has a request waiting.
    """
    counts = sorted({1, workers, 2 * workers})
    return counts, 2 * max(counts)


def measure(gunicorn, load, files, rounds, shared, workers):
    """Return audited writes per second by worker count, okr_app's beside the floor's.

    ``gunicorn(name, target, count)`` starts a server; ``shared`` names the processes the
    servers share (PostgreSQL, Redis), metered beside each server's workers.
    """
    counts, connections = plan(workers)
    servers = {
        (name, count): gunicorn(f"{name}_{count}w", target, count)
        for name, target in TARGETS.items()
        for count in counts
    }
    load = Load(load.threads, connections, load.warmup, load.duration)
    figures = scenarios.audited_writes_by_workers(servers, files, load, rounds, shared)
    for server in servers.values():
        server.stop()
    return {
        str(count): scenarios.beside_floor_by_workers(
            figures[("okr_app", count)], figures[("floor", count)]
        )
        for count in counts
    }
