"""CPU time by process during a run: where a request's CPU goes on a machine all share.

Every server of the benchmark (wrk, gunicorn's workers, PostgreSQL, Redis) runs on the
same cores, so a request's cost is the CPU of all of them. ``CpuMeter`` reads each group's
user and system time from ``/proc`` before and after a run, and the whole machine's busy
time, and divides by the requests served. Linux only, like the rest of the benchmark.
"""

import os
from pathlib import Path

PROC = Path("/proc")
#: Clock ticks per second, the unit of the times in ``/proc``.
TICKS = os.sysconf("SC_CLK_TCK")


def process_ticks(pid):
    """Return the user + system ticks a process has used, or None once it is gone."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


def named_pids(name):
    """Return the pids of the processes whose command is ``name`` (``comm``), any owner."""
    pids = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def machine_busy_ticks():
    """Return the ticks all cores spent on anything but idling or waiting for the disk."""
    fields = [int(value) for value in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields) - fields[3] - fields[4]  # less idle and iowait


class CpuMeter:
    """Measure the CPU each group of processes uses during a ``with`` block.

    ``groups`` maps a name to a function returning the group's pids, asked at both ends:
    a process that starts during the block counts whole, one that ends in it is lost.
    """

    def __init__(self, groups):
        self.groups = groups
        self.used = None

    def _snapshot(self):
        ticks = {
            name: {pid: process_ticks(pid) for pid in pids()} for name, pids in self.groups.items()
        }
        return ticks, machine_busy_ticks()

    def __enter__(self):
        self._before = self._snapshot()
        return self

    def __exit__(self, *_exc):
        (before, busy_before), (after, busy_after) = self._before, self._snapshot()
        self.used = {
            name: sum(
                now - (before[name].get(pid) or 0)
                for pid, now in after[name].items()
                if now is not None
            )
            for name in self.groups
        }
        self.used["machine"] = busy_after - busy_before
        return False

    def per_request(self, requests):
        """Return each group's CPU (and the machine's) in microseconds per request."""
        return {
            name: round(ticks * 1_000_000 / TICKS / max(requests, 1))
            for name, ticks in self.used.items()
        }
