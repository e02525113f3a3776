"""The web interface behind nginx: its own security headers, its style sheet, its errors.

nginx adds the API's security headers to every answer that has none of its own; the
interface's pages and assets carry theirs (a policy that lets the page load its style
sheet, a referrer policy that sends a form's page along with it), and nginx adds no second
one that would contradict them. nginx's own errors under ``/app`` are pages, not JSON.
"""

import re

import pytest

from bench.servers import Nginx, free_port
from okr_app.web.routes import SECURITY_HEADERS
from tests.e2e.api import key_result_owner, register
from tests.e2e.client import Client, FormClient
from tests.e2e.stack import PASSWORD, unique_email
from tests.transfer.test_import_limit import NGINX
from tests.web.browser import chromium, test_journey

pytestmark = pytest.mark.e2e

#: nginx's own values, for the API's answers and its own errors (deploy/nginx.conf).
NGINX_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def headers_sent(stack, method, path, body=None, content_type=None):
    """Return ``{name: [every value sent]}`` of the four headers, for one request."""
    status, headers, _text = FormClient(stack.nginx.port).request(method, path, body, content_type)
    return status, {name: headers.get_all(name) or [] for name in NGINX_HEADERS}


def test_the_interface_keeps_its_own_security_headers_and_the_api_gets_nginxs(stack):
    for path in ("/app/login", "/app/static/app.css"):
        status, sent = headers_sent(stack, "GET", path)
        assert status == 200
        assert sent == {name: [SECURITY_HEADERS[name]] for name in NGINX_HEADERS}, path
    assert SECURITY_HEADERS["Referrer-Policy"] == "same-origin"
    # A share link's page is the interface's, but sends no referrer at all (README).
    token, _key_result = key_result_owner(stack.client(), "web-share")
    objective_id = stack.client().get("/objectives", token=token).json()[0]["id"]
    link = stack.client().post(f"/objectives/{objective_id}/share", {}, token=token)
    assert link.status == 201
    url = link.json()["url"]
    assert url.startswith(f"http://127.0.0.1:{stack.nginx.port}/s/")  # the port kept
    status, sent = headers_sent(stack, "GET", url.split(str(stack.nginx.port), 1)[1])
    assert status == 200
    shared = {**SECURITY_HEADERS, "Referrer-Policy": "no-referrer"}
    assert sent == {name: [shared[name]] for name in NGINX_HEADERS}
    expected = {name: [value] for name, value in NGINX_HEADERS.items()}
    assert headers_sent(stack, "GET", "/health") == (200, expected)
    assert headers_sent(stack, "GET", "/no/such/path") == (404, expected)
    # nginx's own refusal, before the app sees the request.
    too_large = b'{"padding": "' + b"x" * 70_000 + b'"}'
    assert headers_sent(stack, "POST", "/auth/register", too_large, "application/json") == (
        413,
        expected,
    )


def test_a_browser_gets_the_styled_interface_and_sends_the_page_with_a_form(stack):
    chromium.require()
    email = unique_email("web-pages")
    assert register(stack.client(), email).status == 201
    base = f"http://127.0.0.1:{stack.nginx.port}"
    with chromium.launched() as browser:
        page = browser.new_page()
        refused = []
        page.on("console", lambda message: refused.append(message.text))
        page.goto(f"{base}/app/login")
        assert "system-ui" in page.evaluate("getComputedStyle(document.body).fontFamily")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_request(lambda request: request.method == "POST") as posted:
            page.click("button[type=submit]")
        page.wait_for_url(f"{base}/app")
        assert posted.value.all_headers().get("referer") == f"{base}/app/login"
        assert not [text for text in refused if "Content Security Policy" in text], refused


def test_a_quarter_in_the_browser_behind_nginx(stack):
    """The browser tests' whole journey, every page checked, through nginx to gunicorn."""
    chromium.require()
    with chromium.launched() as browser:
        base = f"http://127.0.0.1:{stack.nginx.port}"
        context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        try:
            test_journey.test_a_quarter_in_the_browser(context)
        finally:
            context.close()


def test_nginxs_own_errors_under_app_are_pages_and_the_apis_stay_json(stack, tmp_path):
    """A form over 64 KiB (413), and the app down (502): a page with the reason."""
    status, headers, text = FormClient(stack.nginx.port).request(
        "POST", "/app/login", b"email=" + b"x" * 70_000, "application/x-www-form-urlencoded"
    )
    assert (status, headers["Content-Type"]) == (413, "text/html; charset=utf-8")
    assert "<h1>Too large</h1><p>The form sent more than 64 KiB" in text
    tmp_path.chmod(0o755)  # nginx's workers reach their temporary files under it
    down = Nginx(tmp_path, free_port()).start()  # nothing listens on its upstream's port
    try:
        for path in ("/app", "/app/login", "/app/import"):
            status, headers, text = FormClient(down.port).request("GET", path)
            assert (status, headers["Content-Type"]) == (502, "text/html; charset=utf-8")
            assert "<h1>Temporarily unavailable</h1>" in text, path
        api = Client(down.port).get("/health")
        assert (api.status, api.json()["code"]) == (502, 502)
    finally:
        down.stop()
    # A gateway timeout (30 s) is answered by the interface's page alike.
    config = re.sub(r"#.*", "", NGINX.read_text())
    for location in ("= /app/import", "= /app", "/app/"):
        block = re.search(rf"location {location} \{{(.*?)\}}", config, re.S).group(1)
        assert "error_page 502 @interface_bad_gateway;" in block
        assert "error_page 504 @interface_gateway_timeout;" in block
    assert "<h1>Temporarily unavailable</h1><p>The application took too long" in config
