"""Personal access tokens in the settings: create one (shown once) and revoke one.

The same functions, rules, refusals and audit actions as ``POST /auth/tokens`` and
``DELETE /auth/tokens/{id}``.
"""

from flask import flash, g, redirect, request, url_for

from okr_app.api.auditing import attach, audited
from okr_app.auth import personal_tokens
from okr_app.auth.schemas import PersonalTokenCreateSchema
from okr_app.web import forms
from okr_app.web.pages.settings import settings_page
from okr_app.web.routes import blp
from okr_app.web.session import login_required

COPY_NOW = "Copy it now: it is shown only this once."


@blp.route("/settings/tokens", methods=["POST"])
@audited("auth.token.created")
@login_required
def create_token():
    """Create a personal access token; the page shows it this once."""
    values = {
        "name": request.form.get("name", ""),
        "scopes": request.form.getlist("scopes"),
        "expires_at": request.form.get("expires_at", ""),
        "key_result_ids": request.form.getlist("key_result_ids"),
    }
    data, form = forms.check(PersonalTokenCreateSchema(), _body(values), values)
    status = 422
    if form is None:
        result, error = forms.attempt(personal_tokens.create_token, g.web_user.id, data)
        if error:
            form, status = forms.refused(error, values), error.code
    if form is not None:
        return settings_page(status, token=form)
    row, token = result
    attach(
        resource_type="personal_token",
        resource_id=row.id,
        details=personal_tokens.snapshot(row),
    )
    shown = {"section": "tokens", "label": f"Your new token “{row.name}”", "value": token}
    return settings_page(201, shown_once=shown)


def _body(values):
    """Return the ``POST /auth/tokens`` body of the typed values (empty ones left out)."""
    body = {"name": values["name"], "scopes": values["scopes"]}
    if values["expires_at"].strip():
        body["expires_at"] = values["expires_at"]
    if values["key_result_ids"]:
        body["key_result_ids"] = [forms.integer(item) for item in values["key_result_ids"]]
    return body


@blp.route("/settings/tokens/<int:token_id>/revoke", methods=["POST"])
@audited("auth.token.revoked")
@login_required
def revoke_token(token_id):
    """Delete one of the user's tokens: refused from now on, everywhere."""
    row = personal_tokens.owned_token(g.web_user.id, token_id)
    details = {"deleted": personal_tokens.snapshot(row)}
    personal_tokens.delete_token(row)
    attach(resource_type="personal_token", resource_id=token_id, details=details)
    flash(f"The token “{details['deleted']['name']}” is revoked.")
    return redirect(url_for("web.settings"), 303)  # the message takes focus (webhooks._back)
