"""What a share link shows, without a login: a read-only page (or JSON) and a badge.

Only what ``okr_app.sharing.queries.shared_view`` names reaches the answer; an unknown,
revoked or expired token is 404 at once. Every answer is rate-limited per token, never
indexed and never passes the link on as a referrer.
"""

from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, render_template, request
from markupsafe import escape

from okr_app.api.errors import error_body, handle_http_exception
from okr_app.calendar.feeds import token_hash
from okr_app.extensions import limiter
from okr_app.okr.wording import percent
from okr_app.sharing.queries import shared_objective, shared_view
from okr_app.sharing.schemas import SharedObjectiveSchema
from okr_app.web.charts import key_result_chart
from okr_app.web.routes import CONTENT_SECURITY_POLICY

blp = Blueprint("shared", __name__, url_prefix="/s")

PACE_LABELS = {
    "done": "Done",
    "ahead": "Ahead of pace",
    "on_track": "On track",
    "at_risk": "At risk",
    "stale": "No recent check-in",
}
#: The most characters of the title a badge shows.
BADGE_TITLE_LENGTH = 40
NOT_FOUND = "No such share link: it may have been revoked or have expired."


def _share_key():
    """Rate-limit each link on its own (a keyed hash, never the token itself)."""
    return "share:" + token_hash(request.view_args.get("token", ""))[:32]


def _limit():
    """Return the share pages' rate limit, read per request."""
    return current_app.config["OKR_SHARE_RATE_LIMIT"]


#: One budget per link for its page, its JSON and its badge together.
share_limit = limiter.shared_limit(_limit, scope="share", key_func=_share_key)


@blp.after_request
def add_headers(response):
    """Keep share pages out of search engines and referrers; forbid scripts and framing."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers.setdefault("Cache-Control", "no-store")
    response.vary.add("Accept")
    return response


@blp.errorhandler(429)
def too_many_requests(error):
    """Answer a link's spent budget as its page would be: HTML, or JSON when asked for.

    The badge answers JSON, as its 404 does; ``Retry-After`` is added to either.
    """
    if wants_json() or request.endpoint == "shared.shared_badge":
        return handle_http_exception(error)
    return render_template("shared/limited.html"), 429


def wants_json():
    """Tell whether the client prefers JSON to HTML (``Accept: application/json``)."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


@blp.route("/<string:token>", methods=["GET"])
@share_limit
def shared_objective_page(token):
    """Show the shared objective read-only: a page, or JSON when asked for."""
    objective = shared_objective(token)
    as_json = wants_json()
    if objective is None:
        if as_json:
            return error_body(404, "Not Found", NOT_FOUND), 404
        return render_template("shared/missing.html", message=NOT_FOUND), 404
    now = datetime.now(UTC)
    view = shared_view(objective, now)
    if as_json:
        return SharedObjectiveSchema().dump(view)
    charts = [
        key_result_chart(item, objective, list(item.check_ins), now)
        for item in objective.key_results
    ]
    return render_template(
        "shared/page.html",
        view=view,
        items=list(zip(objective.key_results, view["key_results"], charts, strict=True)),
        objective=objective,
        pace_labels=PACE_LABELS,
    )


@blp.route("/<string:token>/badge.svg", methods=["GET"])
@share_limit
def shared_badge(token):
    """Return a small SVG badge with the objective's title and progress; cacheable 60 s."""
    objective = shared_objective(token)
    if objective is None:
        return error_body(404, "Not Found", NOT_FOUND), 404
    return Response(
        badge(objective.title, objective.progress),
        content_type="image/svg+xml; charset=utf-8",
        headers={"Cache-Control": "public, max-age=60"},
    )


def badge(title, progress):
    """Return the SVG of a badge: the title (shortened) on the left, the progress on the right."""
    if len(title) > BADGE_TITLE_LENGTH:
        title = title[: BADGE_TITLE_LENGTH - 1] + "…"
    figure = percent(progress)
    left = 12 + 7 * len(title)
    right = 12 + 7 * len(figure)
    width = left + right
    fill = round(right * progress / 100.0, 2)
    return render_template(
        "shared/badge.svg",
        title=escape(title),
        figure=figure,
        left=left,
        right=right,
        width=width,
        fill=fill,
    )
