"""A small HTTP client for the end-to-end tests: JSON in and out, a chosen source address."""

import gzip
import http.client
import json
import re
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench.servers import LOOPBACK


@dataclass
class Answer:
    """One HTTP response, read in full."""

    status: int
    headers: dict = field(repr=False)
    body: bytes = field(repr=False)

    def json(self):
        """Return the body parsed as JSON."""
        return json.loads(self.body)


class Client:
    """Sends requests to one loopback port from one loopback address (127.0.0.x)."""

    def __init__(self, port, source=LOOPBACK, timeout=20):
        self.port = port
        self.source = source
        self.timeout = timeout

    def request(self, method, path, body=None, token=None, headers=None):
        """Send one request on a new connection and return the ``Answer``."""
        headers = dict(headers or {})
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        connection = http.client.HTTPConnection(
            LOOPBACK, self.port, timeout=self.timeout, source_address=(self.source, 0)
        )
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            answer_headers = {name.lower(): value for name, value in response.getheaders()}
        finally:
            connection.close()
        if answer_headers.get("content-encoding") == "gzip":
            raw = gzip.decompress(raw)
        return Answer(response.status, answer_headers, raw)

    def get(self, path, **options):
        """Send a GET request."""
        return self.request("GET", path, **options)

    def post(self, path, body=None, **options):
        """Send a POST request."""
        return self.request("POST", path, body, **options)


TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class FormClient:
    """Sends requests to one loopback port as a browser does: cookies kept, forms posted."""

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
