"""A person's quarter in the browser: from registering to the lockout, page by page.

Elements are found by role and label, as a screen reader finds them. Every page passes
axe-core and is photographed at phone and desktop widths (``pages.check_page``).
"""

import json
import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from okr_app.okr.periods import quarter_of
from tests.conftest import PASSWORD
from tests.web.browser.pages import check_page

EMAIL = "ada@example.com"
LONG_ADDRESS = "https://docs.example.com/guides/getting-started-with-the-newsletter-growth-plan"


def _next_quarter(period):
    """Return the quarter after ``period``."""
    year, quarter = int(period[:4]), int(period[-1])
    return f"{year + (quarter == 4)}-Q{quarter % 4 + 1}"


def test_a_quarter_in_the_browser(context):
    """Register, plan, check in, edit in two tabs, close, reopen, copy, export, log out."""
    page = context.new_page()
    period = quarter_of(datetime.now(UTC).date())

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/app/login"))
    check_page(page, "login")
    page.get_by_role("link", name="Create an account").click()
    check_page(page, "register")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Must be at least 12 characters long.")).to_be_visible()
    # A refused form's message takes the focus, so a form low on its page comes into view.
    expect(page.locator("p.alert")).to_be_focused()
    check_page(page, "register with an error")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text("Your account is ready")

    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=f"Objectives of {period}")).to_be_visible()
    check_page(page, "dashboard empty")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="New objective").click()
    page.get_by_label("Title").first.fill("Grow the newsletter")
    expect(page.get_by_label("Period")).to_have_value(period)
    # A line break and an address longer than a phone's width, as people write them.
    page.get_by_label("Description").fill(f"More readers who stay.\nPlan: {LONG_ADDRESS}")
    _key_result(page, 1, "Subscribers", "people", "1000", "5000", "2")
    _key_result(page, 2, "Unsubscribe rate", "%", "3", "1", "1")
    check_page(page, "new objective")
    page.get_by_role("button", name="Create objective").click()
    expect(page.get_by_role("heading", name="Grow the newsletter", level=1)).to_be_visible()
    description = page.get_by_role("paragraph").filter(has_text="More readers who stay.")
    assert description.inner_text() == f"More readers who stay.\nPlan: {LONG_ADDRESS}"
    check_page(page, "objective")  # the address wraps at 320 px too
    objective_url = page.url

    page.get_by_role("link", name="Subscribers").click()
    bar = page.get_by_role("img", name=re.compile(r"^Subscribers: 0 % done"))
    expect(bar).to_be_visible()
    chart = page.get_by_role("img", name=re.compile("Subscribers: value over"))
    expect(chart.locator("circle")).to_have_count(0)
    check_in = page.get_by_role("region", name="Check in")
    check_in.get_by_label("Value", exact=True).fill("2600")
    check_in.get_by_label("Confidence").fill("0.6")
    check_in.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("status")).to_contain_text("Checked in 2,600.")
    # Focus is on the confirmation, so that a screen reader reads it on arrival.
    expect(page.get_by_role("status").get_by_role("list")).to_be_focused()
    expect(page.get_by_role("img", name=re.compile(r"^Subscribers: 40 % done"))).to_be_visible()
    expect(chart.locator("circle")).to_have_count(1)
    expect(chart.locator("path")).to_have_count(1)

    earlier = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    check_in.get_by_label("Value", exact=True).fill("1800")
    check_in.get_by_label("At", exact=True).fill(earlier)
    check_in.get_by_role("button", name="Check in").click()
    history = page.get_by_role("table", name=re.compile("Check-ins of Subscribers"))
    expect(history.get_by_role("row")).to_have_count(3)
    expect(history.get_by_role("cell", name="1,800")).to_be_visible()
    viewport = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    for name in ("1,800", "Confidence"):  # a number or a heading on one line, on a phone too
        cell = history.get_by_role("cell", name=name).or_(
            history.get_by_role("columnheader", name=name)
        )
        lines = cell.evaluate(
            "cell => { const r = document.createRange(); r.selectNodeContents(cell);"
            " return new Set([...r.getClientRects()].map(rect => rect.top)).size; }"
        )
        assert lines == 1, name
    # The chart spans the content's width on a phone: its labels are sized for that.
    content = page.get_by_role("main").bounding_box()["width"]
    assert chart.bounding_box()["width"] >= content - 32
    page.set_viewport_size(viewport)
    expect(page.get_by_text(re.compile(r"2,600 people: from 1,000 to 5,000"))).to_be_visible()
    expect(chart.locator("circle")).to_have_count(2)
    check_page(page, "key result")
    page.emulate_media(color_scheme="dark")
    check_page(page, "key result dark")
    page.emulate_media(color_scheme="light")

    _edit_in_two_tabs(context, page, objective_url)

    page.goto(objective_url)
    closing = page.get_by_role("region", name="Close and grade")
    expect(closing).to_contain_text("grades this objective 0.27")
    closing.get_by_label("Missed").check()
    closing.get_by_label("Retrospective").fill("Growth came late.")
    closing.get_by_role("button", name="Close objective").click()
    expect(page.get_by_text("Closed: missed, grade 0.27").first).to_be_visible()
    check_page(page, "objective closed")
    page.get_by_role("button", name="Reopen").click()
    expect(page.get_by_role("region", name="Close and grade")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Closings"))).to_contain_text("missed")

    copy = page.get_by_role("region", name="Copy to another period")
    copy.get_by_label("Period").fill(_next_quarter(period))
    copy.get_by_label("Start from the final values").check()
    copy.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("status")).to_contain_text(f"Copied into {_next_quarter(period)}")
    expect(page.get_by_text("2,600 people: from 1,000 to 5,000")).to_be_visible()

    page.goto(objective_url + "/delete")
    check_page(page, "delete objective")
    page.get_by_role("link", name="Cancel").click()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("link", name="Grow the newsletter from tab two")).to_be_visible()
    check_page(page, "dashboard")
    _calendar_reads_on_a_phone(page)
    page.emulate_media(color_scheme="dark")  # the dark scheme's contrast, checked too
    check_page(page, "dashboard dark")
    page.emulate_media(color_scheme="light")
    page.get_by_label("Period").select_option(_next_quarter(period))
    page.get_by_role("button", name="Show").click()
    expect(
        page.get_by_role("heading", name=f"Objectives of {_next_quarter(period)}")
    ).to_be_visible()

    page.get_by_role("link", name="Settings").click()
    check_page(page, "settings")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON").click()
    document = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert len(document["objectives"]) == 2

    page.goto("/app/objectives/999999")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    check_page(page, "not found")

    page.get_by_role("button", name="Log out").first.click()
    expect(page.get_by_role("status")).to_contain_text("You are logged out.")
    page.goto("/app")
    expect(page).to_have_url(re.compile(r"/app/login"))


