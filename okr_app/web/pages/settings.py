"""Settings: password, sessions, export and import. One section each, in ``SECTIONS``.

Personal access tokens, webhooks and the calendar feed join as sections of their own (a
template in ``templates/settings/`` and its form views here or in their own module).
"""

import json

from flask import (
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from marshmallow import ValidationError

from okr_app.api.auditing import attach, audited
from okr_app.auth import login as login_rules
from okr_app.auth.schemas import ChangePasswordSchema
from okr_app.transfer.exporting import export_download
from okr_app.transfer.importing import import_document
from okr_app.transfer.schemas import ExportDocumentSchema, ExportQuerySchema
from okr_app.web import forms, queries
from okr_app.web.routes import blp
from okr_app.web.session import login_required, set_cookie

#: The sections of the settings page, in order: (anchor, template).
SECTIONS = (
    ("password", "settings/password.html"),
    ("sessions", "settings/sessions.html"),
    ("export", "settings/export.html"),
    ("import", "settings/import.html"),
)


@blp.route("/settings", methods=["GET"])
@login_required
def settings():
    """Show every section of the settings."""
    return _settings_page()


def _settings_page(status=200, **forms_shown):
    """Return the settings page with ``forms_shown`` (password, import)."""
    sessions = queries.open_sessions(g.web_user.id)
    shown = {"password": forms.Form(), "import": forms.Form(), **forms_shown}
    page = render_template("settings.html", sections=SECTIONS, sessions=sessions, forms=shown)
    return page, status


@blp.route("/settings/password", methods=["POST"])
@audited("auth.password_change")
@login_required
def change_password():
    """Change the password: every other session and token of the account ends at once."""
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
        return _settings_page(status, password=form)
    session, _pair = result
    flash("Your password is changed. Every other session has been logged out.")
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
def post_import():
    """Add the objectives of a JSON export file to the account; all or nothing."""
    upload = request.files.get("document")
    if upload is None or not upload.filename:
        return _import_refused("Choose a JSON export file to import.")
    try:
        document = ExportDocumentSchema().load(json.load(upload.stream))
    except (ValueError, UnicodeDecodeError):
        return _import_refused("The file is not a JSON export of okr-tracker.")
    except ValidationError as error:
        first = _first_error(error.messages)
        return _import_refused(f"The file was refused, nothing was imported: {first}")
    summary = import_document(g.web_user.id, document)
    details = {name: value for name, value in summary.items() if name != "objective_ids"}
    attach(resource_type="user", resource_id=g.web_user.id, details=details)
    flash(
        f"Imported {summary['objectives']} objectives, {summary['key_results']} key results "
        f"and {summary['check_ins']} check-ins."
    )
    return redirect(url_for("web.dashboard"), 303)


def _import_refused(message):
    """Return the settings page with the import's refusal next to the file input."""
    return _settings_page(422, **{"import": forms.Form({}, {"document": [message]}, message)})


def _first_error(messages, path=()):
    """Return the first validation message and where it is, e.g. ``objectives.0.title: ...``."""
    if isinstance(messages, dict):
        key, value = next(iter(messages.items()))
        return _first_error(value, (*path, str(key)))
    if isinstance(messages, list) and messages and not isinstance(messages[0], str):
        return _first_error(messages[0], path)
    text = messages[0] if isinstance(messages, list) else str(messages)
    return f"{'.'.join(path)}: {text}" if path else text
