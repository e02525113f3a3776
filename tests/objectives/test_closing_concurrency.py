"""Parallel closes and reopens of one objective: exactly one of each kind wins."""

import pytest
from sqlalchemy import func, select

from okr_app.extensions import db
from okr_app.models import ObjectiveClosing
from tests.security.test_faults import run_in_threads


def closings(app):
    """Return how many closings exist, and how many are in force."""
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(ObjectiveClosing))
        open_ = db.session.scalar(
            select(func.count())
            .select_from(ObjectiveClosing)
            .where(ObjectiveClosing.reopened_at.is_(None))
        )
        return total, open_


@pytest.mark.concurrent
def test_of_parallel_closes_exactly_one_succeeds(app, owner):
    objective = owner.objective()
    path = f"/objectives/{objective['id']}"

    def send(index):
        with app.test_client() as client:
            action = "close" if index % 2 == 0 else "reopen"
            body = {"outcome": "achieved"} if action == "close" else None
            return action, client.post(
                f"{path}/{action}", headers=owner.headers, json=body
            ).status_code

    results = run_in_threads(10, send)
    statuses = sorted(status for action, status in results if action == "close")
    # A close may also meet the row being rewritten by a reopen (409 either way).
    assert statuses.count(200) >= 1
    assert set(statuses) <= {200, 409}
    total, open_ = closings(app)
    body = owner.get(path).get_json()
    assert open_ == (1 if body["closing"] else 0)
    assert total == statuses.count(200)
    assert body["status"] == ("completed" if body["closing"] else "active")


@pytest.mark.concurrent
def test_ten_parallel_closes_make_one_closing(app, owner):
    objective = owner.objective()
    path = f"/objectives/{objective['id']}/close"

    def close(_index):
        with app.test_client() as client:
            return client.post(path, headers=owner.headers, json={"outcome": "missed"}).status_code

    assert sorted(run_in_threads(10, close)) == [200] + [409] * 9
    assert closings(app) == (1, 1)
