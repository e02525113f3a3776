"""The ``web`` fixture: a browser-like client of the interface, with its CSRF token."""

import re
import uuid

import pytest

from tests.conftest import PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class WebActions:
    """Fill in the interface's forms as a browser would, CSRF token included."""

    def __init__(self, client):
        self.client = client

    def token(self, path="/app/register"):
        """Return the CSRF token of the form on ``path``."""
        page = self.client.get(path)
        return TOKEN.search(page.get_data(as_text=True)).group(1)

    def post(self, path, data=None, form_page="/app/register", **kwargs):
        """Post ``data`` to ``path`` with the token of ``form_page``; return the response."""
        body = {"csrf_token": self.token(form_page), **(data or {})}
        return self.client.post(path, data=body, **kwargs)

    def register(self, email=None, password=PASSWORD):
        """Create an account through the form and return its e-mail."""
        email = email or f"web-{uuid.uuid4().hex[:8]}@example.com"
        response = self.post("/app/register", {"email": email, "password": password})
        assert response.status_code == 303, response.get_data(as_text=True)
        return email

    def login(self, email, password=PASSWORD):
        """Log in through the form and return the response."""
        return self.post("/app/login", {"email": email, "password": password})

    def user(self):
        """Register and log in a new account; return its e-mail."""
        email = self.register()
        assert self.login(email).status_code == 303
        return email

    def create_objective(self, title="Grow the newsletter", period="2026-Q1", **fields):
        """Create an objective through the new objective form; return its id."""
        data = {"title": title, "period": period, **fields}
        response = self.post("/app/new", data, form_page="/app/new")
        assert response.status_code == 303, response.get_data(as_text=True)
        return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture
def web(client):
    """The ``WebActions`` helper."""
    return WebActions(client)


def etag_of(page):
    """Return the version tag of the first form on a page."""
    return re.search(r'name="etag" value="([^"]+)"', page.get_data(as_text=True)).group(1)
