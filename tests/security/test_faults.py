"""Faults: the database going away, concurrent writers, and requests failing half way."""

import threading
from datetime import UTC, datetime, timedelta

import psycopg2
import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from okr_app.audit import verification
from okr_app.extensions import db
from okr_app.models import AuditRow, CheckIn, KeyResult, Objective, User
from tests.conftest import PASSWORD, POSTGRES_URL, bearer, migrating_app
from tests.factories import create_key_result, create_objective


def run_in_threads(count, target):
    """Run ``target(index)`` in ``count`` threads released together; return their results."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(index):
        barrier.wait()
        results[index] = target(index)

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def count(app, model):
    """Return the number of rows of ``model``."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


class Outage:
    """Refuse and cut every connection to one PostgreSQL database, then let them back."""

    def __init__(self, url):
        server = make_url(url)
        self.name = server.database
        self.admin = psycopg2.connect(
            host=server.host,
            port=server.port or 5432,
            user=server.username,
            password=server.password,
            dbname="postgres",
        )
        self.admin.autocommit = True

    def start(self):
        """Refuse new connections and terminate the open ones."""
        cursor = self.admin.cursor()
        cursor.execute(f"ALTER DATABASE {self.name} ALLOW_CONNECTIONS false")
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (self.name,),
        )

    def end(self):
        """Accept connections again."""
        self.admin.cursor().execute(f"ALTER DATABASE {self.name} ALLOW_CONNECTIONS true")


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
def test_database_outage_answers_503_and_recovers_by_itself(scratch_postgres_url):
    app = migrating_app(scratch_postgres_url)
    with app.app_context():
        upgrade()
    client = app.test_client()
    client.post("/auth/register", json={"email": "ada@example.com", "password": PASSWORD})
    login = client.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    headers = bearer(login.get_json()["access_token"])
    create_objective(client, headers, title="Before")
    outage = Outage(scratch_postgres_url)
    outage.start()
    try:
        for method, path, body in [
            ("GET", "/objectives", None),
            ("POST", "/objectives", {"title": "During", "period": "2026"}),
            ("POST", "/auth/login", {"email": "ada@example.com", "password": PASSWORD}),
        ]:
            response = client.open(path, method=method, json=body, headers=headers)
            assert response.status_code == 503, (method, path, response.get_json())
            assert response.get_json()["code"] == 503
            assert "Traceback" not in response.get_data(as_text=True)
        health = client.get("/health")
        assert health.status_code == 503
        assert health.get_json()["database"].startswith("unavailable")
    finally:
        outage.end()
    assert client.get("/health").status_code == 200
    titles = [item["title"] for item in client.get("/objectives", headers=headers).get_json()]
    assert titles == ["Before"]
    create_objective(client, headers, title="After")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Objective)) == 2
        assert verification.verify().problems == []
        db.session.remove()
        db.engine.dispose()
    outage.admin.close()


@pytest.mark.concurrent
def test_fifty_parallel_registrations_of_one_email_make_one_account(app):
    def register(_index):
        with app.test_client() as client:
            body = {"email": "race@example.com", "password": PASSWORD}
            return client.post("/auth/register", json=body).status_code

    statuses = run_in_threads(50, register)
    assert sorted(statuses) == [201] + [409] * 49
    assert count(app, User) == 1
    with app.app_context():
        report = verification.verify()
        assert (report.rows, report.problems) == (50, [])


@pytest.mark.concurrent
def test_fifty_parallel_check_ins_keep_every_row_and_a_consistent_value(app, client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"], target_value=1000)
    start = datetime.now(UTC) - timedelta(hours=2)

    def check_in(index):
        at = (start + timedelta(minutes=index)).isoformat()
        with app.test_client() as other:
            return other.post(
                f"/key-results/{key_result['id']}/check-ins",
                json={"value": index, "at": at},
                headers=headers,
            ).status_code

    statuses = run_in_threads(50, check_in)
    assert statuses == [201] * 50
    assert count(app, CheckIn) == 50
    current = client.get(f"/key-results/{key_result['id']}", headers=headers).get_json()
    assert current["current_value"] == 49  # the latest by ``at``, whatever order they landed in
    with app.app_context():
        assert db.session.get(KeyResult, key_result["id"]).current_value == 49
        assert verification.verify().problems == []


@pytest.mark.concurrent
def test_parallel_if_match_updates_have_exactly_one_winner(app, client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    etag = client.get(f"/objectives/{objective['id']}", headers=headers).headers["ETag"]

    def update(index):
        with app.test_client() as other:
            return other.patch(
                f"/objectives/{objective['id']}",
                json={"title": f"T{index}"},
                headers={**headers, "If-Match": etag},
            ).status_code

    statuses = run_in_threads(20, update)
    assert sorted(statuses) == [200] + [412] * 19
    title = client.get(f"/objectives/{objective['id']}", headers=headers).get_json()["title"]
    assert title == f"T{statuses.index(200)}"


REFUSE_KEY_RESULT_DELETES = {
    "sqlite": [
        "CREATE TRIGGER keep_key_results BEFORE DELETE ON key_results"
        " BEGIN SELECT RAISE(ABORT, 'refused'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION keep_key_results() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN RAISE EXCEPTION 'refused'; END $$",
        "CREATE TRIGGER keep_key_results BEFORE DELETE ON key_results"
        " FOR EACH ROW EXECUTE FUNCTION keep_key_results()",
    ],
}


def test_a_request_failing_half_way_leaves_no_partial_data(app, client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"])
    client.post(f"/key-results/{key_result['id']}/check-ins", json={"value": 5}, headers=headers)
    with app.app_context():
        for statement in REFUSE_KEY_RESULT_DELETES[db.engine.dialect.name]:
            db.session.execute(text(statement))
        db.session.commit()
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production
    response = client.delete(f"/objectives/{objective['id']}", headers=headers)
    assert response.status_code == 500
    assert response.get_json()["code"] == 500
    assert count(app, Objective) == 1
    assert count(app, KeyResult) == 1
    assert count(app, CheckIn) == 1
    with app.app_context():
        row = db.session.scalar(select(AuditRow).order_by(AuditRow.id.desc()).limit(1))
        assert (row.method, row.outcome, row.status_code) == ("DELETE", "error", 500)
