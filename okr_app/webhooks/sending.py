"""One delivery attempt: a signed POST to the address checked, read within the time allowed.

Signed as Standard Webhooks says (``webhook-id``, ``webhook-timestamp`` and
``webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>``) by the
``standardwebhooks`` package. Redirects are not followed; at most 64 KiB of the answer is
read; the whole attempt has ``OKR_WEBHOOK_TIMEOUT_SECONDS``, however slowly a receiver
answers: at the deadline the connection is cut.
"""

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import orjson
from standardwebhooks.webhooks import Webhook as Signer

from okr_app.webhooks.addresses import UnsafeURL, address_allowed, allowed_networks, resolve, target

MAX_ANSWER_BYTES = 64 * 1024
USER_AGENT = "okr-tracker-webhooks/1"
TIMED_OUT = "The receiver did not answer in time."
#: What a request line keeps of a URL's path and query as written; the rest (non-ASCII
#: text, spaces) is sent percent-encoded as UTF-8.
URL_SAFE = "/%:@!$&'()*+,;=-._~?"


@dataclass
class Outcome:
    """What an attempt came to: the status code (None without an answer) and any error."""

    status_code: int | None
    error: str | None

    @property
    def succeeded(self):
        """Tell whether the receiver answered 2xx."""
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


def body_of(event_type, created_at, data):
    """Return the body of a delivery: ``{"type", "timestamp", "data"}`` as compact JSON."""
    moment = created_at.astimezone(UTC).isoformat(timespec="microseconds")
    timestamp = moment.replace("+00:00", "Z")
    return orjson.dumps({"type": event_type, "timestamp": timestamp, "data": data})


def signed_headers(secret, event_id, body, now=None):
    """Return the Standard Webhooks headers of ``body`` for the event ``event_id``."""
    now = now or datetime.now(UTC)
    signature = Signer(secret).sign(event_id, now, body.decode())
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }


def post(url, body, headers, config):
    """POST ``body`` to ``url`` through an address checked now; return the ``Outcome``."""
    deadline = time.monotonic() + config["OKR_WEBHOOK_TIMEOUT_SECONDS"]
    try:
        scheme, host, port = target(url, config["OKR_WEBHOOK_ALLOW_HTTP"])
        networks = allowed_networks(config["OKR_WEBHOOK_ALLOWED_NETWORKS"])
        addresses = resolve(host, port, networks, deadline - time.monotonic())
        connection = _connection(scheme, host, port, addresses, networks, deadline)
        try:
            connection.request("POST", _path(url), body=body, headers=headers)
            response = connection.getresponse()
            _read_some(connection, response, deadline)
            return Outcome(response.status, None)
        finally:
            if connection.watchdog is not None:
                connection.watchdog.cancel()
            connection.close()
    except UnsafeURL as error:
        return Outcome(None, str(error))
    except (OSError, http.client.HTTPException, ValueError) as error:
        # A cut at the deadline surfaces as whatever the read in progress makes of it.
        if isinstance(error, TimeoutError) or time.monotonic() >= deadline:
            return Outcome(None, TIMED_OUT)
        return Outcome(None, f"{error.__class__.__name__}: {error}"[:500])


def _path(url):
    """Return the path and query of ``url`` as sent in the request line, ASCII only."""
    parts = urlsplit(url)
    return quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), URL_SAFE)


def _read_some(connection, response, deadline):
    """Read at most ``MAX_ANSWER_BYTES`` of the answer before the deadline; drop the rest."""
    remaining = MAX_ANSWER_BYTES
    while remaining > 0:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        if connection.sock is not None:
            connection.sock.settimeout(left)
        chunk = response.read(min(remaining, 16384))
        if not chunk:
            return
        remaining -= len(chunk)


class _Connection(http.client.HTTPConnection):
    """An HTTP connection to addresses already checked, under a deadline."""

    def __init__(self, host, port, addresses, networks, deadline):
        super().__init__(host, port, timeout=max(deadline - time.monotonic(), 0.001))
        self.addresses, self.networks, self.deadline = addresses, networks, deadline
        self.watchdog = None

    def connect(self):
        """Connect to a checked address and make sure it is the one connected to."""
        self.sock = _open(self.addresses, self.port, self.networks, self.deadline)
        self.watchdog = _cut_at(self.sock, self.deadline)


class _TLSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to addresses already checked; the certificate names the host."""

    def __init__(self, host, port, addresses, networks, deadline):
        context = ssl.create_default_context()
        super().__init__(
            host, port, timeout=max(deadline - time.monotonic(), 0.001), context=context
        )
        self.addresses, self.networks, self.deadline = addresses, networks, deadline
        self.watchdog = None

    def connect(self):
        """Connect to a checked address, then speak TLS with the URL's host name.

        The deadline's cut is set on the TLS socket (wrapping detaches the plain one),
        before the handshake, which it bounds too.
        """
        sock = _open(self.addresses, self.port, self.networks, self.deadline)
        self.sock = self._context.wrap_socket(
            sock, server_hostname=self.host, do_handshake_on_connect=False
        )
        self.watchdog = _cut_at(self.sock, self.deadline)
        self.sock.do_handshake()


def _cut_at(sock, deadline):
    """Shut ``sock`` down at ``deadline``; return the timer, to cancel once done.

    A socket timeout bounds each read alone: a receiver sending a byte now and then would
    hold the attempt (and the worker's thread) far past its time, while its lease ran out
    and another thread sent the delivery again.
    """
    timer = threading.Timer(max(deadline - time.monotonic(), 0), _shut, (sock,))
    timer.daemon = True
    timer.start()
    return timer


def _shut(sock):
    """End both directions of ``sock``'s TCP connection: a read in progress returns at once.

    On a TLS socket too, without touching its TLS state from this thread.
    """
    with contextlib.suppress(OSError):  # closed already
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _connection(scheme, host, port, addresses, networks, deadline):
    """Return the connection for ``scheme``."""
    kind = _TLSConnection if scheme == "https" else _Connection
    return kind(host, port, addresses, networks, deadline)


def _open(addresses, port, networks, deadline):
    """Open a TCP connection to the first checked address that answers; check its peer."""
    error = None
    for address in addresses:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        try:
            sock = socket.create_connection((address, port), timeout=left)
        except TimeoutError:
            raise
        except OSError as failed:  # refused, unreachable: another address may answer
            error = failed
            continue
        return _checked(sock, networks)
    raise error or TimeoutError


def _checked(sock, networks):
    """Return ``sock`` if the peer it reached may be reached; close it and refuse otherwise."""
    peer = sock.getpeername()[0]
    if not address_allowed(peer, networks):
        sock.close()
        raise UnsafeURL(f"Connected to {peer}, an address webhooks may not reach.")
    return sock
