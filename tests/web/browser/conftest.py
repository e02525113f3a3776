"""Fixtures of the browser tests: the app on a real loopback server, and Debian's Chromium.

The server is the app under werkzeug in a thread, on a fresh SQLite file; the browser is
Debian's Chromium (``tests/web/browser/chromium.py``). They run once per CI run, in its
SQLite pass: with ``TEST_DATABASE_URL`` set they are skipped, since their server does not
use the test database anyway. Screenshots of every page at phone and desktop widths go to
``SCREENSHOT_DIR`` (default ``artifacts/screenshots``, kept out of git).
"""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from okr_app import create_app
from okr_app.extensions import db, limiter
from tests.conftest import POSTGRES_URL, make_config
from tests.web.browser import chromium
from tests.webhooks.conftest import LOOPBACK

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "artifacts" / "screenshots"))


@pytest.fixture(scope="package")
def served_app(tmp_path_factory):
    """Return the app the browser tests' server serves, on a fresh SQLite file."""
    if POSTGRES_URL:
        pytest.skip("the browser tests run in the SQLite pass")
    chromium.require()
    database = tmp_path_factory.mktemp("browser") / "okr.sqlite3"
    limiter._headers_enabled = None
    # Every request comes from 127.0.0.1: the per-address API budget is not under test here.
    # Webhooks may point to loopback, as in the webhook tests.
    app = create_app(
        make_config(f"sqlite:///{database}", OKR_API_RATE_LIMIT="5000 per minute", **LOOPBACK)
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="package")
def server(served_app):
    """Serve the app on 127.0.0.1 from a thread; yield its base URL."""
    http = make_server("127.0.0.1", 0, served_app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="package")
def browser(server):
    """Launch Debian's Chromium once for the browser tests."""
    with chromium.launched() as launched:
        yield launched


@pytest.fixture
def context(browser, server):
    """A fresh browser profile (no cookies) at desktop size, on the server's base URL."""
    profile = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    profile.set_default_timeout(15_000)
    yield profile
    profile.close()
