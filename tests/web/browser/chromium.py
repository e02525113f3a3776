"""Debian's Chromium for the browser tests, launched by its path: Playwright never downloads one.

Without Chromium or Playwright a browser test is skipped, unless ``BROWSER_REQUIRED=1`` (set
by .ci/run), where that is a failure.
"""

import os
import shutil
from contextlib import contextmanager

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def missing():
    """Return what the browser tests need and this machine lacks, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package"
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def require():
    """Skip the calling test without a browser, or fail it under ``BROWSER_REQUIRED=1``."""
    lacking = missing()
    if lacking:
        if os.environ.get("BROWSER_REQUIRED") == "1":
            pytest.fail(f"browser tests need {lacking}")
        pytest.skip(f"browser tests need {lacking}")


@contextmanager
def launched():
    """Launch Chromium; yield Playwright's browser, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()
