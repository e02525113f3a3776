"""Exports stream: memory stays flat however many check-ins there are."""

import gc
import json
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
from flask import has_app_context, has_request_context
from sqlalchemy import event, insert, select, update

from okr_app.extensions import db
from okr_app.models import CheckIn, KeyResult
from tests.conftest import BACKEND

FIRST = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def key_result(account):
    """One objective with one key result, for check-ins written straight to the database."""
    objective = account.send("POST", "/objectives", {"title": "Busy", "period": "2025"}, 201)
    body = {"objective_id": objective["id"], "title": "Steps", "metric": "n"}
    return account.send("POST", "/key-results", body, 201)


def add_check_ins(app, key_result, start, count):
    """Insert ``count`` check-ins a minute apart, valued by their number from ``start``."""
    with app.app_context():
        owner = db.session.get(KeyResult, key_result["id"]).user_id
        rows = [
            {
                "key_result_id": key_result["id"],
                "user_id": owner,
                "at": FIRST + timedelta(minutes=number),
                "value": float(number),
            }
            for number in range(start, start + count)
        ]
        db.session.execute(insert(CheckIn), rows)
        db.session.commit()


def streamed(account, query=""):
    """Read an export chunk by chunk, keeping none; return its size and the memory peak."""
    gc.collect()  # garbage left by earlier requests must not count
    tracemalloc.start()
    try:
        response = account.client.get(f"/export{query}", headers=account.headers, buffered=False)
        assert response.status_code == 200
        size = sum(len(chunk) for chunk in response.response)
        response.close()
        return size, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_check_ins(app, account, key_result):
    add_check_ins(app, key_result, 0, 2000)
    small, small_peak = streamed(account)
    small_csv, small_csv_peak = streamed(account, "?format=csv")
    add_check_ins(app, key_result, 2000, 28000)
    large, large_peak = streamed(account)
    large_csv, large_csv_peak = streamed(account, "?format=csv")
    assert large > 2_000_000 and large > 10 * small
    assert large_csv > 10 * small_csv
    # 28,000 more check-ins (2 MB more JSON) cost no more than half a megabyte; reading
    # them all at once would cost some 8 MB.
    assert large_peak < small_peak + 512 * 1024
    assert large_csv_peak < small_csv_peak + 512 * 1024
    (objective,) = json.loads(account.export().data)["objectives"]
    values = [item["value"] for item in objective["key_results"][0]["check_ins"]]
    assert values == [float(number) for number in range(30000)]


def test_check_ins_are_read_through_a_streaming_cursor(app, account, key_result):
    add_check_ins(app, key_result, 0, 10)
    seen = []

    def record(_connection, cursor, statement, _parameters, context, _executemany):
        if "FROM check_ins" in statement and "ORDER BY" in statement:
            seen.append((context.execution_options.get("stream_results"), cursor))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert account.export().status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    ((stream_results, cursor),) = seen
    assert stream_results is True
    if BACKEND == "postgresql":
        assert cursor.name  # a named cursor lives on the server: rows come in batches


def test_an_answer_read_by_the_test_client_leaves_no_context_behind(account, key_result):
    """A streamed export read whole by the client pops its request's contexts at once.

    Otherwise a test that never reads an export to the end leaves them pushed on the thread,
    and a later test pops them from its own context ("Popped wrong app context").
    """
    answer = account.export("?format=csv")  # held, as a test holds what it then checks
    assert answer.status_code == 200
    assert not has_app_context() and not has_request_context()
    response = account.client.get("/export", headers=account.headers, buffered=False)
    assert has_request_context()  # the streamed answer holds them until it is read
    response.close()
    assert not has_app_context() and not has_request_context()


@pytest.mark.concurrent  # another connection commits in the middle of the export
def test_an_export_reads_one_snapshot_while_the_account_changes(app, account, key_result):
    """A check-in committed between the export's statements is in none of them.

    Each statement seeing its own snapshot (PostgreSQL's default) gave the key result its
    value from before and its check-ins from after: a document the import refuses.
    """
    path = f"/key-results/{key_result['id']}/check-ins"
    account.send("POST", path, {"value": 5, "at": "2025-06-01T00:00:00Z"}, 201)
    with app.app_context():
        engine = db.engine
    written = []

    def write_meanwhile(_connection, _cursor, statement, _parameters, _context, _many):
        if "FROM check_ins" in statement and "ORDER BY" in statement and not written:
            written.append(True)
            with engine.begin() as other:  # another client's check-in, committed now
                owner = other.execute(
                    select(KeyResult.user_id).where(KeyResult.id == key_result["id"])
                ).scalar()
                at = datetime(2025, 7, 1, tzinfo=UTC)
                other.execute(
                    insert(CheckIn).values(
                        key_result_id=key_result["id"], user_id=owner, at=at, value=9.0
                    )
                )
                other.execute(
                    update(KeyResult)
                    .where(KeyResult.id == key_result["id"])
                    .values(current_value=9.0)
                )

    event.listen(engine, "before_cursor_execute", write_meanwhile)
    try:
        exported = account.export()
    finally:
        event.remove(engine, "before_cursor_execute", write_meanwhile)
    assert written and exported.status_code == 200
    document = json.loads(exported.data)
    (item,) = document["objectives"][0]["key_results"]
    assert [row["value"] for row in item["check_ins"]] == [5.0]
    assert item["current_value"] == 5.0
    account.send("POST", "/import", document, 201)
    assert (
        json.loads(account.export().data)["objectives"][0]["key_results"][0]["current_value"] == 9
    )
