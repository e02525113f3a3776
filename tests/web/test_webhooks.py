"""Webhooks and the calendar feed in the settings: shown once, refused, tested, deleted."""

import re

import pytest

from okr_app.extensions import db
from okr_app.models import Delivery
from tests.web.test_accounts import actions
from tests.webhooks.conftest import LOOPBACK, receiver, run_worker  # noqa: F401

SECRET = re.compile(r'id="webhooks-shown-once" type="text" readonly value="(whsec_[^"]+)"')
FEED = re.compile(r'id="calendar-shown-once" type="text" readonly value="(http[^"]+)"')


def _register(web, url, **fields):
    """Post the new webhook form; return the response."""
    data = {"url": url, "events": ["*"], **fields}
    return web.post("/app/settings/webhooks", data, form_page="/app/settings")


@pytest.mark.settings(**LOOPBACK)
def test_a_webhook_is_registered_tested_retried_and_deleted(client, web, app, receiver):  # noqa: F811
    """The secret is shown once and signs the test ping; deliveries are listed and retried."""
    web.user()
    created = _register(web, receiver.url(), description="Team chat")
    assert created.status_code == 201
    secret = SECRET.search(created.text).group(1)
    assert "Copy it now:" in created.text
    receiver.trust(secret)
    page = client.get("/app/settings").text
    assert secret not in page and f"<code>{receiver.url()}</code>" in page
    assert "Events: all" in page and "No deliveries yet." in page
    assert actions(app)[-1] == "webhook.created"

    webhook_id = re.search(r'action="/app/settings/webhooks/(\d+)/test"', page).group(1)
    tested = web.post(f"/app/settings/webhooks/{webhook_id}/test", form_page="/app/settings")
    assert tested.status_code == 303 and actions(app)[-1] == "webhook.tested"
    run_worker(app)
    [got] = receiver.verified()
    assert got.payload["type"] == "ping"
    page = client.get("/app/settings").text
    assert f'<code class="muted">{got.headers["webhook-id"]}</code>' in page
    assert "<td>Succeeded</td>" in page

    retry = re.search(r'action="(/app/settings/webhooks/\d+/deliveries/\d+/retry)"', page)
    assert web.post(retry.group(1), form_page="/app/settings").status_code == 303
    assert actions(app)[-1] == "webhook.delivery_retried"
    assert "<td>Pending</td>" in client.get("/app/settings").text
    run_worker(app)
    assert [item.headers["webhook-id"] for item in receiver.verified()] == [
        got.headers["webhook-id"]
    ] * 2

    deleted = web.post(f"/app/settings/webhooks/{webhook_id}/delete", form_page="/app/settings")
    assert deleted.status_code == 303
    assert "No webhooks yet." in client.get("/app/settings").text
    assert actions(app)[-1] == "webhook.deleted"
    with app.app_context():
        assert db.session.query(Delivery).count() == 0


@pytest.mark.settings(**LOOPBACK)
def test_a_webhook_is_paused_resumed_and_gets_a_new_secret(client, web, app, receiver):  # noqa: F811
    """Pausing and resuming are its ``active``; a new secret is shown once and signs at once."""
    web.user()
    first = SECRET.search(_register(web, receiver.url()).text).group(1)
    page = client.get("/app/settings").text
    webhook_id = re.search(r'action="/app/settings/webhooks/(\d+)/test"', page).group(1)
    base = f"/app/settings/webhooks/{webhook_id}"
    assert '<input type="hidden" name="active" value="false">' in page  # the Pause button's
    paused = web.post(f"{base}/active", {"active": "false"}, form_page="/app/settings")
    assert paused.status_code == 303 and actions(app)[-1] == "webhook.updated"
    page = client.get("/app/settings").text
    assert '<span class="badge">Paused</span>' in page and ">Resume</button>" in page
    assert '<input type="hidden" name="active" value="true">' in page
    web.post(f"{base}/active", {"active": "true"}, form_page="/app/settings")
    assert '<span class="badge">Active</span>' in client.get("/app/settings").text

    rotated = web.post(f"{base}/rotate-secret", form_page="/app/settings")
    assert rotated.status_code == 200 and actions(app)[-1] == "webhook.secret_rotated"
    second = SECRET.search(rotated.text).group(1)
    assert second != first and second not in client.get("/app/settings").text
    receiver.trust(second)
    web.post(f"{base}/test", form_page="/app/settings")
    run_worker(app)
    assert [item.payload["type"] for item in receiver.verified()] == ["ping"]
    web.user()
    for path in (f"{base}/active", f"{base}/rotate-secret"):
        assert web.post(path, {"active": "false"}, form_page="/app/settings").status_code == 404


