"""The interface behind nginx: a whole export through the import form, no forged prefix.

nginx refuses bodies over 64 KiB except where an import is posted: ``/import`` and the
interface's ``/app/import`` both take the app's 10 MiB.
"""

import http.client
import json
import re
import uuid
from urllib.parse import urlencode

from bench.servers import LOOPBACK
from tests.e2e.api import register
from tests.e2e.stack import PASSWORD, unique_email
from tests.e2e.test_imports import largest_document

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """Sends requests to nginx as a browser does: cookies kept, forms posted."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, body=None, content_type=None):
        """Send one request with the cookies; keep those set; return (status, headers, text)."""
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                name, value = header.split(";", 1)[0].split("=", 1)
                self.cookies[name] = value
            return response.status, response.headers, text
        finally:
            connection.close()

    def post_form(self, path, form_page, fields, files=None):
        """Post ``fields`` (and ``files``: ``{name: (filename, bytes)}``) with the page's token."""
        _status, _headers, page = self.request("GET", form_page)
        fields = {"csrf_token": TOKEN.search(page).group(1), **fields}
        if not files:
            body = urlencode(fields).encode()
            return self.request("POST", path, body, "application/x-www-form-urlencoded")
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
            for name, value in fields.items()
        ]
        for name, (filename, content) in files.items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/json\r\n\r\n'
            )
            parts.append(head.encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, f"multipart/form-data; boundary={boundary}")


def test_an_export_over_64_kib_imports_through_the_form(stack):
    email = unique_email("web-import")
    assert register(stack.client(), email).status == 201
    browser = Browser(stack.nginx.port)
    status, headers, _text = browser.post_form(
        "/app/login", "/app/login", {"email": email, "password": PASSWORD}
    )
    assert (status, headers["Location"]) == (303, "/app")
    document = json.dumps(largest_document(3_000)).encode()
    assert len(document) > 64 * 1024
    status, headers, text = browser.post_form(
        "/app/import", "/app/settings", {}, {"document": ("okr.json", document)}
    )
    assert status == 303, text[:500]
    imported = stack.query(
        "SELECT count(*) FROM check_ins JOIN users ON users.id = check_ins.user_id "
        "WHERE users.email = %s",
        email,
    )
    assert imported == [(3_000 - 2,)]


def test_a_clients_prefix_header_does_not_reach_the_app(stack):
    """nginx is the trusted hop and sends no X-Forwarded-Prefix: a client's is dropped."""
    page = stack.client().get("/app/login", headers={"X-Forwarded-Prefix": "/elsewhere"})
    assert page.status == 200
    assert 'action="/app/login"' in page.body.decode()
