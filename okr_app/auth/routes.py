"""Accounts, sessions and personal access tokens: register, login, refresh, logout, ..."""

from flask import g
from flask_jwt_extended import current_user, get_jwt
from flask_smorest import abort

from okr_app.api.auditing import attach, audited
from okr_app.api.blueprint import ERROR, Blueprint
from okr_app.auth import login as login_rules
from okr_app.auth import personal_tokens, tokens
from okr_app.auth.schemas import (
    ChangePasswordSchema,
    LoginSchema,
    PersonalTokenCreatedSchema,
    PersonalTokenCreateSchema,
    PersonalTokenSchema,
    RegisterSchema,
    TokenSchema,
    UserSchema,
)

blp = Blueprint(
    "auth",
    __name__,
    url_prefix="/auth",
    description="Accounts, sessions and personal access tokens.",
)
NO_STORE = {"Cache-Control": "no-store"}
NO_STORE_HEADER = {
    "Cache-Control": {
        "description": "`no-store`: the answer holds the token.",
        "schema": {"type": "string"},
    }
}


@blp.route("/register", methods=["POST"])
@audited("auth.register", caller_acts=False)
@blp.replayable_by_address
@blp.arguments(RegisterSchema)
@blp.response(201, UserSchema)
@blp.alt_response(409, response=ERROR)
def register(data):
    """Create an account (role ``user``)."""
    return login_rules.register_user(data["email"], data["password"], data.get("display_name"))


@blp.route("/login", methods=["POST"])
@audited("auth.login", caller_acts=False)
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, response=ERROR)
@blp.alt_response(403, response=ERROR)
@blp.alt_response(429, response=ERROR)
@blp.alt_response(503, response=ERROR)
def login(data):
    """Exchange e-mail and password for a token pair; repeated failures lock the account."""
    _session, pair = login_rules.log_in(data["email"], data["password"])
    return pair


@blp.route("/refresh", methods=["POST"])
@audited("auth.refresh")
@blp.login_required(refresh=True, personal_tokens=False, replayable=False)
@blp.response(200, TokenSchema)
def refresh_tokens():
    """Trade the refresh token for a new pair; a reused refresh token ends the session."""
    session = g.okr_session
    new_jti = tokens.rotate(session, get_jwt()["jti"])
    if new_jti is None:
        tokens.revoke_session(session.id, "refresh-reuse")
        # The refusal must end the session: whoever replayed the token may hold its twin.
        attach(
            event="auth.refresh.reused",
            resource_type="session",
            resource_id=session.id,
            keep_changes=True,
        )
        abort(401, message="This refresh token was already used; the session has been ended.")
    attach(event="auth.refreshed", resource_type="session", resource_id=session.id)
    return tokens.token_pair(current_user, session.id, new_jti)


@blp.route("/logout", methods=["POST"])
@audited("auth.logout")
@blp.login_required(personal_tokens=False, replayable=False)
@blp.response(204)
def logout():
    """End the current session: its access and refresh tokens stop working.

    Never answered from an earlier request's ``Idempotency-Key``: the key of another
    session's logout must not leave this one open.
    """
    login_rules.log_out(g.okr_session.id)


@blp.route("/change-password", methods=["POST"])
@audited("auth.password_change")
@blp.login_required(personal_tokens=False, replayable=False)
@blp.arguments(ChangePasswordSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(422, response=ERROR)
@blp.alt_response(429, response=ERROR)
@blp.alt_response(503, response=ERROR)
def change_password(data):
    """Set a new password, end every session of the account and return a fresh pair.

    Every personal access token, share link and the calendar feed of the account are
    deleted at the same moment, as app passwords are: scripts need new tokens, calendars a
    new feed URL. Webhooks stay. A wrong `current_password` is 403 (the token
    is fine: the password is not), counted by the lockout as a failed login.
    """
    _session, pair = login_rules.change_password(
        current_user, data["current_password"], data["new_password"]
    )
    return pair


@blp.route("/me", methods=["GET"])
@blp.login_required
@blp.response(200, UserSchema)
def get_me():
    """Return the caller's profile."""
    return current_user


@blp.route("/tokens", methods=["POST"])
@audited("auth.token.created")
@blp.login_required(personal_tokens=False, replayable=False)
@blp.arguments(PersonalTokenCreateSchema)
@blp.response(201, PersonalTokenCreatedSchema, headers=NO_STORE_HEADER)
@blp.alt_response(409, response=ERROR)
def create_personal_token(values):
    """Create a personal access token for scripts; the token is in this answer only.

    Send it as `Authorization: Bearer okr_pat_...` wherever an access token is accepted.
    `key_result_ids` must name the caller's own key results (else 422); `expires_at` must
    lie in the future, at most `OKR_PERSONAL_TOKEN_MAX_DAYS` ahead (else 422). An account
    holds at most 100 tokens (409). Only a keyed hash of the token is stored; a password
    change or a deactivation deletes every token of the account.
    """
    row, token = personal_tokens.create_token(current_user.id, values)
    attach(
        resource_type="personal_token",
        resource_id=row.id,
        details=personal_tokens.snapshot(row),
    )
    listed = {name: getattr(row, name) for name in PersonalTokenSchema().fields}
    return {**listed, "token": token}, NO_STORE


@blp.route("/tokens", methods=["GET"])
@blp.login_required(personal_tokens=False)
@blp.response(200, PersonalTokenSchema(many=True))
def list_personal_tokens():
    """List the caller's personal access tokens, newest first, without the tokens."""
    return personal_tokens.tokens_of(current_user.id)


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@audited("auth.token.revoked")
@blp.login_required(personal_tokens=False)
@blp.response(204)
@blp.alt_response(404, response=ERROR)
def delete_personal_token(token_id):
    """Delete one of the caller's personal access tokens: refused from now on, everywhere."""
    row = personal_tokens.owned_token(current_user.id, token_id)
    details = {"deleted": personal_tokens.snapshot(row)}
    personal_tokens.delete_token(row)
    attach(resource_type="personal_token", resource_id=token_id, details=details)
