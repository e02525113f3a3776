"""Write docs/dashboard.png, the README's picture: the dashboard of a demo account.

    .venv/bin/python -m docs.screenshot

Seeds a demo account (``seed-demo``'s data) into a temporary SQLite database, serves the
app on loopback and photographs the dashboard with Debian's Chromium (see
tests/web/browser for the flags), then shrinks it with pngquant when installed.
"""

import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from okr_app import create_app
from okr_app.demo.seed import DEMO_EMAIL, DEMO_PASSWORD, seed
from okr_app.extensions import db
from tests.web.browser.conftest import CHROMIUM, CHROMIUM_FLAGS

OUTPUT = Path(__file__).with_name("dashboard.png")


def main():
    """Seed, serve, log in and photograph the dashboard at 1000 x 1180."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3"})
        with app.app_context():
            db.create_all()
            seed(users=1, objectives=15, days=200)
            db.session.commit()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
                page = browser.new_page(viewport={"width": 1000, "height": 1180})
                page.goto(f"http://127.0.0.1:{server.server_port}/app/login")
                page.get_by_label("Email").fill(DEMO_EMAIL.format(index=1))
                page.get_by_label("Password").fill(DEMO_PASSWORD)
                page.get_by_role("button", name="Log in").click()
                page.get_by_role("heading", name=re.compile("Objectives of")).wait_for()
                page.screenshot(path=OUTPUT, full_page=False)
                browser.close()
        finally:
            server.shutdown()
    pngquant = shutil.which("pngquant")
    if pngquant:  # Debian's pngquant: a third of the size, the same look
        command = [pngquant, "--force", "--quality", "70-90", "--output", OUTPUT, OUTPUT]
        subprocess.run(command, check=True)  # noqa: S603  (a fixed command, our own file)
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
