"""The interface served under a path prefix (``/okr/app``): links, cookies and the way back.

A WSGI server's ``SCRIPT_NAME`` (gunicorn takes it from the environment), or a trusted
proxy's ``X-Forwarded-Prefix``, sets the prefix.
"""

import re

import pytest

from okr_app.web.routes import blp
from okr_app.web.session import INTERFACE
from tests.conftest import PASSWORD, WholeAnswerClient
from tests.web.conftest import TOKEN, WebActions

PREFIX = "/okr"


class PrefixedClient(WholeAnswerClient):
    """A browser reaching the app at ``http://localhost/okr/``: ``SCRIPT_NAME`` is ``/okr``."""

    def open(self, *args, **kwargs):
        """Send the request under the prefix (its path is within the app, as always)."""
        kwargs.setdefault("base_url", f"http://localhost{PREFIX}/")
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    """The test client, under ``PREFIX``."""
    return PrefixedClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def web(client):
    """The ``WebActions`` helper of that client."""
    return WebActions(client)


def cookie_paths(response):
    """Return ``{cookie name: its Path}`` of the response's ``Set-Cookie`` headers."""
    paths = {}
    for header in response.headers.getlist("Set-Cookie"):
        name = header.split("=", 1)[0]
        paths[name] = re.search(r"Path=([^;]+)", header).group(1)
    return paths


def test_links_cookies_and_the_way_back_after_login_carry_the_prefix(client, web):
    first = client.get("/app/register")
    page = first.text
    assert f'action="{PREFIX}/app/register"' in page and f'href="{PREFIX}/app/static/' in page
    assert cookie_paths(first) == {"okr_form": f"{PREFIX}/app"}
    email = web.register()
    logged_in = web.login(email)
    assert logged_in.headers["Location"] == f"{PREFIX}/app"
    assert cookie_paths(logged_in)["okr_session"] == f"{PREFIX}/app"
    objective_id = web.create_objective()
    path = f"/app/objectives/{objective_id}"
    assert f'href="{PREFIX}{path}"' in client.get("/app?period=2026-Q1").text
    logged_out = web.post("/app/logout", form_page="/app")
    assert logged_out.status_code == 303
    assert re.search(rf"okr_session=; .*Path={PREFIX}/app", logged_out.headers["Set-Cookie"])
    # A page asked for while logged out: to the login form, and back to it afterwards.
    asked = client.get(path)
    assert asked.headers["Location"] == f"{PREFIX}/app/login?next={path}"
    login_page = client.get(asked.headers["Location"].removeprefix(PREFIX))
    assert f'name="next" value="{path}"' in login_page.text
    back = client.post(
        "/app/login",
        data={
            "csrf_token": TOKEN.search(login_page.text).group(1),
            "email": email,
            "password": PASSWORD,
            "next": path,
        },
    )
    assert back.headers["Location"] == f"{PREFIX}{path}"
    assert client.get(path).status_code == 200


def test_a_form_sent_after_logout_links_back_to_its_page_under_the_prefix(client, web):
    web.user()
    path = f"/app/objectives/{web.create_objective()}"
    token = TOKEN.search(client.get(path).text).group(1)
    client.delete_cookie("okr_session", path=f"{PREFIX}/app")
    refused = client.post(
        path + "/edit",
        data={"csrf_token": token, "title": "Late", "period": "2026-Q1"},
        headers={"Referer": f"http://localhost{PREFIX}{path}"},
    )
    assert refused.status_code == 401
    assert f'href="{PREFIX}/app/login?next={path}"' in refused.text


def test_a_login_target_outside_the_interface_goes_to_the_dashboard(client, web):
    email = web.register()
    for target in ("https://elsewhere.example/", "//elsewhere.example/app", "/apple", "/docs"):
        answer = web.post(
            "/app/login",
            {"email": email, "password": PASSWORD, "next": target},
            form_page="/app/login",
        )
        assert answer.headers["Location"] == f"{PREFIX}/app", target
        web.post("/app/logout", form_page="/app")


@pytest.mark.settings(OKR_TRUSTED_PROXIES=1)
def test_a_trusted_proxys_prefix_is_the_apps(app):
    client = app.test_client()
    page = client.get("/app/login", headers={"X-Forwarded-Prefix": PREFIX})
    assert f'action="{PREFIX}/app/login"' in page.text
    assert cookie_paths(page) == {"okr_form": f"{PREFIX}/app"}


def test_an_untrusted_prefix_header_is_ignored(app):
    page = app.test_client().get("/app/login", headers={"X-Forwarded-Prefix": PREFIX})
    assert 'action="/app/login"' in page.text


def test_the_interfaces_path_is_one_for_its_pages_and_both_cookies(app):
    assert blp.url_prefix == app.config["SESSION_COOKIE_PATH"] == INTERFACE == "/app"
