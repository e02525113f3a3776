"""Bodies and query arguments of the admin area."""

from marshmallow import fields, validate

from okr_app.api.schemas import Schema
from okr_app.auth.schemas import UserSchema
from okr_app.models import EMAIL_MAX_LENGTH, ROLES


class AdminUserSchema(UserSchema):
    """A user as admins see it."""

    is_active = fields.Boolean(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class UserQuerySchema(Schema):
    """Filters of the user listing."""

    q = fields.String(
        validate=[
            validate.Length(min=1, max=EMAIL_MAX_LENGTH),
            validate.Predicate(
                "strip", error="Give part of an e-mail address: spaces alone match nothing."
            ),
        ],
        metadata={
            "description": "Part of the e-mail address, case-insensitive, taken literally "
            "(`%` and `_` match only themselves); spaces around it are ignored, spaces "
            "alone refused (422)."
        },
    )
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()


class UserPatchSchema(Schema):
    """What an admin may change on an account."""

    role = fields.String(validate=validate.OneOf(ROLES))
    is_active = fields.Boolean(
        metadata={"description": "false ends every session at once and refuses logins (403)."}
    )
