"""A small HTTP client for the end-to-end tests: JSON in and out, a chosen source address."""

import gzip
import http.client
import json
from dataclasses import dataclass, field

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
