"""Request and response bodies of the auth area."""

from datetime import timedelta

from flask import current_app
from marshmallow import ValidationError, fields, validate, validates_schema

from okr_app.api.schemas import Schema, Timestamp, Trimmed, id_field
from okr_app.auth.emails import normalize_email
from okr_app.auth.passwords import policy_errors
from okr_app.config import PASSWORD_INPUT_MAX
from okr_app.models import EMAIL_MAX_LENGTH, SCOPES
from okr_app.models.types import utcnow


class EmailField(fields.Email):
    """An e-mail address, normalised (NFKC, trimmed, lower case) before validation."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = normalize_email(value)
        return super()._deserialize(value, attr, data, **kwargs)


# Lengths from the settings, written into the OpenAPI document (okr_app/api/spec.py).
NEW_PASSWORD = {
    "format": "password",
    "x-length-settings": ["OKR_PASSWORD_MIN_LENGTH", "OKR_PASSWORD_MAX_LENGTH"],
    "description": "Not a common password, and not containing the e-mail's name part.",
}


class RegisterSchema(Schema):
    """A new account."""

    email = EmailField(required=True, validate=validate.Length(max=EMAIL_MAX_LENGTH))
    password = fields.String(required=True, load_only=True, metadata=NEW_PASSWORD)
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
        validate=validate.Length(max=PASSWORD_INPUT_MAX),
        metadata={"format": "password"},
    )


class ChangePasswordSchema(Schema):
    """The current password and the new one."""

    current_password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(max=PASSWORD_INPUT_MAX),
        metadata={"format": "password"},
    )
    new_password = fields.String(required=True, load_only=True, metadata=NEW_PASSWORD)


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


def within_token_lifetime(moment):
    """Refuse an expiry in the past or beyond ``OKR_PERSONAL_TOKEN_MAX_DAYS`` from now."""
    now = utcnow()
    days = current_app.config["OKR_PERSONAL_TOKEN_MAX_DAYS"]
    if moment <= now:
        raise ValidationError("Must lie in the future.")
    if moment > now + timedelta(days=days):
        raise ValidationError(f"Must lie at most {days} days ahead.")


def distinct(items):
    """Refuse a list that names an item twice."""
    if len(set(items)) != len(items):
        raise ValidationError("Must not repeat an item.")


class PersonalTokenCreateSchema(Schema):
    """A new personal access token: its name, scopes, lifetime and key results."""

    name = Trimmed(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "What it is for; the default `source` of its check-ins."},
    )
    scopes = fields.List(
        fields.String(validate=validate.OneOf(SCOPES)),
        required=True,
        validate=[
            validate.Length(min=1, max=len(SCOPES), error="Choose read, write or both."),
            distinct,
        ],
        metadata={
            "uniqueItems": True,
            "description": "`read` allows GET, `write` allows POST, PUT, PATCH and DELETE.",
        },
    )
    expires_at = Timestamp(
        allow_none=True,
        validate=within_token_lifetime,
        metadata={
            "description": "When it stops working: in the future and at most "
            "`OKR_PERSONAL_TOKEN_MAX_DAYS` (365 by default) ahead. Without it (or null, as "
            "the listing shows it), the token works until deleted, or until the password "
            "changes."
        },
    )
    key_result_ids = fields.List(
        id_field(),
        allow_none=True,
        validate=[validate.Length(min=1, max=100), distinct],
        metadata={
            "uniqueItems": True,
            "description": "Restrict the token to these of the caller's key results: it may "
            "read them and their check-ins and record check-ins on them, and nothing else. "
            "Without it (or null, as the listing shows it), the token reaches all of them.",
        },
    )


class PersonalTokenSchema(Schema):
    """A personal access token as listed: never the token itself."""

    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    prefix = fields.String(
        dump_only=True,
        metadata={"description": "The token's first 12 characters, to tell tokens apart."},
    )
    scopes = fields.List(fields.String(metadata={"enum": list(SCOPES)}), dump_only=True)
    key_result_ids = fields.List(
        fields.Integer(),
        dump_only=True,
        allow_none=True,
        metadata={"description": "The key results it is restricted to; null for all."},
    )
    created_at = fields.DateTime(dump_only=True)
    expires_at = fields.DateTime(dump_only=True, allow_none=True)
    last_used_at = fields.DateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The last request made with it, to the minute."},
    )


class PersonalTokenCreatedSchema(PersonalTokenSchema):
    """A new personal access token, with the token itself: shown this once."""

    token = fields.String(
        dump_only=True,
        metadata={"description": "Send as `Authorization: Bearer okr_pat_...`; shown once."},
    )
