"""A frozen clock and one user's journey through a quarter, built through the API."""

from datetime import UTC, datetime

import pytest
import time_machine

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
STAMP = "2026-03-15T12:00:00+00:00"


@pytest.fixture
def frozen():
    """Freeze the clock at 2026-03-15 12:00 UTC."""
    with time_machine.travel(NOW, tick=False):
        yield


class Account:
    """A user's headers and shortcuts for requests that must succeed."""

    def __init__(self, client, headers):
        self.client = client
        self.headers = headers

    def send(self, method, path, body=None, status=200):
        """Send a request, check its status and return the JSON answer."""
        response = self.client.open(path, method=method, headers=self.headers, json=body)
        assert response.status_code == status, response.data
        return response.get_json(silent=True)

    def export(self, query=""):
        """Return the response of GET /export."""
        return self.client.get(f"/export{query}", headers=self.headers)


@pytest.fixture
def account(frozen, client, auth):
    """A new user, as an ``Account``."""
    _, _, headers = auth.user()
    return Account(client, headers)


@pytest.fixture
def journey(account):
    """Objectives, key results, check-ins, two closings, a copy and a deleted key result.

    O1 2026-Q1: A subscribers 100 -> 500 (weight 2) at 300 = 50 %, B churn 8 -> 5 at 5.75
    = 75 %: (2 * 50 + 75) / 3 = 58.33, grade 0.58. Closed missed, reopened, closed
    achieved; then B is deleted (the closings keep it, without an id).
    O2 2026-Q2: a copy of O1 carrying A's 300. O3 2026: no key results, archived.
    """
    o1 = account.send("POST", "/objectives", {"title": "Grow", "period": "2026-Q1"}, 201)
    account.send("PATCH", f"/objectives/{o1['id']}", {"description": "Weekly issues"})
    body = {"objective_id": o1["id"], "title": "Subscribers", "metric": "people"}
    a = account.send(
        "POST", "/key-results", {**body, "start_value": 100, "target_value": 500, "weight": 2}, 201
    )
    body = {"objective_id": o1["id"], "title": "Churn", "metric": "%"}
    b = account.send("POST", "/key-results", {**body, "start_value": 8, "target_value": 5}, 201)
    check_ins = f"/key-results/{a['id']}/check-ins"
    first = {"value": 150, "at": "2026-01-10T09:00:00Z", "confidence": 0.6, "note": "Launch ✓"}
    account.send("POST", check_ins, first, 201)
    second = {"value": 300, "at": "2026-02-10T09:00:00Z", "source": "garmin"}
    account.send("POST", check_ins, second, 201)
    churn = {"value": 5.75, "at": "2026-02-01T00:00:00Z", "confidence": 0.8}
    account.send("POST", f"/key-results/{b['id']}/check-ins", churn, 201)
    path = f"/objectives/{o1['id']}"
    account.send("POST", f"{path}/close", {"outcome": "missed", "retrospective": "Too slow."})
    account.send("POST", f"{path}/reopen")
    account.send("POST", f"{path}/close", {"outcome": "achieved"})
    account.send("DELETE", f"/key-results/{b['id']}", status=204)
    o2 = account.send("POST", f"{path}/copy?carry_values=true", {"period": "2026-Q2"}, 201)
    o3 = account.send("POST", "/objectives", {"title": "Read", "period": "2026"}, 201)
    account.send(
        "PATCH", f"/objectives/{o3['id']}", {"status": "archived", "check_in_every_days": 7}
    )
    return {"o1": o1, "o2": o2, "o3": o3, "a": a, "b": b, "a2": o2["key_results"][0]}