def test_a_refused_webhook_shows_the_api_message_next_to_the_field(client, web):
    """Loopback without the allow-list, no event, an unknown event: 422 where typed."""
    web.user()
    for url, events, field, message in (
        ("http://127.0.0.1:9/hooks", ["*"], "webhook-url", "Must be an https URL."),
        ("https://127.0.0.1/hooks", ["*"], "webhook-url", "127.0.0.1"),
        ("https://example.com/hooks", [], "webhook-events", "Choose one or more events"),
        ("https://example.com/hooks", ["nope"], "webhook-events", "Must be one of:"),
        ("not a url", ["*"], "webhook-url", ""),
    ):
        refused = _register(web, url, events=events)
        assert refused.status_code == 422, url
        assert re.search(f'id="{field}-error">[^<]*{re.escape(message)}', refused.text), url
        assert not SECRET.search(refused.text)
    assert "No webhooks yet." in client.get("/app/settings").text


@pytest.mark.settings(**LOOPBACK)
def test_webhook_forms_need_the_csrf_token_and_the_owner(client, web, app, receiver):  # noqa: F811
    """Without the CSRF token nothing happens; another user's webhook answers 404."""
    web.user()
    without = client.post("/app/settings/webhooks", data={"url": receiver.url(), "events": "*"})
    assert without.status_code == 400
    assert "No webhooks yet." in client.get("/app/settings").text
    _register(web, receiver.url())
    page = client.get("/app/settings").text
    webhook_id = re.search(r'action="/app/settings/webhooks/(\d+)/test"', page).group(1)
    web.post(f"/app/settings/webhooks/{webhook_id}/test", form_page="/app/settings")
    run_worker(app)
    page = client.get("/app/settings").text
    retry = re.search(r'action="(/app/settings/webhooks/\d+/deliveries/\d+/retry)"', page)
    assert client.post(f"/app/settings/webhooks/{webhook_id}/delete").status_code == 400
    web.user()
    for path in (
        f"/app/settings/webhooks/{webhook_id}/delete",
        f"/app/settings/webhooks/{webhook_id}/test",
        retry.group(1),
    ):
        assert web.post(path, form_page="/app/settings").status_code == 404, path


def test_the_calendar_feed_is_shown_once_replaced_and_revoked(client, web, app):
    """The URL serves the feed until a new one replaces it or it is revoked."""
    web.user()
    assert "You have no calendar feed." in client.get("/app/settings").text
    assert client.post("/app/settings/calendar-feed").status_code == 400
    created = web.post("/app/settings/calendar-feed", form_page="/app/settings")
    assert created.status_code == 201 and "Copy it now:" in created.text
    first = FEED.search(created.text).group(1)
    feed = client.get(first)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    page = client.get("/app/settings").text
    assert first not in page and "You have a calendar feed, created" in page
    assert actions(app)[-1] == "calendar.feed_created"

    again = web.post("/app/settings/calendar-feed", form_page="/app/settings")
    second = FEED.search(again.text).group(1)
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200
    revoked = web.post("/app/settings/calendar-feed/revoke", form_page="/app/settings")
    assert revoked.status_code == 303 and actions(app)[-1] == "calendar.feed_revoked"
    assert client.get(second).status_code == 404
    none = web.post("/app/settings/calendar-feed/revoke", form_page="/app/settings")
    assert none.status_code == 404 and "There is no calendar feed." in none.text
