"""Helpers for the objective tests: one user's objective with key results and check-ins."""

import pytest

from tests.factories import check_in, create_key_result, create_objective


class Owner:
    """A user's headers and shortcuts for the objective endpoints."""

    def __init__(self, client, headers):
        self.client = client
        self.headers = headers

    def objective(self, **fields):
        """Create an objective and return its JSON."""
        return create_objective(self.client, self.headers, **fields)

    def key_result(self, objective_id, **fields):
        """Create a key result and return its JSON."""
        return create_key_result(self.client, self.headers, objective_id, **fields)

    def check_in(self, key_result_id, **fields):
        """Record a check-in; fail unless it is created."""
        response = check_in(self.client, self.headers, key_result_id, **fields)
        assert response.status_code == 201, response.get_json()

    def get(self, path):
        """GET ``path`` and return the response."""
        return self.client.get(path, headers=self.headers)

    def post(self, path, body=None, **headers):
        """POST ``body`` (JSON, if any) to ``path`` and return the response."""
        return self.client.post(path, headers={**self.headers, **headers}, json=body)


@pytest.fixture
def owner(client, auth):
    """A new user, as an ``Owner``."""
    _, _, headers = auth.user()
    return Owner(client, headers)
