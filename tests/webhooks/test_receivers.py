"""What a receiver's address or its way of answering can do to an attempt: nothing lasting."""

import shutil
import subprocess
import time

import pytest

from okr_app.webhooks.sending import TIMED_OUT
from tests.factories import create_objective
from tests.webhooks.conftest import LOOPBACK, deliveries, register, run_worker
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.settings(**{**LOOPBACK, "OKR_WEBHOOK_TIMEOUT_SECONDS": 1})


@pytest.fixture
def tls_receiver(tmp_path, monkeypatch):
    """A receiver over HTTPS, its certificate signed by a CA trusted for this test only."""
    if not shutil.which("openssl"):
        pytest.skip("the openssl command makes the test certificates")
    ca, leaf = tmp_path / "ca", tmp_path / "leaf"
    extensions = tmp_path / "leaf.ext"
    extensions.write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
        "authorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\n"
    )
    for command in (
        f"req -x509 -newkey rsa:2048 -nodes -keyout {ca}.key -out {ca}.pem -days 2 "
        "-subj /CN=okr-test-ca -addext basicConstraints=critical,CA:TRUE "
        "-addext keyUsage=critical,keyCertSign,cRLSign",
        f"req -newkey rsa:2048 -nodes -keyout {leaf}.key -out {leaf}.csr -subj /CN=localhost",
        f"x509 -req -in {leaf}.csr -CA {ca}.pem -CAkey {ca}.key -CAcreateserial "
        f"-out {leaf}.pem -days 2 -extfile {extensions}",
    ):
        subprocess.run(["openssl", *command.split()], check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", f"{ca}.pem")  # what ssl's default context trusts
    server = Receiver(tls=(f"{leaf}.pem", f"{leaf}.key")).start()
    yield server
    server.stop()


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_receiver_answering_a_byte_at_a_time_is_cut_off_at_the_time_limit(
    app, client, auth, request, scheme
):
    """Each byte comes well within a read's timeout; the whole answer would take 40 s."""
    receiver = request.getfixturevalue("receiver" if scheme == "http" else "tls_receiver")
    _, _, headers = auth.user()
    webhook = register(client, headers, receiver, events=["objective.created"])
    receiver.drip = 0.25
    create_objective(client, headers)
    started = time.monotonic()
    assert run_worker(app) == 1
    assert time.monotonic() - started < 10  # the attempt's 1 s, not the 40 s of the answer
    [delivery] = deliveries(client, headers, webhook)
    assert (delivery["status"], delivery["attempts"], delivery["last_error"]) == (
        "pending",
        1,
        TIMED_OUT,
    )
    assert receiver.cut_off.wait(5)  # the connection was closed under the receiver


def test_an_address_with_text_beyond_ascii_is_sent_percent_encoded(app, client, auth, receiver):
    _, _, headers = auth.user()
    url = receiver.url(path="/hooks/café?team=zürich&x=a%20b")
    webhook = register(client, headers, receiver, url=url, events=["objective.created"])
    assert webhook["url"] == url  # kept as written
    create_objective(client, headers)
    assert run_worker(app) == 1
    [got] = receiver.verified()
    assert got.path == "/hooks/caf%C3%A9?team=z%C3%BCrich&x=a%20b"
    [delivery] = deliveries(client, headers, webhook)
    assert (delivery["status"], delivery["last_status_code"]) == ("succeeded", 200)
