"""A real webhook receiver: an HTTP server on loopback verifying each delivery.

It checks every request with the ``standardwebhooks`` package, as a receiver of ours would,
records what it got, and answers the statuses it is told to (200 once the list runs out).
"""

import json
import ssl
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
    path: str = "/"


class Receiver:
    """An HTTP server on 127.0.0.1 verifying Standard Webhooks signatures with its secrets."""

    def __init__(self, host="127.0.0.1", tls=None):
        """``tls``: ``(certificate file, key file)`` to answer over HTTPS."""
        self.secrets = []
        self.received = []
        self.delay = 0.0  # seconds before answering
        self.drip = 0.0  # seconds between the bytes of the answer, when not 0
        self.cut_off = threading.Event()  # set when the sender hung up mid-answer
        self.arrived = threading.Event()
        self.statuses = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, 0), self._handler())
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self):
        """Return the port it listens on."""
        return self.server.server_address[1]

    def url(self, host="localhost", path="/hooks"):
        """Return the URL of the receiver through ``host`` (a name resolving to loopback)."""
        return f"{self.scheme}://{host}:{self.port}{path}"

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

    def _respond(self, headers, body, path):
        """Verify and record one request; return the status to answer."""
        payload = self._verify(headers, body)
        verified = payload is not None
        with self.lock:
            self.received.append(Received(headers, body, verified, payload, path))
            return self.statuses.pop(0) if self.statuses else 200

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.arrived.set()
                time.sleep(receiver.delay)
                status = receiver._respond(dict(self.headers.items()), body, self.path)
                answer = json.dumps({"status": status}).encode()
                if receiver.drip:
                    self._drip(status, answer)
                    return
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def _drip(self, status, answer):
                """Send the answer a byte at a time, ``receiver.drip`` seconds apart."""
                head = (
                    f"HTTP/1.1 {status} OK\r\nX-Padding: {'p' * 100}\r\n"
                    f"Content-Length: {len(answer)}\r\n\r\n"
                )
                try:
                    for byte in head.encode() + answer:
                        self.wfile.write(bytes([byte]))
                        time.sleep(receiver.drip)
                except OSError:
                    receiver.cut_off.set()

            def log_message(self, *args):
                pass

        return Handler
