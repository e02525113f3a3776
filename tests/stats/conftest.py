"""Build objectives, key results and check-ins through the API, on a frozen clock; read /stats."""

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import event

from okr_app.extensions import db
from okr_app.okr.kinds import KINDS
from tests.factories import check_in, create_key_result, create_objective

#: ``by_kind`` of statistics holding no key result.
NO_KINDS = dict.fromkeys(KINDS, 0)

NOW = datetime(2025, 11, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    """Freeze the clock at 2025-11-15 12:00 UTC (46 of Q4's 92 days are over tonight)."""
    with time_machine.travel(NOW, tick=False):
        yield


class Builder:
    """Create OKR data for one user through the HTTP API."""

    def __init__(self, client, headers):
        self.client = client
        self.headers = headers

    def objective(self, period, title="Objective", status=None):
        """Create an objective (and set its status) and return its id."""
        objective_id = create_objective(self.client, self.headers, title=title, period=period)["id"]
        if status:
            patched = self.client.patch(
                f"/objectives/{objective_id}", json={"status": status}, headers=self.headers
            )
            assert patched.status_code == 200, patched.get_json()
        return objective_id

    def key_result(self, objective_id, start=0.0, target=100.0, weight=1.0):
        """Create a key result and return its id."""
        key_result = create_key_result(
            self.client,
            self.headers,
            objective_id,
            title="Key result",
            metric="units",
            start_value=start,
            target_value=target,
            weight=weight,
        )
        return key_result["id"]

    def check_in(self, key_result_id, value, at, confidence=None):
        """Record a check-in at ``at`` (ISO string)."""
        body = {"value": value, "at": at}
        if confidence is not None:
            body["confidence"] = confidence
        response = check_in(self.client, self.headers, key_result_id, **body)
        assert response.status_code == 201, response.get_json()

    def close(self, objective_id, outcome):
        """Close an objective with ``outcome``."""
        response = self.client.post(
            f"/objectives/{objective_id}/close", json={"outcome": outcome}, headers=self.headers
        )
        assert response.status_code == 200, response.get_json()

    def reopen(self, objective_id):
        """Reopen a closed objective."""
        response = self.client.post(f"/objectives/{objective_id}/reopen", headers=self.headers)
        assert response.status_code == 200, response.get_json()


@pytest.fixture
def build(client, auth):
    """Return a ``Builder`` for a new user, and the user's headers."""
    _, _, headers = auth.user()
    return Builder(client, headers)


def stats(build, **query):
    """GET /stats and return the body."""
    response = build.client.get("/stats", query_string=query, headers=build.headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def count_queries(app, client, headers):
    """Return the number of SQL statements one GET /stats runs."""
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get("/stats", headers=headers).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len([s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE"))])