def _key_result(page, number, title, metric, start, target, weight):
    """Fill in the new objective form's key result row ``number``."""
    row = page.get_by_role("group", name=f"Key result {number}")
    row.get_by_label("Title").fill(title)
    row.get_by_label("Metric").fill(metric)
    row.get_by_label("Start value").fill(start)
    row.get_by_label("Target value").fill(target)
    row.get_by_label("Weight").fill(weight)


def _edit_in_two_tabs(context, page, objective_url):
    """Open the objective in two tabs and save both: the second is refused, its text kept."""
    other = context.new_page()
    page.goto(objective_url)
    other.goto(objective_url)
    edit = page.get_by_role("region", name="Edit")
    edit.get_by_label("Title").fill("Grow the newsletter from tab one")
    edit.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    other.set_viewport_size({"width": 390, "height": 844})  # a phone: Edit is far down
    stale = other.get_by_role("region", name="Edit")
    stale.get_by_label("Title").fill("Grow the newsletter from tab two")
    stale.get_by_role("button", name="Save").click()
    expect(other.get_by_role("alert")).to_contain_text("changed elsewhere")
    expect(other.get_by_role("alert")).to_be_in_viewport()  # the Edit form is low on the page
    expect(other.get_by_role("heading", level=1)).to_have_text("Grow the newsletter from tab one")
    expect(other.get_by_role("region", name="Edit").get_by_label("Title")).to_have_value(
        "Grow the newsletter from tab two"
    )
    check_page(other, "edit refused")
    other.get_by_role("region", name="Edit").get_by_role("button", name="Save").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Grow the newsletter from tab two")
    other.close()


def test_five_wrong_passwords_lock_the_account(context):
    """The sixth attempt is refused even with the right password, with the time left."""
    page = context.new_page()
    page.goto("/app/register")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    for _ in range(5):
        page.get_by_label("Email").fill("grace@example.com")
        page.get_by_label("Password").fill("not the right passphrase")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("alert")).to_contain_text("Wrong e-mail or password.")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Too many failed logins")
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"Locked for \d+ minutes?"))
    check_page(page, "login locked")
    page.goto("/app")
    expect(page).to_have_url(re.compile(r"/app/login"))


def _calendar_reads_on_a_phone(page):
    """At 320 px the year scrolls sideways, its labels legible, this month's label in view."""
    viewport = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    calendar = page.get_by_role("region", name="Check-ins over the last year")
    shown = calendar.evaluate(
        """wrap => {
            const texts = [...wrap.querySelectorAll("text")];
            const months = texts.filter(t => t.getAttribute("y") === "10");
            const last = months[months.length - 1].getBoundingClientRect();
            const box = wrap.getBoundingClientRect();
            return {height: last.height, inside: last.left >= box.left && last.right <= box.right,
                    scrolls: wrap.scrollWidth > wrap.clientWidth};
        }"""
    )
    assert shown["scrolls"] and shown["inside"], shown
    assert shown["height"] >= 9, shown  # px on screen
    page.set_viewport_size(viewport)
