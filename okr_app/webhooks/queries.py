"""Finding the caller's webhooks and their deliveries."""

from flask_smorest import abort
from sqlalchemy import select

from okr_app.api.pagination import page_of
from okr_app.extensions import db
from okr_app.models import Delivery, Webhook
from okr_app.models.types import MAX_ID


def owned_webhook(user_id, webhook_id, *, for_update=False):
    """Return the user's webhook, or answer 404 (for another user's one as well)."""
    if not 0 < webhook_id <= MAX_ID:
        abort(404, message="No such webhook.")
    statement = select(Webhook).where(Webhook.id == webhook_id, Webhook.user_id == user_id)
    if for_update:
        statement = statement.with_for_update()
    webhook = db.session.scalar(statement)
    if webhook is None:
        abort(404, message="No such webhook.")
    return webhook


def webhooks_of(user_id):
    """Return the user's webhooks, oldest first."""
    statement = select(Webhook).where(Webhook.user_id == user_id).order_by(Webhook.id)
    return db.session.scalars(statement).all()


def deliveries_page(webhook_id, pagination_parameters):
    """Return one page of a webhook's deliveries, newest first."""
    statement = (
        select(Delivery).where(Delivery.webhook_id == webhook_id).order_by(Delivery.id.desc())
    )
    return page_of(statement, pagination_parameters)


def owned_delivery(webhook_id, delivery_id):
    """Return the webhook's delivery, or answer 404."""
    if not 0 < delivery_id <= 2**63 - 1:
        abort(404, message="No such delivery.")
    statement = select(Delivery).where(
        Delivery.id == delivery_id, Delivery.webhook_id == webhook_id
    )
    delivery = db.session.scalar(statement)
    if delivery is None:
        abort(404, message="No such delivery.")
    return delivery
