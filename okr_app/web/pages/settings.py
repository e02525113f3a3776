"""Settings: password, sessions, tokens, webhooks, the calendar feed, export and import.

One section each, in ``SECTIONS``; the forms of tokens, webhooks and the calendar feed
have their own modules (``tokens``, ``webhooks``, ``calendar_feed``) and answer with
``settings_page``.
"""

import json

from flask import (
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from marshmallow import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from okr_app.api.auditing import attach, audited
from okr_app.auth import login as login_rules
from okr_app.auth import personal_tokens
from okr_app.auth.schemas import ChangePasswordSchema
from okr_app.models import ALL_EVENTS, EVENT_TYPES, SCOPES
from okr_app.transfer.concurrency import release_claims, take_claims
from okr_app.transfer.exporting import export_download
from okr_app.transfer.importing import import_document
from okr_app.transfer.schemas import ExportDocumentSchema, ExportQuerySchema
from okr_app.web import forms, queries
from okr_app.web.formatting import counted
from okr_app.web.routes import blp, http_error
from okr_app.web.session import load_user, login_required, set_cookie
from okr_app.web.submissions import once_per_submission
from okr_app.webhooks.queries import webhooks_of

#: The sections of the settings page, in order: (anchor, heading, template).
SECTIONS = (
    ("password", "Password", "settings/password.html"),
    ("sessions", "Sessions", "settings/sessions.html"),
    ("tokens", "Personal access tokens", "settings/tokens.html"),
    ("webhooks", "Webhooks", "settings/webhooks.html"),
    ("calendar", "Calendar feed", "settings/calendar.html"),
    ("export", "Export", "settings/export.html"),
    ("import", "Import", "settings/import.html"),
)
FORM_NAMES = ("password", "import", "token", "webhook", "calendar")


@blp.route("/settings", methods=["GET"])
@login_required
def settings():
    """Show every section of the settings."""
    return settings_page()


def settings_page(status=200, shown_once=None, **forms_shown):
    """Return the settings page with ``forms_shown`` and a secret ``shown_once`` (or None).

    ``shown_once`` is ``{"section": ..., "label": ..., "value": ...}``: a new token, a
    webhook's signing secret or a feed URL, which is in this answer only.
    """
    user_id = g.web_user.id
    webhooks = webhooks_of(user_id)
    choices = queries.key_result_choices(user_id)
    shown = {**{name: forms.Form() for name in FORM_NAMES}, **forms_shown}
    page = render_template(
        "settings.html",
        sections=SECTIONS,
        sessions=queries.open_sessions(user_id),
        tokens=personal_tokens.tokens_of(user_id),
        scopes=SCOPES,
        key_result_choices=choices,
        key_result_names=dict(choices),
        webhooks=webhooks,
        deliveries=queries.recent_deliveries([webhook.id for webhook in webhooks]),
        event_choices=(ALL_EVENTS, *EVENT_TYPES),
        calendar_feed=queries.calendar_feed(user_id),
        shown_once=shown_once,
        forms=shown,
    )
    return page, status


@blp.route("/settings/password", methods=["POST"])
@audited("auth.password_change")
@login_required
def change_password():
    """Change the password: every other session, token, share link and feed ends at once."""
    values = forms.posted(("current_password", "new_password"))
    data, form = forms.load(ChangePasswordSchema(), values)
    status = 422
    if form is None:
        result, error = forms.attempt(
            login_rules.change_password, g.web_user, data["current_password"], data["new_password"]
        )
        if error:
            form, status = forms.refused(error, {}), error.code
            if error.code == 403:  # the current password is wrong
                form.errors = {"current_password": ["Wrong password."]}
    if form is not None:
        return settings_page(status, password=form)
    session, _pair = result
    flash(
        "Your password is changed. Every other session has been logged out, and every API "
        "token, share link and the calendar feed revoked."
    )
    return set_cookie(redirect(url_for("web.settings"), 303), session)


@blp.route("/export", methods=["GET"])
@login_required
def export():
    """Download everything as the API's export: ``?format=json`` or ``csv`` (a zip)."""
    try:
        query = ExportQuerySchema().load({"format": request.args.get("format", "json")})
    except ValidationError:
        query = {"format": "json"}
    return export_download(g.web_user.id, query)


@blp.route("/import", methods=["POST"])
@audited("data.imported")
@login_required
@once_per_submission
def post_import():
    """Add the objectives of a JSON export file to the account; all or nothing.

    Under the API's claims: another import of the user running is 409, too many running
    in all is 429, each shown as the import section's message, with nothing imported.
    """
    held, refusal = forms.attempt(take_claims, g.web_user.id)
    if refusal:
        headers = (getattr(refusal, "data", None) or {}).get("headers") or {}  # Retry-After
        page, status = settings_page(refusal.code, **{"import": forms.refused(refusal, {})})
        return page, status, headers
    try:
        return _import_upload()
    finally:
        release_claims(held)


@blp.route("/import", methods=["GET"])
def import_section():
    """Lead to the import section; with ``?refused=too-large``, show why a file was refused.

    nginx refuses an import larger than it takes before the app reads it, and sends the
    browser here to show the form with the reason beside the file (deploy/nginx.conf). A
    visitor whose session ended meanwhile gets the error page: nginx keeps the status 413,
    with which a browser would not follow a redirect to the login page.
    """
    if request.args.get("refused") == "too-large":
        if load_user() is None:
            return http_error(RequestEntityTooLarge())
        return import_too_large()
    return _import_anchor()


@login_required
def _import_anchor():
    """Lead to the settings' import section."""
    return redirect(url_for("web.settings", _anchor="import"), 303)


@blp.errorhandler(RequestEntityTooLarge)
def body_too_large(error):
    """Show an import file over the limit beside the form; any other body, the error page."""
    if request.endpoint == "web.post_import" and load_user() is not None:
        return import_too_large()
    return http_error(error)


def import_too_large():
    """Return the settings page refusing an import file over ``OKR_IMPORT_MAX_BYTES`` (413)."""
    limit = current_app.config["OKR_IMPORT_MAX_BYTES"]
    size = f"{limit // 2**20} MiB" if limit % 2**20 == 0 else f"{limit:,} bytes"
    message = f"The file is larger than {size}, the most an import takes. Nothing was imported."
    return settings_page(413, **{"import": forms.Form({}, {"document": [message]}, message)})


def _import_upload():
    """Import the posted file, or return the settings page with its refusal."""
    upload = request.files.get("document")
    if upload is None or not upload.filename:
        return _import_refused("Choose a JSON export file to import.")
    try:
        document = ExportDocumentSchema().load(json.load(upload.stream))
    except (ValueError, UnicodeDecodeError):
        return _import_refused("The file is not a JSON export of okr-tracker.")
    except RecursionError:  # as the API answers a body nested past Python's limit
        return _import_refused("The file is nested too deeply to be an export of okr-tracker.")
    except ValidationError as error:
        first = _first_error(error.messages)
        return _import_refused(f"The file was refused, nothing was imported: {first}")
    summary = import_document(g.web_user.id, document)
    details = {name: value for name, value in summary.items() if name != "objective_ids"}
    attach(resource_type="user", resource_id=g.web_user.id, details=details)
    objectives, key_results, check_ins = (
        counted(summary["objectives"], "objective"),
        counted(summary["key_results"], "key result"),
        counted(summary["check_ins"], "check-in"),
    )
    flash(f"Imported {objectives}, {key_results} and {check_ins}.")
    return redirect(url_for("web.dashboard"), 303)


def _import_refused(message):
    """Return the settings page with the import's refusal next to the file input."""
    return settings_page(422, **{"import": forms.Form({}, {"document": [message]}, message)})


def _first_error(messages, path=()):
    """Return the first validation message and where it is, e.g. ``objectives.0.title: ...``."""
    if isinstance(messages, dict):
        key, value = next(iter(messages.items()))
        return _first_error(value, (*path, str(key)))
    if isinstance(messages, list) and messages and not isinstance(messages[0], str):
        return _first_error(messages[0], path)
    text = messages[0] if isinstance(messages, list) else str(messages)
    return f"{'.'.join(path)}: {text}" if path else text
