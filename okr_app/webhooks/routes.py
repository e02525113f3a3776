"""Webhooks: register, list, read, change, delete, rotate the secret, test, and deliveries."""

from flask import url_for
from flask_jwt_extended import current_user

from okr_app.api.auditing import attach, audited
from okr_app.api.blueprint import ERROR, Blueprint
from okr_app.webhooks import queries, registering
from okr_app.webhooks.schemas import (
    DeliverySchema,
    PingSchema,
    SecretSchema,
    WebhookCreatedSchema,
    WebhookCreateSchema,
    WebhookPatchSchema,
    WebhookSchema,
)

blp = Blueprint(
    "webhooks",
    __name__,
    url_prefix="/webhooks",
    description=(
        "The caller's webhooks: events POSTed to your URL, signed as Standard Webhooks says "
        "(webhook-id, webhook-timestamp, webhook-signature). Others' answer 404."
    ),
)
NEW = {"Location": {"description": "The new webhook.", "schema": {"type": "string"}}}


@blp.route("", methods=["GET"])
@blp.login_required
@blp.response(200, WebhookSchema(many=True))
def list_webhooks():
    """List the caller's webhooks, oldest first (secrets are never shown again)."""
    return queries.webhooks_of(current_user.id)


@blp.route("", methods=["POST"])
@audited("webhook.created")
@blp.login_required(replayable=False, opens_reads=True)
@blp.arguments(WebhookCreateSchema)
@blp.response(201, WebhookCreatedSchema, headers=NEW)
@blp.alt_response(409, response=ERROR)
def post_webhook(values):
    """Register a webhook; the answer holds its signing secret, shown this once.

    The URL must be https (http only with OKR_WEBHOOK_ALLOW_HTTP) and resolve to public
    addresses only (no loopback, private, link-local, multicast or reserved address unless
    the server allows its network); otherwise 422 naming `url`. 409 beyond
    OKR_WEBHOOK_MAX_PER_USER webhooks.
    """
    webhook = registering.create_webhook(current_user.id, values)
    attach(
        resource_type="webhook",
        resource_id=webhook.id,
        details=registering.webhook_description(webhook),
    )
    return webhook, {"Location": url_for("webhooks.get_webhook", webhook_id=webhook.id)}


@blp.route("/<int:webhook_id>", methods=["GET"])
@blp.login_required
@blp.response(200, WebhookSchema)
@blp.alt_response(404, response=ERROR)
def get_webhook(webhook_id):
    """Return one of the caller's webhooks."""
    return queries.owned_webhook(current_user.id, webhook_id)


@blp.route("/<int:webhook_id>", methods=["PATCH"])
@audited("webhook.updated")
@blp.login_required(opens_reads=True)
@blp.arguments(WebhookPatchSchema)
@blp.response(200, WebhookSchema)
@blp.alt_response(404, response=ERROR)
def patch_webhook(values, webhook_id):
    """Change a webhook's url, events, description or active; the others stay.

    A new URL is checked as on registration (422 naming `url`).
    """
    webhook = queries.owned_webhook(current_user.id, webhook_id, for_update=True)
    changes = registering.change_webhook(webhook, values)
    attach(resource_type="webhook", resource_id=webhook.id, details={"changes": changes})
    return webhook


@blp.route("/<int:webhook_id>", methods=["DELETE"])
@audited("webhook.deleted")
@blp.login_required
@blp.response(204)
@blp.alt_response(404, response=ERROR)
def delete_webhook(webhook_id):
    """Delete a webhook with its deliveries; pending ones are never sent."""
    webhook = queries.owned_webhook(current_user.id, webhook_id, for_update=True)
    details = {"deleted": registering.webhook_description(webhook)}
    registering.delete_webhook(webhook)
    attach(resource_type="webhook", resource_id=webhook_id, details=details)


@blp.route("/<int:webhook_id>/rotate-secret", methods=["POST"])
@audited("webhook.secret_rotated")
@blp.login_required(replayable=False)
@blp.response(200, SecretSchema)
@blp.alt_response(404, response=ERROR)
def rotate_webhook_secret(webhook_id):
    """Give a webhook a new signing secret, shown this once; the old one stops at once."""
    webhook = queries.owned_webhook(current_user.id, webhook_id, for_update=True)
    secret = registering.rotate_secret(webhook)
    attach(resource_type="webhook", resource_id=webhook.id)
    return {"secret": secret}


@blp.route("/<int:webhook_id>/test", methods=["POST"])
@audited("webhook.tested")
@blp.login_required
@blp.response(202, PingSchema)
@blp.alt_response(404, response=ERROR)
def test_webhook(webhook_id):
    """Send a `ping` event to this webhook alone, as the worker sends every event."""
    webhook = queries.owned_webhook(current_user.id, webhook_id)
    event_id = registering.send_ping(webhook)
    attach(resource_type="webhook", resource_id=webhook.id, details={"event_id": event_id})
    return {"event_id": event_id}


@blp.route("/<int:webhook_id>/deliveries", methods=["GET"])
@blp.login_required
@blp.response(200, DeliverySchema(many=True))
@blp.alt_response(404, response=ERROR)
@blp.paginate()
def list_deliveries(webhook_id, pagination_parameters):
    """List a webhook's deliveries, newest first.

    Pagination metadata (total, pages) is in the `X-Pagination` header.
    """
    webhook = queries.owned_webhook(current_user.id, webhook_id)
    return queries.deliveries_page(webhook.id, pagination_parameters)


@blp.route("/<int:webhook_id>/deliveries/<int:delivery_id>/retry", methods=["POST"])
@audited("webhook.delivery_retried")
@blp.login_required
@blp.response(202, DeliverySchema)
@blp.alt_response(404, response=ERROR)
@blp.alt_response(409, response=ERROR)
def retry_delivery(webhook_id, delivery_id):
    """Attempt a delivery once more, now, with the same webhook-id; whatever its status.

    409 while a worker attempts it: it holds the delivery until that attempt's outcome is
    recorded (at most `OKR_WEBHOOK_TIMEOUT_SECONDS` and a margin).
    """
    webhook = queries.owned_webhook(current_user.id, webhook_id)
    delivery = queries.owned_delivery(webhook.id, delivery_id)
    registering.retry_delivery(delivery)
    attach(resource_type="webhook_delivery", resource_id=delivery.id)
    return delivery
