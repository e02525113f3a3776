"""The interface's safety: CSRF, the Content-Security-Policy, cookies, isolation from the API."""

import re

import pytest

from tests.conftest import PASSWORD
from tests.factories import create_objective
from tests.web.conftest import TOKEN
from tests.webhooks.conftest import LOOPBACK


def test_a_form_post_without_the_csrf_token_is_refused(client, web, app):
    """Every state-changing form checks the token: login and registration included."""
    email = web.register()
    for path, data in (
        ("/app/login", {"email": email, "password": "a perfectly long passphrase"}),
        ("/app/register", {"email": "x@example.com", "password": "a perfectly long passphrase"}),
    ):
        refused = client.post(path, data=data)
        assert refused.status_code == 400
        assert "out of date" in refused.get_data(as_text=True)
        assert "okr_session" not in refused.headers.get("Set-Cookie", "")
    assert web.login(email).status_code == 303
    refused = client.post("/app/new", data={"title": "Sneaky", "period": "2026-Q1"})
    assert refused.status_code == 400
    forged = client.post(
        "/app/new", data={"title": "Sneaky", "period": "2026-Q1", "csrf_token": "forged"}
    )
    assert forged.status_code == 400
    assert "Sneaky" not in client.get("/app?period=2026-Q1").get_data(as_text=True)


def test_every_page_sends_the_content_security_policy(client, web):
    """No script, styles only from the app, never framed; on error pages too."""
    for path in ("/app/login", "/app/register", "/app/nowhere", "/app"):
        _check_headers(client.get(path), path)
    web.user()
    for path in _pages(client, web):
        response = client.get(path)
        assert response.status_code == 200, path
        _check_headers(response, path)
        html = response.get_data(as_text=True)
        assert "<script" not in html and " style=" not in html and "<style" not in html, path


def _check_headers(response, path):
    """Assert the interface's security headers on ``response``."""
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
    assert "script-src" not in policy and "unsafe" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def _pages(client, web):
    """Create an objective with a key result; return the paths of every page of a user."""
    objective_id = web.create_objective(
        **{"key_results-0-title": "Subscribers", "key_results-0-metric": "people"}
    )
    page = client.get(f"/app/objectives/{objective_id}").get_data(as_text=True)
    key_result = re.search(r'href="(/app/key-results/\d+)"', page).group(1)
    return (
        "/app",
        "/app/new",
        "/app/settings",
        f"/app/objectives/{objective_id}",
        f"/app/objectives/{objective_id}/delete",
        key_result,
        key_result + "/delete",
    )


def test_no_page_names_an_external_url(client, web):
    """Every asset and link stays on the app itself: the interface works offline."""
    pages = [client.get(path).get_data(as_text=True) for path in ("/app/login", "/app/register")]
    web.user()
    pages += [client.get(path).get_data(as_text=True) for path in _pages(client, web)]
    for html in pages:
        urls = re.findall(r'(?:href|src|action)="([^"]*)"', html)
        assert urls
        assert all(url.startswith(("/", "#")) for url in urls), urls
        assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "https://" not in html


def test_another_users_objective_and_key_result_answer_404(client, auth, web):
    """Ownership answers 404 in the interface as in the API, for reads and writes alike."""
    _profile, _tokens, headers = auth.user()
    theirs = create_objective(client, headers)
    key_result = client.post(
        "/key-results",
        headers=headers,
        json={"objective_id": theirs["id"], "title": "Theirs", "metric": "x"},
    ).get_json()
    web.user()
    assert client.get(f"/app/objectives/{theirs['id']}").status_code == 404
    assert client.get(f"/app/key-results/{key_result['id']}").status_code == 404
    token = web.token("/app/new")
    for path, data in (
        (f"/app/objectives/{theirs['id']}/edit", {"title": "Mine now", "period": "2026-Q1"}),
        (f"/app/objectives/{theirs['id']}/delete", {}),
        (f"/app/objectives/{theirs['id']}/copy", {"period": "2026-Q2"}),
        (f"/app/key-results/{key_result['id']}/check-ins", {"value": "5"}),
    ):
        response = client.post(path, data={"csrf_token": token, "etag": "", **data})
        assert response.status_code == 404, path
        assert "Page not found" in response.get_data(as_text=True)
    assert client.get(f"/objectives/{theirs['id']}", headers=headers).get_json()["title"] == (
        "Grow the newsletter"
    )


def test_a_cookie_alone_does_not_authenticate_the_api(client, web):
    """The API reads only bearer tokens: the interface's cookie gets 401 there."""
    web.user()
    assert client.get("/app").status_code == 200
    response = client.get("/objectives")
    assert response.status_code == 401
    assert response.get_json()["code"] == 401


