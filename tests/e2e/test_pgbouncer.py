"""The deployed stack with PgBouncer in transaction mode between the app and PostgreSQL.

What docs/SCALING.md says transaction pooling requires of the app, shown on the running
service: a few server connections serve every worker's pool, the migrations, the worker and
the CLI; concurrent audited writes, revocation, a streamed export (a server-side cursor)
and ``audit verify`` all work through it.
"""

import shutil
import tempfile
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL
from tests.e2e.api import key_result_owner, login, register
from tests.e2e.conftest import missing, require
from tests.e2e.stack import PASSWORD, PgBouncer, Stack, in_parallel, unique_email

USERS = 6
CHECK_INS_PER_USER = 5


@pytest.fixture(scope="module")
def pooled():
    """Start PgBouncer and a stack whose app reaches PostgreSQL through it; stop both."""
    require(missing() + ([] if shutil.which("pgbouncer") else ["pgbouncer"]))
    directory = Path(tempfile.mkdtemp(prefix="okr-e2e-pgbouncer-"))
    directory.chmod(0o755)
    pooler = PgBouncer(directory, POSTGRES_URL).start()
    deployed = Stack(directory, POSTGRES_URL, workers=3, pooler=pooler)
    try:
        try:
            deployed.start()
        except Exception:
            print(deployed.log_tails(), pooler.log()[-3000:])
            raise
        yield deployed
    finally:
        deployed.stop()
        pooler.stop()
        shutil.rmtree(directory, ignore_errors=True)


def write_all(stack, token, key_result_id, label):
    """Record this user's check-ins one after another; return the statuses."""
    client = stack.client()
    return [
        client.post(
            f"/key-results/{key_result_id}/check-ins",
            {"value": number, "note": f"{label}-{number}"},
            token=token,
        ).status
        for number in range(CHECK_INS_PER_USER)
    ]


def test_concurrent_audited_writes_go_through_a_few_server_connections(pooled):
    accounts = [key_result_owner(pooled.client(), "pooled", title="Pooled") for _ in range(USERS)]
    statuses = in_parallel(
        [
            lambda token=token, key_result_id=key_result_id, number=number: write_all(
                pooled, token, key_result_id, f"pooled{number}"
            )
            for number, (token, key_result_id) in enumerate(accounts)
        ]
    )
    assert statuses == [[201] * CHECK_INS_PER_USER] * USERS
    stored = pooled.scalar("SELECT count(*) FROM check_ins WHERE note LIKE %s", "pooled%")
    assert stored == USERS * CHECK_INS_PER_USER
    verified = pooled.flask("audit", "verify")
    assert "Audit trail intact" in verified.stdout, verified.stderr
    # Every transaction above passed through PgBouncer, pooled per transaction, on no more
    # server connections than its pool holds, while 3 workers, the worker process and the
    # CLI each kept client connections of their own.
    (pool,) = [row for row in pooled.pooler.show("POOLS") if row["database"] == pooled.database]
    assert pool["pool_mode"] == "transaction"
    servers = sum(pool[name] for name in ("sv_active", "sv_idle", "sv_used", "sv_tested"))
    assert servers <= pooled.pooler.pool_size
    (stats,) = [row for row in pooled.pooler.show("STATS") if row["database"] == pooled.database]
    assert stats["total_xact_count"] > USERS * CHECK_INS_PER_USER


def test_logout_revokes_at_once_through_the_pooler(pooled):
    client = pooled.client()
    email = unique_email("pooled-logout")
    assert register(client, email).status == 201
    token = login(client, email, PASSWORD).json()["access_token"]
    assert client.get("/auth/me", token=token).status == 200
    assert client.post("/auth/logout", token=token).status == 204
    assert all(client.get("/auth/me", token=token).status == 401 for _ in range(6))


def test_an_export_streams_through_a_server_side_cursor_in_its_transaction(pooled):
    token, key_result_id = key_result_owner(pooled.client(), "pooled", title="Pooled")
    assert write_all(pooled, token, key_result_id, "exported") == [201] * CHECK_INS_PER_USER
    exported = pooled.client().get("/export", token=token)
    assert exported.status == 200
    (objective,) = exported.json()["objectives"]
    notes = [item["note"] for item in objective["key_results"][0]["check_ins"]]
    assert notes == [f"exported-{number}" for number in range(CHECK_INS_PER_USER)]
