"""The calendar feed: create or revoke its secret URL, and serve it (no login, rate-limited)."""

from urllib.parse import urlsplit

from flask import Response, current_app, request, url_for
from flask_jwt_extended import current_user
from flask_smorest import abort
from marshmallow import fields

from okr_app.api.auditing import attach, audited
from okr_app.api.blueprint import ERROR, Blueprint
from okr_app.api.schemas import Schema
from okr_app.calendar import feeds
from okr_app.calendar.ical import feed
from okr_app.calendar.queries import feed_contents
from okr_app.extensions import limiter
from okr_app.models import KeyResult
from okr_app.models.types import utcnow

blp = Blueprint(
    "calendar",
    __name__,
    url_prefix="/calendar",
    description="A secret calendar feed (iCalendar) of due check-ins and period ends.",
)


class FeedSchema(Schema):
    """The feed's secret URL, shown this once."""

    url = fields.String(
        dump_only=True,
        metadata={
            "description": "Subscribe to it in a calendar app. Whoever has it can read the "
            "feed: keep it secret; POST again for a new one (the old one stops working)."
        },
    )


@blp.route("/feed", methods=["POST"])
@audited("calendar.feed_created")
@blp.login_required(replayable=False, opens_reads=True)
@blp.response(201, FeedSchema)
def create_feed():
    """Create the caller's calendar feed URL, revoking any earlier one; shown this once."""
    token = feeds.create_feed(current_user.id)
    attach(resource_type="calendar_feed", resource_id=current_user.id)
    return {"url": url_for("calendar.get_feed", token=token, _external=True)}


@blp.route("/feed", methods=["DELETE"])
@audited("calendar.feed_revoked")
@blp.login_required
@blp.response(204)
@blp.alt_response(404, response=ERROR)
def revoke_feed():
    """Revoke the caller's calendar feed; 404 when there is none."""
    if not feeds.revoke_feed(current_user.id):
        abort(404, message="There is no calendar feed.")
    attach(resource_type="calendar_feed", resource_id=current_user.id)


def _feed_key():
    """Rate-limit each feed token on its own (a keyed hash, never the token itself)."""
    return "calendar:" + feeds.token_hash(request.view_args.get("token", ""))[:32]


@blp.route("/<string:token>.ics", methods=["GET"])
@limiter.limit(lambda: current_app.config["OKR_CALENDAR_RATE_LIMIT"], key_func=_feed_key)
@blp.doc(
    responses={
        "200": {
            "description": "The feed (RFC 5545).",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        }
    }
)
@blp.alt_response(404, response=ERROR)
def get_feed(token):
    """Return the feed: one event per check-in due in the next 90 days, one per period end.

    No login: the secret in the URL is the credential. An unknown or revoked token is 404.
    """
    user_id = feeds.feed_owner(token)
    if user_id is None:
        abort(404, message="No such calendar feed.")
    key_results, objectives = feed_contents(user_id)
    body = feed(key_results, objectives, _page_of, _host_name(), utcnow())
    return Response(body, content_type="text/calendar; charset=utf-8")


def _page_of(row):
    """Return the absolute URL of a key result's or an objective's page in the web interface."""
    if isinstance(row, KeyResult):
        return url_for("web.key_result", key_result_id=row.id, _external=True)
    return url_for("web.objective", objective_id=row.id, _external=True)


def _host_name():
    """Return the request's host name, lower case, without port or IPv6 brackets."""
    # Werkzeug leaves an invalid Host empty; its URL then has no host name.
    return urlsplit(request.host_url).hostname or ""