def test_the_login_cookie_is_httponly_samesite_and_scoped(client, web):
    """The cookie cannot be read by scripts, is not sent cross-site, and only to /app."""
    email = web.register()
    response = web.login(email)
    cookie = next(
        value
        for value in response.headers.getlist("Set-Cookie")
        if value.startswith("okr_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/app" in cookie
    assert "Secure" not in cookie  # plain http here; see the https test


@pytest.mark.settings(OKR_TRUSTED_PROXIES=1)
def test_the_cookies_are_secure_behind_https(client, web):
    """Behind a proxy speaking https, both cookies carry Secure."""
    https = {"X-Forwarded-Proto": "https"}
    page = client.get("/app/login", headers=https)
    token = TOKEN.search(page.get_data(as_text=True)).group(1)
    email = web.register()
    response = client.post(
        "/app/login",
        data={"csrf_token": token, "email": email, "password": "a perfectly long passphrase"},
        headers={**https, "Referer": "https://localhost/app/login"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in value for value in cookies)


def test_a_forged_cookie_is_ignored(client, web):
    """A cookie not signed by the app names no session."""
    web.user()
    client.set_cookie("okr_session", "WyJhYmMiLCAxXQ.forged", path="/app")
    assert client.get("/app").status_code == 303


def test_user_text_is_escaped_everywhere(client, web):
    """Titles are shown as text, never as markup, in pages and in the chart."""
    web.user()
    hostile = '<script>alert("x")</script>'
    objective_id = web.create_objective(
        title=hostile, **{"key_results-0-title": hostile, "key_results-0-metric": "<b>m</b>"}
    )
    page = client.get(f"/app/objectives/{objective_id}").get_data(as_text=True)
    assert "<script>" not in page and "&lt;script&gt;" in page
    key_result = re.search(r'href="(/app/key-results/\d+)"', page).group(1)
    html = client.get(key_result).get_data(as_text=True)
    assert "<script>" not in html and "<b>m</b>" not in html


@pytest.mark.settings(**LOOPBACK)
def test_a_secret_shown_once_is_never_cached_nor_kept(client, web):
    """The answers showing a token, a signing secret or a feed URL are no-store pages."""
    web.user()
    for path, data in (
        ("/app/settings/tokens", {"name": "cron", "scopes": ["read"]}),
        ("/app/settings/webhooks", {"url": "http://127.0.0.1:9/hooks", "events": ["*"]}),
        ("/app/settings/calendar-feed", {}),
    ):
        token = TOKEN.search(client.get("/app/settings").text).group(1)
        shown = client.post(path, data={"csrf_token": token, **data})
        assert shown.status_code == 201, path
        _check_headers(shown, path)
        secret = re.search(r'-shown-once" type="text" readonly value="([^"]+)"', shown.text)
        assert "Copy it now:" in shown.text
        assert secret.group(1) not in client.get("/app/settings").text
        assert secret.group(1) not in (shown.headers.get("Set-Cookie") or "")


@pytest.mark.parametrize("digit", ["²", "①", "--5"])
def test_a_digit_that_is_not_ascii_is_refused_beside_its_field(client, web, digit):
    """Python calls "²" a digit, int() does not take it: the form says so, never a 500."""
    web.user()
    for field in ("check_in_every_days", "parent_id"):
        sent = web.post(
            "/app/new",
            {"title": "T", "period": "2026-Q1", field: digit},
            form_page="/app/new",
        )
        assert sent.status_code == 422, field
        assert f'id="{field}-error">Not a valid integer.' in sent.get_data(as_text=True)
    sent = web.post(
        "/app/settings/tokens",
        {"name": "n", "scopes": "read", "key_result_ids": digit},
        form_page="/app/settings",
    )
    assert sent.status_code == 422


@pytest.mark.parametrize("target", ["/app/\nx", "/app/\r\nSet-Cookie: a=b", "/app/ü"])
def test_a_next_page_with_a_control_character_leads_on_safely(client, web, target):
    """A newline cannot go into a Location header: it is percent-encoded, never a 500."""
    email = web.register()
    sent = web.post(
        "/app/login", {"email": email, "password": PASSWORD, "next": target}, form_page="/app/login"
    )
    assert sent.status_code == 303
    assert sent.headers["Location"].startswith("/app/")
    assert "\n" not in sent.headers["Location"]
    assert not any(cookie.startswith("a=") for cookie in sent.headers.getlist("Set-Cookie"))
    again = client.get("/app/login", query_string={"next": target})
    assert again.status_code == 303
    assert again.headers["Location"].startswith("/app/")
