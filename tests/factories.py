"""Small factories that build objectives, key results and check-ins through the API."""

import json
from datetime import UTC, datetime

import time_machine

from tests.conftest import bearer

#: (at, value) check-ins on the line y = 1.5 + 3.5 x, x in days since 1 January 2026.
POINTS = (("2026-01-01T00:00:00Z", 2), ("2026-01-02T00:00:00Z", 4), ("2026-01-03T00:00:00Z", 9))
#: Where the tests of the kinds of key result start their clock, in the period 2025-Q1.
JAN_1 = datetime(2025, 1, 1, tzinfo=UTC)
#: One key result of each kind, by the fields that define it and a first value.
EVERY_KIND = {
    "increase": {"current_value": 20},
    "decrease": {"start_value": 10, "target_value": 0, "current_value": 5},
    "stay_above": {"threshold": 10, "current_value": 12},
    "stay_below": {"threshold": 3, "current_value": 2},
    "stay_in_range": {"range_min": 1, "range_max": 2, "current_value": 5},
    "milestone": {"due_on": "2025-01-15"},
}


def create_objective(client, headers, **fields):
    """Create an objective (period 2026-Q1 unless given) and return its JSON."""
    body = {"title": "Grow the newsletter", "period": "2026-Q1", **fields}
    response = client.post("/objectives", headers=headers, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def create_key_result(client, headers, objective_id, **fields):
    """Create a key result under ``objective_id`` and return its JSON."""
    body = {"objective_id": objective_id, "title": "Reach subscribers", "metric": "people"}
    response = client.post("/key-results", headers=headers, json={**body, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def create_every_kind(client, headers, objective_id):
    """Create one key result of each kind of ``EVERY_KIND``; return them by kind."""
    return {
        kind: create_key_result(client, headers, objective_id, kind=kind, **fields)
        for kind, fields in EVERY_KIND.items()
    }


def check_in(client, headers, key_result_id, /, **fields):
    """Record a check-in and return the response."""
    return client.post(f"/key-results/{key_result_id}/check-ins", headers=headers, json=fields)


def record_check_ins(client, headers, key_result_id, points):
    """Record ``(at, value)`` check-ins, each of which must be accepted."""
    for at, value in points:
        response = check_in(client, headers, key_result_id, value=value, at=at)
        assert response.status_code == 201, response.get_json()


def raw_json(client, method, path, headers, text):
    """Send ``text`` verbatim as a JSON body (for literals such as NaN) and return the response."""
    return client.open(
        path, method=method, headers=headers, data=text, content_type="application/json"
    )


def pagination(response):
    """Return the decoded ``X-Pagination`` header."""
    return json.loads(response.headers["X-Pagination"])


def create_token(client, headers, **fields):
    """Create a personal access token (read and write unless given) and return its JSON."""
    body = {"name": "cron", "scopes": ["read", "write"], **fields}
    response = client.post("/auth/tokens", headers=headers, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


class Session:
    """A user whose clock can move: ``at(moment)`` moves it and logs in again."""

    def __init__(self, client, auth, traveller):
        self.client = client
        self.auth = auth
        self.traveller = traveller
        profile, _tokens, self.headers = auth.user()
        self.email = profile["email"]

    def at(self, moment):
        """Move the clock to ``moment`` with fresh tokens."""
        self.traveller.move_to(moment)
        tokens = self.auth.login(self.email).get_json()
        self.headers = bearer(tokens["access_token"])
        return self.headers

    def get(self, path):
        """Return the JSON of a GET that must succeed."""
        response = self.client.get(path, headers=self.headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()


def session_on_jan_1(client, auth):
    """Yield a ``Session`` whose clock starts on 1 January 2025: a fixture's body.

    A module takes it as its ``session`` fixture with ``session = pytest.fixture(...)``.
    """
    with time_machine.travel(JAN_1, tick=False) as traveller:
        yield Session(client, auth, traveller)
