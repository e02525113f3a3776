"""What every page visited in a browser test must pass: axe-core, screenshots, no overflow."""

import re

from axe_playwright_python.sync_playwright import Axe

from tests.web.browser.conftest import SCREENSHOTS

#: Phone and desktop widths of the screenshots; 320 CSS pixels is a 1280 screen at 400 %.
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
BLOCKING = ("serious", "critical")
_axe = Axe()


def check_page(page, name):
    """Scan ``page`` with axe-core at its width and at 320 px, screenshot it, check its reflow.

    Fails on any serious or critical accessibility violation at either width (a table that
    fits a desktop may need to scroll, by keyboard too, on a phone), or on content wider
    than a 320 px viewport (what 200 % zoom of a 640 px window shows, and more).
    """
    _assert_accessible(page, name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=SCREENSHOTS / f"{_slug(name)}-{label}.png", full_page=True)
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} is {overflow} px too wide at 320 px"
    _assert_accessible(page, f"{name} at 320 px")
    page.set_viewport_size(original)


def _assert_accessible(page, name):
    """Fail on any serious or critical violation axe-core finds on ``page`` as it is."""
    results = _axe.run(page)
    blocking = [
        f"{item['id']} ({item['impact']}): {[node['target'] for node in item['nodes']]}"
        for item in results.response["violations"]
        if item["impact"] in BLOCKING
    ]
    assert not blocking, f"{name}: {blocking}"


def _slug(name):
    """Return ``name`` as a file name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
