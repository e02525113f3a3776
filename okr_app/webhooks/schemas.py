"""Request and response bodies of the webhooks area."""

from marshmallow import fields, validate

from okr_app.api.fast_dump import FastDumpSchema
from okr_app.api.schemas import Schema, Trimmed
from okr_app.models import ALL_EVENTS, DELIVERY_STATUSES, EVENT_TYPES

URL = {
    "description": "Where events are POSTed: https (http only where the server allows it), "
    "resolving to public addresses only, unless the server allows a network.",
    "example": "https://example.com/okr-events",
}
EVENTS = {
    "description": 'The event types to receive, or ["*"] for all of them.',
    "example": ["check_in.created", "key_result.stale"],
}


def url_field(**kwargs):
    """Return the webhook URL field."""
    return fields.String(validate=validate.Length(min=1, max=2048), metadata=URL, **kwargs)


def events_field(**kwargs):
    """Return the subscribed events field."""
    choice = fields.String(validate=validate.OneOf((*EVENT_TYPES, ALL_EVENTS)))
    return fields.List(
        choice,
        validate=validate.Length(
            min=1, max=len(EVENT_TYPES), error="Choose one or more events, each once."
        ),
        metadata=EVENTS,
        **kwargs,
    )


DESCRIPTION_LENGTH = validate.Length(max=500)


class WebhookCreateSchema(Schema):
    """A new webhook."""

    url = url_field(required=True)
    events = events_field(required=True)
    description = Trimmed(allow_none=True, load_default=None, validate=DESCRIPTION_LENGTH)


class WebhookPatchSchema(Schema):
    """The fields of a webhook that change; the others stay."""

    url = url_field()
    events = events_field()
    description = Trimmed(allow_none=True, validate=DESCRIPTION_LENGTH)
    active = fields.Boolean(metadata={"description": "false pauses deliveries; true resumes them."})


class WebhookSchema(FastDumpSchema):
    """A webhook, without its secret."""

    id = fields.Integer(dump_only=True)
    url = fields.String(dump_only=True)
    events = fields.List(fields.String(), dump_only=True)
    description = fields.String(dump_only=True, allow_none=True)
    active = fields.Boolean(
        dump_only=True,
        metadata={
            "description": "false when paused, or after its deliveries all failed for "
            "OKR_WEBHOOK_DISABLE_AFTER_DAYS (5) days."
        },
    )
    failing_since = fields.DateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The first failed delivery since the last success."},
    )
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


SECRET = {
    "description": "whsec_ + base64 of 32 random bytes (Standard Webhooks). Shown only now: "
    "keep it to verify the webhook-signature header."
}


class WebhookCreatedSchema(WebhookSchema):
    """A new webhook with its secret, shown this once."""

    secret = fields.String(dump_only=True, metadata=SECRET)


class SecretSchema(Schema):
    """A webhook's new secret, shown this once."""

    secret = fields.String(dump_only=True, metadata=SECRET)


class PingSchema(Schema):
    """The test event recorded for delivery."""

    event_id = fields.String(dump_only=True, metadata={"description": "Its webhook-id."})


class DeliverySchema(FastDumpSchema):
    """One event's delivery to a webhook."""

    id = fields.Integer(dump_only=True)
    event_id = fields.String(
        dump_only=True, metadata={"description": "The webhook-id header of every attempt."}
    )
    type = fields.String(dump_only=True, metadata={"enum": list(EVENT_TYPES)})
    status = fields.String(dump_only=True, metadata={"enum": list(DELIVERY_STATUSES)})
    attempts = fields.Integer(dump_only=True)
    last_status_code = fields.Integer(dump_only=True, allow_none=True)
    last_error = fields.String(dump_only=True, allow_none=True)
    next_attempt_at = fields.DateTime(
        dump_only=True, allow_none=True, metadata={"description": "null once it is done."}
    )
    delivered_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
