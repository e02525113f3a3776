"""What deploy/nginx.conf tells the app about a request, and what it keeps from the app.

An upstream that echoes each request it gets stands in for gunicorn, so the headers nginx
sends are seen exactly; the ETag round trip goes through the whole stack.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.servers import LOOPBACK, Nginx
from tests.e2e.api import key_result_owner
from tests.e2e.client import Client

pytestmark = pytest.mark.e2e


class Echo(BaseHTTPRequestHandler):
    """Answers every GET with the path and headers it received, as JSON."""

    def do_GET(self):
        body = json.dumps({"path": self.path, "headers": dict(self.headers.items())}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        """Keep the test's output quiet."""


@pytest.fixture
def echoed(tmp_path):
    """Start nginx with the deployed config in front of ``Echo``; yield nginx."""
    server = ThreadingHTTPServer((LOOPBACK, 0), Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    tmp_path.chmod(0o755)  # nginx's workers reach their temporary files under it
    nginx = Nginx(tmp_path, server.server_port).start()
    try:
        yield nginx
    finally:
        nginx.stop()
        server.shutdown()
        thread.join(timeout=10)


def test_the_app_gets_the_host_with_its_port_and_every_hops_scheme(echoed):
    client = Client(echoed.port)
    plain = client.get("/objectives").json()["headers"]
    assert plain["Host"] == f"{LOOPBACK}:{echoed.port}"  # share and feed links keep the port
    assert plain["X-Forwarded-Proto"] == "http"
    assert plain["X-Forwarded-For"] == LOOPBACK
    assert "X-Forwarded-Prefix" not in plain  # no prefix: the app is served at the root
    # What a load balancer in front says is kept, this hop's scheme appended: with
    # OKR_TRUSTED_PROXIES=2 the app takes the balancer's ("https"), with 1 nginx's.
    behind = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "203.0.113.9",
        "X-Forwarded-Prefix": "/elsewhere",
    }
    sent = client.get("/objectives", headers=behind).json()["headers"]
    assert sent["X-Forwarded-Proto"] == "https, http"
    assert sent["X-Forwarded-For"] == f"203.0.113.9, {LOOPBACK}"
    assert "X-Forwarded-Prefix" not in sent  # a client's is dropped


def test_metrics_stay_with_the_allowed_network_however_the_path_is_written(echoed):
    outside = Client(echoed.port, source="127.0.0.2")  # the config allows 127.0.0.1 alone
    for path in ("/metrics", "/metrics/", "/metrics%2F", "/metrics/x"):
        refused = outside.get(path)
        assert (refused.status, refused.json()["code"]) == (403, 403), path
    assert Client(echoed.port).get("/metrics/").json()["path"] == "/metrics/"


def test_a_tag_nginx_marked_weak_when_it_compressed_the_answer_still_matches(stack):
    token, key_result_id = key_result_owner(stack.client(), "gzip-etag")
    client = stack.client()
    for number in range(3):  # an answer over gzip_min_length (1 KiB)
        body = {"title": f"Writes {number} " + "x" * 150, "metric": "rows"}
        objective_id = client.get(f"/key-results/{key_result_id}", token=token).json()[
            "objective_id"
        ]
        assert client.post("/key-results", {**body, "objective_id": objective_id}, token=token)
    path = f"/objectives/{objective_id}"
    read = client.get(path, token=token, headers={"Accept-Encoding": "gzip"})
    assert read.headers["content-encoding"] == "gzip"
    tag = read.headers["etag"]
    assert tag.startswith('W/"')
    changed = client.request(
        "PATCH", path, {"title": "Renamed"}, token=token, headers={"If-Match": tag}
    )
    assert changed.status == 200, changed.body
    again = client.request(
        "PATCH", path, {"title": "Again"}, token=token, headers={"If-Match": tag}
    )
    assert again.status == 412
