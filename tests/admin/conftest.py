"""Fixtures of the admin area: an admin made through the CLI."""

import pytest

from tests.conftest import PASSWORD, bearer


def make_admin(app, auth, email):
    """Create an admin with ``flask users create-admin`` and return its profile and headers."""
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", email, "--password-stdin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    tokens = auth.login(email).get_json()
    profile = auth.client.get("/auth/me", headers=bearer(tokens["access_token"])).get_json()
    return profile, bearer(tokens["access_token"])


@pytest.fixture
def admin(app, auth):
    """An admin's ``(profile, headers)``."""
    return make_admin(app, auth, "root@example.com")
