"""Request and response bodies of the auth area."""

from marshmallow import ValidationError, fields, validate, validates_schema

from okr_app.api.schemas import Schema, Trimmed
from okr_app.auth.emails import normalize_email
from okr_app.auth.passwords import policy_errors


class EmailField(fields.Email):
    """An e-mail address, normalised (NFKC, trimmed, lower case) before validation."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = normalize_email(value)
        return super()._deserialize(value, attr, data, **kwargs)


class RegisterSchema(Schema):
    """A new account."""

    email = EmailField(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, metadata={"format": "password"})
    display_name = Trimmed(validate=validate.Length(max=100), allow_none=True)

    @validates_schema
    def check_password_policy(self, data, **kwargs):
        """Refuse short, over-long, common passwords and ones containing the e-mail's name."""
        errors = policy_errors(data["password"], data["email"])
        if errors:
            raise ValidationError(errors, field_name="password")


class LoginSchema(Schema):
    """Credentials."""

    email = fields.String(required=True, validate=validate.Length(min=1, max=320))
    password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(max=1024),
        metadata={"format": "password"},
    )


class ChangePasswordSchema(Schema):
    """The current password and the new one."""

    current_password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(max=1024),
        metadata={"format": "password"},
    )
    new_password = fields.String(required=True, load_only=True, metadata={"format": "password"})


class TokenSchema(Schema):
    """A token pair for ``Authorization: Bearer``."""

    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "Access token seconds."})


class UserSchema(Schema):
    """A user's profile; never the password hash."""

    id = fields.Integer(dump_only=True)
    email = fields.String(dump_only=True)
    display_name = fields.String(dump_only=True, allow_none=True)
    role = fields.String(dump_only=True, metadata={"enum": ["user", "admin"]})
    created_at = fields.DateTime(dump_only=True)
