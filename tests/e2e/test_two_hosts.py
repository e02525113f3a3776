"""Two app hosts (gunicorn masters, each with its workers and pools) behind one nginx upstream.

They share PostgreSQL and Redis, and nothing else: the lockout, revocation and the audit
chains must hold across them, and nginx must keep answering when one of them dies.
"""

import http.client
import json
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path

import pytest

from bench.servers import port_open, wait_until
from tests.conftest import POSTGRES_URL
from tests.e2e.api import key_result_owner, login, register
from tests.e2e.client import Client
from tests.e2e.conftest import missing, require
from tests.e2e.stack import Stack, unique_email

USERS = 20
CHECK_INS_PER_USER = 8
WORKERS = 2  # per host


@pytest.fixture(scope="module")
def hosts():
    """Start a stack with two app hosts; yield it; stop it."""
    require(missing())
    directory = Path(tempfile.mkdtemp(prefix="okr-e2e-hosts-"))
    directory.chmod(0o755)
    deployed = Stack(directory, POSTGRES_URL, workers=WORKERS)
    try:
        try:
            deployed.start(host_count=2)
        except Exception:
            print(deployed.log_tails())
            raise
        yield deployed
    finally:
        deployed.stop()
        shutil.rmtree(directory, ignore_errors=True)


def direct(host):
    """Return a client talking to one host, bypassing nginx."""
    return Client(host.port)


def test_the_lockout_is_exact_when_failures_alternate_between_hosts(hosts):
    first, second = (direct(host) for host in hosts.hosts)
    email = unique_email("alternating")
    assert register(hosts.client(), email).status == 201
    failures = [login(client, email, "wrong password!") for client in [first, second] * 2]
    failures.append(login(first, email, "wrong password!"))
    assert [answer.status for answer in failures] == [401] * 5
    # Locked for 5 minutes, not merely refused for the rest of the 3-minute window.
    for client in (second, first):
        refused = login(client, email)
        assert refused.status == 429
        assert 290 <= int(refused.headers["retry-after"]) <= 300, refused.headers


def test_logout_on_one_host_refuses_the_token_on_the_other_at_once(hosts):
    first, second = (direct(host) for host in hosts.hosts)
    email = unique_email("logout")
    assert register(first, email).status == 201
    token = login(first, email).json()["access_token"]
    assert second.get("/auth/me", token=token).status == 200
    assert first.post("/auth/logout", token=token).status == 204
    assert second.get("/auth/me", token=token).status == 401


def writer(hosts, index):
    """Register a user with a key result through nginx; return its token and key result id."""
    return key_result_owner(hosts.client(), f"writer{index}", title="Scale")


def burst(hosts, writers, label, during=None):
    """Check in from every writer at once through nginx; return the acknowledged notes.

    ``during`` is called once, by the first writer, after its third check-in; the notes
    acknowledged after it returned are in ``burst.after``, the requests that failed in
    ``burst.failed``.
    """
    acknowledged, lock = [], threading.Lock()
    burst.after, burst.failed, done = [], [], threading.Event()

    def write(number, token, key_result_id):
        client = hosts.client()
        for each in range(CHECK_INS_PER_USER):
            if during is not None and number == 0 and each == 3:
                during()
                done.set()
            note = f"{label}-{number}-{each}"
            body = {"value": each, "note": note}
            try:
                answer = client.post(f"/key-results/{key_result_id}/check-ins", body, token=token)
            except (OSError, http.client.HTTPException):
                answer = None  # not acknowledged: the connection broke, before or within it
            with lock:
                if answer is not None and answer.status == 201:
                    acknowledged.append(note)
                    if done.is_set():
                        burst.after.append(note)
                else:
                    burst.failed.append(note)

    threads = [
        threading.Thread(target=write, args=(number, *each)) for number, each in enumerate(writers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return acknowledged


def stored_once(hosts, label, acknowledged):
    """Assert every acknowledged check-in of ``label`` is in the database exactly once."""
    rows = hosts.query(
        "SELECT note, count(*) FROM check_ins WHERE note LIKE %s GROUP BY note", f"{label}-%"
    )
    counts = dict(rows)
    assert all(count == 1 for count in counts.values()), counts
    assert set(acknowledged) <= set(counts)


def test_concurrent_writes_through_both_hosts_are_each_stored_once(hosts):
    writers = [writer(hosts, index) for index in range(USERS)]
    acknowledged = burst(hosts, writers, "both")
    assert len(acknowledged) == USERS * CHECK_INS_PER_USER
    stored_once(hosts, "both", acknowledged)
    for host in hosts.hosts:
        answered = [
            entry
            for entry in access_log(host)
            if entry["method"] == "POST" and entry["path"].endswith("/check-ins")
        ]
        assert len(answered) >= USERS, "each host took its share of the burst"
    # A sync worker serves one request at a time: its pool keeps one server connection.
    connections = dict(
        hosts.query(
            "SELECT application_name, count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name LIKE 'okr-host-%%' "
            "GROUP BY application_name"
        )
    )
    assert connections == {"okr-host-1": WORKERS, "okr-host-2": WORKERS}
    verified = hosts.flask("audit", "verify")
    assert "Audit trail intact" in verified.stdout, verified.stderr


def access_log(host):
    """Return the JSON access log entries of one host."""
    return [
        json.loads(line)
        for line in host.log().splitlines()
        if line.startswith("{") and '"pid"' in line
    ]


def test_killing_one_host_mid_burst_loses_no_acknowledged_write(hosts):
    writers = [writer(hosts, index) for index in range(USERS)]
    victim = hosts.hosts[1]

    def kill():
        os.killpg(victim.popen.pid, signal.SIGKILL)
        victim.popen.wait(10)
        # Its workers hold the listening socket until the last of them is gone.
        wait_until(lambda: not port_open(victim.port), 10, "the killed host's port to close")

    acknowledged = burst(hosts, writers, "killed", during=kill)
    assert not victim.running()
    # The kill came mid-burst: writes were acknowledged before it and after it.
    assert set(acknowledged) - set(burst.after), "writes were acknowledged before the kill"
    assert burst.after, "writes were acknowledged after the kill"
    # Only requests the killed host had taken failed (a POST nginx had passed on is never
    # passed again): every check-in sent once it was gone was answered by the other.
    later = {f"killed-0-{each}" for each in range(3, CHECK_INS_PER_USER)}
    assert later <= set(burst.after), burst.failed
    assert len(burst.failed) <= USERS, burst.failed  # at most one in flight per writer
    stored_once(hosts, "killed", acknowledged)
    # nginx keeps answering through the host left.
    answers = [hosts.client().get("/health").status for _ in range(10)]
    assert answers == [200] * 10
    token, key_result_id = writers[0]
    after = hosts.client().post(
        f"/key-results/{key_result_id}/check-ins", {"value": 99, "note": "after"}, token=token
    )
    assert after.status == 201
    wait_until(lambda: hosts.flask("audit", "checkpoint", check=False).returncode == 0, 30, "ok")
    verified = hosts.flask("audit", "verify", check=False)
    assert verified.returncode == 0, verified.stderr
