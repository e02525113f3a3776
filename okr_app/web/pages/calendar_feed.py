"""The calendar feed in the settings: create its secret URL (shown once) and revoke it.

The same functions and audit actions as ``POST /calendar/feed`` and ``DELETE /calendar/feed``.
"""

from flask import flash, g, redirect, url_for

from okr_app.api.auditing import attach, audited
from okr_app.calendar import feeds
from okr_app.web import forms
from okr_app.web.pages.settings import settings_page
from okr_app.web.routes import blp
from okr_app.web.session import login_required


@blp.route("/settings/calendar-feed", methods=["POST"])
@audited("calendar.feed_created")
@login_required
def create_calendar_feed():
    """Create the feed's secret URL, revoking any earlier one; the page shows it this once."""
    token = feeds.create_feed(g.web_user.id)
    attach(resource_type="calendar_feed", resource_id=g.web_user.id)
    url = url_for("calendar.get_feed", token=token, _external=True)
    shown = {"section": "calendar", "label": "Your calendar feed URL", "value": url}
    return settings_page(201, shown_once=shown)


@blp.route("/settings/calendar-feed/revoke", methods=["POST"])
@audited("calendar.feed_revoked")
@login_required
def revoke_calendar_feed():
    """Revoke the feed: its URL stops working at once (404 when there is none)."""
    if not feeds.revoke_feed(g.web_user.id):
        return settings_page(404, calendar=forms.Form(message="There is no calendar feed."))
    attach(resource_type="calendar_feed", resource_id=g.web_user.id)
    flash("The calendar feed is revoked: its URL no longer works.")
    return redirect(url_for("web.settings"), 303)  # the message takes focus (webhooks._back)
