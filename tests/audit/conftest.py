"""Fixtures of the audit tests."""

import pytest


@pytest.fixture
def trail(auth):
    """Write a few audit rows through the API: two accounts and an anonymous failure."""
    alice, _, _ = auth.user("alice@example.com")
    auth.login("alice@example.com", "wrong password here")
    auth.login("nobody@example.com", "wrong password here")
    bob, _, _ = auth.user("bob@example.com")
    return alice["id"], bob["id"]
