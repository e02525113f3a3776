"""Query arguments and rows of GET /audit."""

from marshmallow import fields, validate, validates_schema

from okr_app.api.schemas import Schema, Timestamp, Until, check_window, id_field

OUTCOMES = ("success", "denied", "error")


class AuditQuerySchema(Schema):
    """Filters of the audit listing."""

    action = fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={"description": "Prefix of the action, e.g. `auth.` or `objective.updated`."},
    )
    since = Timestamp(metadata={"description": "Rows at or after this time (ISO 8601)."})
    until = Until(exclusive=True, metadata={"description": "Rows before this time (ISO 8601)."})
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
    user_id = id_field(
        metadata={"description": "Admins only: rows where this user is actor or owner."},
    )

    @validates_schema
    def check_order(self, data, **kwargs):
        """Refuse a window that ends before it starts."""
        check_window(data)


class AuditRowSchema(Schema):
    """One audited request."""

    id = fields.Integer()
    chain_key = fields.Integer(
        metadata={
            "description": "The chain the row belongs to: the actor's user id, 0 for rows "
            "without an actor, -1 for rows written before chains were per account."
        }
    )
    seq = fields.Integer(metadata={"description": "Position in its chain, from 1."})
    at = fields.DateTime(metadata={"description": "UTC, microseconds."})
    actor_id = fields.Integer(allow_none=True)
    owner_id = fields.Integer(allow_none=True)
    action = fields.String(metadata={"example": "objective.updated"})
    resource_type = fields.String(allow_none=True)
    resource_id = fields.String(allow_none=True)
    outcome = fields.String(metadata={"enum": list(OUTCOMES)})
    status_code = fields.Integer()
    method = fields.String()
    path = fields.String()
    ip = fields.String(allow_none=True)
    user_agent = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    token_id = fields.Integer(
        allow_none=True,
        metadata={"description": "The personal access token used; null for a login session."},
    )
    details = fields.Dict(
        metadata={"description": "Changed fields with old and new values, or a deleted snapshot."}
    )
    prev_hash = fields.String()
    hash = fields.String(metadata={"description": "SHA-256 over the content and prev_hash."})
