"""``flask audit verify`` on a long trail: its time and peak memory, on PostgreSQL.

    python -m bench.audit_verify [--rows 1000000 --accounts 10000]

Fills a fresh database with ``rows`` audit rows spread evenly over ``accounts`` chains
(hashed as the app hashes them, written with COPY) in two halves, with a checkpoint after
each, so that every chain moved between two checkpoints and ``audit verify`` looks each
one's earlier head up as well. Then runs ``flask --app wsgi audit verify`` as its own
process and reports its wall time and peak resident memory. It adds ``audit_verify`` to
bench/results/latest.json.
"""

import argparse
import io
import os
import secrets
import subprocess
import time
from datetime import UTC, datetime, timedelta

import psycopg2

from bench.database import Database, flask
from bench.heavy_user import add_postgres_argument, record
from bench.servers import BIN, ROOT
from okr_app.audit.chain import content_digest, link_hash

COLUMNS = (
    "chain_key", "seq", "at", "actor_id", "owner_id", "action", "resource_type", "resource_id",
    "outcome", "status_code", "method", "path", "ip", "user_agent", "request_id", "details",
    "prev_hash", "hash",
)  # fmt: skip
START = datetime(2026, 1, 1, tzinfo=UTC)


def arguments(argv=None):
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=10_000)
    add_postgres_argument(parser)
    return parser.parse_args(argv)


def chain_rows(account, length):
    """Yield the rows of one account's chain, each linked to the one before."""
    prev_hash = ""
    for seq in range(1, length + 1):
        row = {
            "chain_key": account,
            "at": START + timedelta(seconds=account * 7 + seq * 61, microseconds=seq),
            "actor_id": account,
            "owner_id": account,
            "action": "check_in.created",
            "resource_type": "check_in",
            "resource_id": str(account * 1000 + seq),
            "outcome": "success",
            "status_code": 201,
            "method": "POST",
            "path": "/key-results/1/check-ins",
            "ip": "127.0.0.1",
            "user_agent": "bench",
            "request_id": f"bench-{account}-{seq}",
            "details": {"value": seq},
        }
        row_hash = link_hash(prev_hash, seq, content_digest(row))
        yield {**row, "seq": seq, "prev_hash": prev_hash, "hash": row_hash}
        prev_hash = row_hash


def copy_line(row):
    """Return one row as a line of COPY's text format."""
    values = {**row, "at": row["at"].isoformat(), "details": f'{{"value": {row["seq"]}}}'}
    return "\t".join(str(values[name]) for name in COLUMNS) + "\n"


def fill(url, length, accounts, seqs):
    """Write the rows of each chain (``length`` long) whose seq is in ``seqs``, and the heads.

    Return the seconds it took.
    """
    started = time.monotonic()
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            buffer, heads = io.StringIO(), []
            for account in range(1, accounts + 1):
                for row in chain_rows(account, length):
                    if row["seq"] in seqs:
                        buffer.write(copy_line(row))
                        head = (account, row["seq"], row["prev_hash"], row["hash"])
                heads.append(head)
                if account % 500 == 0 or account == accounts:
                    buffer.seek(0)
                    cursor.copy_from(buffer, "audit_log", columns=COLUMNS)
                    buffer = io.StringIO()
            cursor.executemany(
                "INSERT INTO audit_chain_head (chain_key, seq, prev_hash, last_hash) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (chain_key) DO UPDATE SET seq = excluded.seq, "
                "prev_hash = excluded.prev_hash, last_hash = excluded.last_hash",
                heads,
            )
        connection.commit()
        with connection.cursor() as cursor:
            connection.autocommit = True
            cursor.execute("VACUUM ANALYZE audit_log")
    finally:
        connection.close()
    return time.monotonic() - started


def timed_verify(env):
    """Run ``audit verify``; return its exit code, wall seconds and peak RSS in MiB."""
    started = time.monotonic()
    process = subprocess.Popen(
        [BIN / "flask", "--app", "wsgi", "audit", "verify"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    output = process.stdout.read().decode() + process.stderr.read().decode()
    return os.waitstatus_to_exitcode(status), round(seconds, 1), usage.ru_maxrss / 1024, output


def main(argv=None):
    """Fill, verify, print and record the figures."""
    options = arguments(argv)
    database = Database(options.postgres, "verify").create()
    env = {**os.environ, "SECRET_KEY": secrets.token_urlsafe(48), "DATABASE_URL": database.url}
    try:
        flask(env, "db", "upgrade")
        length = options.rows // options.accounts
        fill_seconds = 0
        for seqs in (range(1, length // 2 + 1), range(length // 2 + 1, length + 1)):
            fill_seconds += fill(database.url, length, options.accounts, seqs)
            flask(env, "audit", "checkpoint")
        code, seconds, peak_mb, output = timed_verify(env)
    finally:
        database.drop()
    if code != 0:
        raise SystemExit(f"audit verify failed:\n{output}")
    figures = {
        "rows": options.rows,
        "accounts": options.accounts,
        "fill_seconds": round(fill_seconds, 1),
        "checkpoints": 2,
        "verify_seconds": seconds,
        "rows_per_second": round(options.rows / seconds),
        "peak_rss_mb": round(peak_mb, 1),
        "output": output.strip(),
    }
    print(
        f"audit verify: {options.rows} rows over {options.accounts} accounts in {seconds} s "
        f"({figures['rows_per_second']} rows/s), peak RSS {figures['peak_rss_mb']} MiB"
    )
    record("audit_verify", figures)


if __name__ == "__main__":
    main()
