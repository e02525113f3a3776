"""Fixtures of the key result tests: a user with one objective, and its progress."""

import pytest

from tests.factories import create_objective


@pytest.fixture
def owner(client, auth):
    """A user with one objective: ``(headers, objective)``."""
    _, _, headers = auth.user()
    return headers, create_objective(client, headers)


def objective_progress(client, headers, objective_id):
    """Return the objective's progress as the API reports it."""
    return client.get(f"/objectives/{objective_id}", headers=headers).get_json()["progress"]
