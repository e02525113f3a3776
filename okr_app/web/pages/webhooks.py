"""Webhooks in the settings: register (secret shown once), pause, rotate, test, retry, delete.

The same functions, rules, refusals and audit actions as ``POST /webhooks``,
``PATCH /webhooks/{id}`` (``active``), ``POST /webhooks/{id}/rotate-secret``,
``POST /webhooks/{id}/test``, ``POST /webhooks/{id}/deliveries/{id}/retry`` and
``DELETE /webhooks/{id}``.
"""

from flask import flash, g, redirect, request, url_for

from okr_app.api.auditing import attach, audited
from okr_app.web import forms
from okr_app.web.pages.settings import settings_page
from okr_app.web.routes import blp
from okr_app.web.session import login_required
from okr_app.webhooks import queries, registering
from okr_app.webhooks.schemas import WebhookCreateSchema


@blp.route("/settings/webhooks", methods=["POST"])
@audited("webhook.created")
@login_required
def create_webhook():
    """Register a webhook; the page shows its signing secret this once."""
    values = {
        "url": request.form.get("url", ""),
        "events": request.form.getlist("events"),
        "description": request.form.get("description", ""),
    }
    body = {"url": values["url"].strip(), "events": values["events"]}
    if values["description"].strip():
        body["description"] = values["description"]
    data, form = forms.check(WebhookCreateSchema(), body, values)
    status = 422
    if form is None:
        webhook, error = forms.attempt(registering.create_webhook, g.web_user.id, data)
        if error:
            form, status = forms.refused(error, values), error.code
    if form is not None:
        return settings_page(status, webhook=form)
    attach(
        resource_type="webhook",
        resource_id=webhook.id,
        details=registering.webhook_description(webhook),
    )
    label = f"The signing secret of {webhook.url}"
    shown = {"section": "webhooks", "label": label, "value": webhook.secret}
    return settings_page(201, shown_once=shown)


@blp.route("/settings/webhooks/<int:webhook_id>/active", methods=["POST"])
@audited("webhook.updated")
@login_required
def set_webhook_active(webhook_id):
    """Pause (``active=false``) or resume (``active=true``) a webhook's deliveries."""
    webhook = queries.owned_webhook(g.web_user.id, webhook_id, for_update=True)
    active = request.form.get("active") == "true"
    changes = registering.change_webhook(webhook, {"active": active})
    attach(resource_type="webhook", resource_id=webhook.id, details={"changes": changes})
    flash(f"The webhook to {webhook.url} is {'active' if active else 'paused'}.")
    return _back()


@blp.route("/settings/webhooks/<int:webhook_id>/rotate-secret", methods=["POST"])
@audited("webhook.secret_rotated")
@login_required
def rotate_webhook_secret(webhook_id):
    """Give a webhook a new signing secret, shown this once; the old one stops at once."""
    webhook = queries.owned_webhook(g.web_user.id, webhook_id, for_update=True)
    secret = registering.rotate_secret(webhook)
    attach(resource_type="webhook", resource_id=webhook.id)
    label = f"The new signing secret of {webhook.url}"
    return settings_page(200, shown_once={"section": "webhooks", "label": label, "value": secret})


@blp.route("/settings/webhooks/<int:webhook_id>/delete", methods=["POST"])
@audited("webhook.deleted")
@login_required
def delete_webhook(webhook_id):
    """Delete a webhook with its deliveries; pending ones are never sent."""
    webhook = queries.owned_webhook(g.web_user.id, webhook_id, for_update=True)
    details = {"deleted": registering.webhook_description(webhook)}
    registering.delete_webhook(webhook)
    attach(resource_type="webhook", resource_id=webhook_id, details=details)
    flash(f"The webhook to {details['deleted']['url']} is deleted.")
    return _back()


@blp.route("/settings/webhooks/<int:webhook_id>/test", methods=["POST"])
@audited("webhook.tested")
@login_required
def test_webhook(webhook_id):
    """Send a ``ping`` event to this webhook alone."""
    webhook = queries.owned_webhook(g.web_user.id, webhook_id)
    event_id = registering.send_ping(webhook)
    attach(resource_type="webhook", resource_id=webhook.id, details={"event_id": event_id})
    flash(f"A ping to {webhook.url} is recorded: the worker delivers it and lists it below.")
    return _back()


@blp.route(
    "/settings/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/retry", methods=["POST"]
)
@audited("webhook.delivery_retried")
@login_required
def retry_delivery(webhook_id, delivery_id):
    """Attempt a delivery once more, now, with the same webhook-id."""
    webhook = queries.owned_webhook(g.web_user.id, webhook_id)
    delivery = queries.owned_delivery(webhook.id, delivery_id)
    _, error = forms.attempt(registering.retry_delivery, delivery)
    if error:
        flash(registering.IN_FLIGHT)
        return settings_page(error.code)
    attach(resource_type="webhook_delivery", resource_id=delivery.id)
    flash(f"The {delivery.type} delivery will be attempted again now.")
    return _back()


def _back():
    """Return to the settings, where the message says what was done and takes focus.

    Without a fragment: a browser arriving at one moves to it and ignores ``autofocus``,
    and the message, above the section, would be neither seen nor read out.
    """
    return redirect(url_for("web.settings"), 303)
