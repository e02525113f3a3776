"""Reminders and automation in the browser: the Due panel, tokens, a webhook, the feed.

Elements are found by role and label; every page passes axe-core and is photographed at
phone and desktop widths (``pages.check_page``).
"""

import re
from datetime import UTC, datetime

from playwright.sync_api import expect

from okr_app.okr.periods import quarter_of
from tests.conftest import PASSWORD
from tests.web.browser.pages import check_page
from tests.webhooks.conftest import receiver, run_worker  # noqa: F401

EMAIL = "lin@example.com"


def _sign_up(page):
    """Create an account and log in."""
    page.goto("/app/register")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_reminders_and_automation_in_the_browser(context, served_app, receiver):  # noqa: F811
    """A daily cadence is due at once; a token, a webhook and a feed are shown once.

    The webhook's receiver verifies the test ping with the secret the page showed.
    """
    page = context.new_page()
    _sign_up(page)
    period = quarter_of(datetime.now(UTC).date())
    due = page.get_by_role("region", name="Due")
    expect(due).to_contain_text("Nothing due by this time tomorrow")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="New objective").click()
    page.get_by_label("Title").first.fill("Move every day")
    expect(page.get_by_label("Period")).to_have_value(period)
    page.get_by_label("Check in every (days)").fill("1")
    row = page.get_by_role("group", name="Key result 1")
    row.get_by_label("Title").fill("Steps")
    row.get_by_label("Metric").fill("steps")
    row.get_by_label("Target value").fill("10000")
    page.get_by_role("button", name="Create objective").click()
    expect(page.get_by_text("Check in every 1 day")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(due.get_by_role("link", name="Steps")).to_be_visible()
    expect(due).to_contain_text("Move every day")
    check_page(page, "dashboard with due")
    due.get_by_role("link", name="Steps").click()
    expect(page.get_by_text(re.compile(r"next check-in due \d{4}-"))).to_be_visible()
    check_page(page, "key result due")

    page.get_by_role("link", name="Settings").click()
    tokens = page.get_by_role("region", name="Personal access tokens")
    tokens.get_by_label("Token name").fill("no scope")
    tokens.get_by_label("read").uncheck()
    tokens.get_by_role("button", name="Create token").click()
    tokens = page.get_by_role("region", name="Personal access tokens")
    scopes = tokens.get_by_role("group", name="Scopes")
    expect(scopes).to_contain_text("Choose read, write or both.")
    check_page(page, "settings token refused")
    tokens.get_by_label("Token name").fill("phone shortcut")
    tokens.get_by_label("read").check()
    tokens.get_by_label("write").check()
    tokens.get_by_role("button", name="Create token").click()
    tokens = page.get_by_role("region", name="Personal access tokens")
    token = tokens.get_by_label("Your new token “phone shortcut”")
    expect(token).to_have_value(re.compile(r"^okr_pat_"))
    expect(token).to_be_focused()  # in view and read out, however far down the page
    expect(tokens).to_contain_text("Copy it now:")
    answer = context.request.get(
        "/objectives", headers={"Authorization": f"Bearer {token.input_value()}"}
    )
    assert answer.status == 200
    expect(tokens.get_by_role("cell", name="read, write")).to_be_visible()
    check_page(page, "settings token created")

    webhooks = page.get_by_role("region", name="Webhooks")
    webhooks.get_by_label("URL").fill(receiver.url())
    webhooks.get_by_label("Description").fill("Local receiver")
    webhooks.get_by_role("button", name="Register webhook").click()
    webhooks = page.get_by_role("region", name="Webhooks")
    secret = webhooks.get_by_role("textbox", name=re.compile("signing secret"))
    expect(secret).to_have_value(re.compile(r"^whsec_"))
    receiver.trust(secret.input_value())
    check_page(page, "settings webhook registered")
    webhooks.get_by_role("button", name=re.compile("Send a test event")).click()
    expect(page.get_by_role("status")).to_contain_text("is recorded")
    expect(page.locator(".messages")).to_be_focused()  # read out, wherever the button was
    run_worker(served_app)
    [ping] = [item for item in receiver.verified() if item.payload["type"] == "ping"]
    page.reload()
    deliveries = page.get_by_role("table", name=re.compile("Latest deliveries"))
    expect(deliveries.get_by_role("cell", name="Succeeded").first).to_be_visible()
    expect(deliveries).to_contain_text(ping.headers["webhook-id"])

    calendar = page.get_by_role("region", name="Calendar feed")
    calendar.get_by_role("button", name="Create the feed").click()
    calendar = page.get_by_role("region", name="Calendar feed")
    expect(calendar.get_by_label("Your calendar feed URL")).to_be_focused()
    url = calendar.get_by_label("Your calendar feed URL").input_value()
    feed = context.request.get(url)
    assert feed.status == 200 and "BEGIN:VCALENDAR" in feed.text()
    check_page(page, "settings feed created")
    calendar.get_by_role("button", name="Revoke the feed").click()
    expect(page.get_by_role("status")).to_contain_text("The calendar feed is revoked")
    expect(page.locator(".messages")).to_be_focused()
    assert context.request.get(url).status == 404

    page.get_by_role("button", name="Revoke phone shortcut").click()
    expect(page.get_by_role("status")).to_contain_text("is revoked")
    expect(page.locator(".messages")).to_be_focused()
    page.get_by_role("button", name=re.compile("Delete the webhook")).click()
    expect(page.get_by_role("region", name="Webhooks")).to_contain_text("No webhooks yet.")
    check_page(page, "settings")
