"""The web interface's blueprint: its pages, security headers, CSRF check and error pages.

The pages themselves are in ``okr_app.web.pages``, one module per part of the interface.
"""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Conflict, HTTPException, InternalServerError

from okr_app.database import conflicts
from okr_app.extensions import csrf, db
from okr_app.okr import wording
from okr_app.web import formatting, submissions
from okr_app.web.charts import bars
from okr_app.web.session import INTERFACE, load_user

blp = Blueprint(
    "web",
    __name__,
    url_prefix=INTERFACE,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

#: No script at all; styles and images only from the app itself; never framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
ERROR_TITLES = {
    400: "The form could not be used",
    401: "Please log in again",
    403: "Not allowed",
    404: "Page not found",
    405: "Not allowed",
    409: "Changed at the same moment",
    413: "Too large",
    429: "Too many requests",
    500: "Something went wrong",
    503: "Temporarily unavailable",
}


@blp.before_request
def check_csrf_token():
    """Refuse a form post without the page's CSRF token (400), before any view runs.

    An import file may be as large as the API's ``POST /import`` takes.
    """
    if request.endpoint == "web.post_import":
        request.max_content_length = current_app.config["OKR_IMPORT_MAX_BYTES"]
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()


@blp.after_request
def add_security_headers(response):
    """Send the CSP and its companions; never cache a page holding the user's data."""
    response.headers.update(SECURITY_HEADERS)
    if request.endpoint != "web.static":
        response.headers["Cache-Control"] = "no-store"
    return response


@blp.app_context_processor
def interface_context():
    """Give every template the signed-in user (None for a visitor)."""
    return {"web_user": load_user}


def page_of(endpoint, row_id):
    """Return the path of the page of one row, e.g. ``/app/key-results/7``.

    The same as ``url_for(endpoint, <id>=row_id)``, at a fraction of its cost: a dashboard
    links to a hundred key results.
    """
    prefixes = g.setdefault("web_page_prefixes", {})
    if endpoint not in prefixes:
        argument = endpoint.rsplit(".", 1)[1] + "_id"
        prefixes[endpoint] = url_for(endpoint, **{argument: 1})[:-1]
    return f"{prefixes[endpoint]}{row_id}"


blp.add_app_template_global(page_of, "page_of")
blp.add_app_template_global(submissions.new_submission, "new_submission")
blp.add_app_template_global(bars.progress_bar, "progress_bar")
blp.add_app_template_global(formatting.KIND_CHOICES, "KIND_CHOICES")
blp.add_app_template_filter(wording.number, "number")
blp.add_app_template_filter(wording.exact, "exact")
blp.add_app_template_filter(wording.percent, "percent")
blp.add_app_template_filter(wording.percent_as_graded, "percent_as_graded")
blp.add_app_template_filter(formatting.counted, "counted")
blp.add_app_template_filter(formatting.moment, "moment")
blp.add_app_template_filter(formatting.moment_input, "moment_input")
blp.add_app_template_filter(wording.goal, "goal")
blp.add_app_template_filter(wording.standing, "standing")
blp.add_app_template_filter(wording.stated, "stated")
blp.add_app_template_filter(wording.value_now, "value_now")


@blp.route("/<path:_anything>", methods=["GET", "POST"])
def not_found(_anything):
    """Answer an unknown path under ``/app`` with the interface's 404 page.

    The address of a form (``.../edit``), where a refused form is shown, leads to the
    form's page when opened again later (a bookmark, a reload after a restart).
    """
    if request.method in ("GET", "HEAD"):
        page = _page_of_form(request.path)
        if page is not None:
            return redirect(request.script_root + page, 303)
    abort(404)


@blp.errorhandler(HTTPException)
def http_error(error):
    """Show an error as a page of the interface, never a stack trace."""
    code = error.code or 500
    if isinstance(error, CSRFError):
        message = "The form was out of date or incomplete. Reload the page and try again."
    else:
        message = getattr(error, "data", {}).get("message") or error.description
    headers = {
        name: value
        for name, value in error.get_headers()
        if name in ("Retry-After", "Allow", "WWW-Authenticate") and code != 401
    }
    retry = (getattr(error, "data", {}).get("headers") or {}).get("Retry-After")
    if retry:
        headers["Retry-After"] = retry
    page = render_template(
        "error.html",
        code=code,
        title=ERROR_TITLES.get(code, "Error"),
        message=message,
        retry_after=headers.get("Retry-After"),
        login_url=url_for("web.login", next=_page_sent_from()) if code == 401 else None,
    )
    return page, code, headers


def _page_of_form(path):
    """Return the page a form posting to ``path`` is on, or None: its path less its last part.

    A refused form is shown at the address it was posted to (``.../edit``); opened again
    later, that address leads to its page instead of an error.
    """
    page = path.rstrip("/").rsplit("/", 1)[0]
    routes = current_app.url_map.bind("")
    try:
        form = routes.match(path, method="POST")[0]
        shown = routes.match(page, method="GET")[0]
    except HTTPException:
        return None
    ours = (form, shown)
    if all(name.startswith(blp.name + ".") and name != "web.not_found" for name in ours):
        return page
    return None


def _page_sent_from():
    """Return the path of the interface's page a form was sent from, else None.

    After logging in again, the person lands back on the page of the form they sent.
    """
    sent_from = urlsplit(request.referrer or "")
    pages = request.script_root + blp.url_prefix + "/"
    if sent_from.netloc != request.host or not sent_from.path.startswith(pages):
        return None
    path = sent_from.path[len(request.script_root) :]  # within the app, as ``next`` takes it
    return path + (f"?{sent_from.query}" if sent_from.query else "")


@blp.errorhandler(Exception)
def unexpected_error(error):
    """Roll back, log, and show the 500 page (503 without a database, 409 for a deadlock)."""
    try:
        db.session.rollback()
    except Exception:
        current_app.logger.warning("rollback failed after an error")
    if conflicts.is_write_conflict(error):
        current_app.logger.warning("write conflict in the web interface")
        failure = Conflict(conflicts.MESSAGE)
        failure.data = {"headers": {"Retry-After": conflicts.RETRY_AFTER}}
        return http_error(failure)
    current_app.logger.exception("unexpected error in the web interface")
    unavailable = error.__class__.__name__ == "OperationalError"
    failure = InternalServerError()
    if unavailable:
        failure.code = 503
        failure.description = "The database is unavailable. Try again shortly."
    else:
        failure.description = "An unexpected error happened. Nothing was changed."
    return http_error(failure)


def unrecorded_page(error):
    """Return the page of a form's change rolled back for want of its audit row.

    The audit hook answers so after this blueprint's own hooks ran: its headers are added.
    """
    return add_security_headers(current_app.make_response(unexpected_error(error)))


from okr_app.web.pages import (  # noqa: E402  (the pages register themselves on blp)
    accounts,  # noqa: F401
    calendar_feed,  # noqa: F401
    dashboard,  # noqa: F401
    key_results,  # noqa: F401
    new_objective,  # noqa: F401
    objectives,  # noqa: F401
    settings,  # noqa: F401
    sharing,  # noqa: F401
    tokens,  # noqa: F401
    webhooks,  # noqa: F401
)
