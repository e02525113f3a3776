"""A real webhook receiver: an HTTP server on loopback verifying each delivery.

It checks every request with the ``standardwebhooks`` package, as a receiver of ours would,
records what it got, and answers the statuses it is told to (200 once the list runs out).
"""

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook as Verifier
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass
class Received:
    """One request the receiver got."""

    headers: dict
    body: bytes
    verified: bool
    payload: dict | None


class Receiver:
    """An HTTP server on 127.0.0.1 verifying Standard Webhooks signatures with its secrets."""

    def __init__(self, host="127.0.0.1"):
        self.secrets = []
        self.received = []
        self.delay = 0.0  # seconds before answering
        self.arrived = threading.Event()
        self.statuses = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self):
        """Return the port it listens on."""
        return self.server.server_address[1]

    def url(self, host="localhost", path="/hooks"):
        """Return the URL of the receiver through ``host`` (a name resolving to loopback)."""
        return f"http://{host}:{self.port}{path}"

    def start(self):
        """Start serving in a thread."""
        self.thread.start()
        return self

    @property
    def running(self):
        """Tell whether it still serves."""
        return self.thread.is_alive()

    def stop(self):
        """Stop serving and close the port."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def answer(self, *statuses):
        """Answer the next requests with these statuses, then 200."""
        with self.lock:
            self.statuses.extend(statuses)

    def verified(self):
        """Return the payloads of the requests that verified, in order."""
        with self.lock:
            return [item for item in self.received if item.verified]

    def trust(self, secret):
        """Accept signatures made with ``secret`` too (a webhook's, as shown once)."""
        with self.lock:
            self.secrets.append(secret)

    def _verify(self, headers, body):
        """Return the payload verified with one of the secrets, or None."""
        for secret in self.secrets:
            try:
                return Verifier(secret).verify(body, headers)
            except (WebhookVerificationError, ValueError, TypeError):
                continue
        return None

    def _respond(self, headers, body):
        """Verify and record one request; return the status to answer."""
        payload = self._verify(headers, body)
        verified = payload is not None
        with self.lock:
            self.received.append(Received(headers, body, verified, payload))
            return self.statuses.pop(0) if self.statuses else 200

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.arrived.set()
                time.sleep(receiver.delay)
                status = receiver._respond(dict(self.headers.items()), body)
                answer = json.dumps({"status": status}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        return Handler
