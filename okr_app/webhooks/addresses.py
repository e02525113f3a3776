"""Which URLs a webhook may have, and which addresses a delivery may connect to (SSRF).

A URL must be ``https`` (or ``http`` with ``OKR_WEBHOOK_ALLOW_HTTP``) and every address its
host resolves to must be public: no loopback, private, link-local, multicast, reserved or
unspecified address (nor an IPv6 address wrapping one), unless it lies in
``OKR_WEBHOOK_ALLOWED_NETWORKS``. Registration checks
the name as it resolves then; each delivery resolves it again, checks, and connects to the
address it checked (never resolving a second time), so a name rebound to an internal
address since (DNS rebinding) is refused.
"""

import ipaddress
import socket
import threading
from functools import cache
from urllib.parse import urlsplit

from okr_app.config import network_list

DEFAULT_PORTS = {"https": 443, "http": 80}


class UnsafeURL(ValueError):
    """The URL is not one a webhook may reach; the message says why."""


def allowed_networks(setting):
    """Return the networks of a comma-separated CIDR list (``OKR_WEBHOOK_ALLOWED_NETWORKS``)."""
    return _networks(setting or "")


@cache
def _networks(setting):
    return network_list(setting)


def target(url, allow_http):
    """Return ``(scheme, host, port)`` of a webhook URL, or raise ``UnsafeURL``."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeURL(f"Not a valid URL: {error}.") from None
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes:
        raise UnsafeURL("Must be an https URL." if not allow_http else "Must be http or https.")
    if not parts.hostname:
        raise UnsafeURL("Must name a host.")
    if parts.username or parts.password:
        raise UnsafeURL("Must not hold a user name or password.")
    if parts.fragment:
        raise UnsafeURL("Must not have a fragment.")
    if port == 0:
        raise UnsafeURL("Must not name port 0: nothing can be reached there.")
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def address_allowed(address, networks):
    """Tell whether a delivery may connect to ``address`` (a string) given the allow-list."""
    written = ipaddress.ip_address(address.split("%", 1)[0])
    ip = written
    if isinstance(written, ipaddress.IPv6Address):
        # An IPv4 address carried in an IPv6 one (::ffff:a.b.c.d, or 6to4's 2002:ab:cd::,
        # which reaches a.b.c.d where 6to4 is routed) is judged as itself: Python before
        # 3.11.10 calls every 6to4 address global, 2002:7f00:1:: (127.0.0.1) included.
        ip = written.ipv4_mapped or written.sixtofour or written
    if any(ip in network or written in network for network in networks):
        return True
    forbidden = (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )
    return ip.is_global and not forbidden


def resolve(host, port, networks, timeout):
    """Return the addresses ``host`` resolves to, all allowed; raise ``UnsafeURL`` otherwise.

    The lookup gets ``timeout`` seconds: a name server that never answers would otherwise
    hold the caller (a web worker, a delivery's thread) for as long as the system resolver
    retries.
    """
    try:
        found = _lookup(host, port, timeout)
    except TimeoutError:
        raise UnsafeURL(f"The host {host!r} did not resolve in time.") from None
    except (OSError, UnicodeError):
        raise UnsafeURL(f"The host {host!r} does not resolve.") from None
    addresses = list(dict.fromkeys(item[4][0] for item in found))
    refused = [address for address in addresses if not address_allowed(address, networks)]
    if refused or not addresses:
        raise UnsafeURL(
            f"The host {host!r} resolves to an address webhooks may not reach "
            "(loopback, private, link-local, multicast or reserved)."
        )
    return addresses


def _lookup(host, port, timeout):
    """Return ``getaddrinfo``'s answer within ``timeout`` seconds, else raise TimeoutError.

    Each lookup runs in a thread of its own, left to end by itself when given up on: one
    name server that hangs holds no other lookup, and no exit waits for it.
    """
    answer = {}

    def run():
        try:
            answer["found"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            answer["error"] = error

    thread = threading.Thread(target=run, name="webhook-lookup", daemon=True)
    thread.start()
    thread.join(max(timeout, 0))
    if thread.is_alive():
        raise TimeoutError(host)
    if "error" in answer:
        raise answer["error"]
    return answer["found"]


def check_url(url, config):
    """Raise ``UnsafeURL`` unless ``url`` may be a webhook's, as it resolves now."""
    _scheme, host, port = target(url, config["OKR_WEBHOOK_ALLOW_HTTP"])
    networks = allowed_networks(config["OKR_WEBHOOK_ALLOWED_NETWORKS"])
    resolve(host, port, networks, config["OKR_WEBHOOK_TIMEOUT_SECONDS"])
