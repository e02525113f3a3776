"""Accounts and sessions: register, login, refresh, logout, change-password, me."""

from flask import g
from flask_jwt_extended import current_user, get_jwt
from flask_smorest import abort

from okr_app.api.auditing import attach, audited
from okr_app.api.blueprint import ERROR, Blueprint
from okr_app.auth import login as login_rules
from okr_app.auth import tokens
from okr_app.auth.schemas import (
    ChangePasswordSchema,
    LoginSchema,
    RegisterSchema,
    TokenSchema,
    UserSchema,
)

blp = Blueprint("auth", __name__, url_prefix="/auth", description="Accounts and sessions.")


@blp.route("/register", methods=["POST"])
@audited("auth.register")
@blp.arguments(RegisterSchema)
@blp.response(201, UserSchema)
@blp.alt_response(409, response=ERROR)
def register(data):
    """Create an account (role ``user``)."""
    return login_rules.register_user(data["email"], data["password"], data.get("display_name"))


@blp.route("/login", methods=["POST"])
@audited("auth.login")
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
@blp.login_required(refresh=True)
@blp.response(200, TokenSchema)
def refresh():
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
@blp.login_required
@blp.response(204)
def logout():
    """End the current session: its access and refresh tokens stop working."""
    login_rules.log_out(g.okr_session.id)


@blp.route("/change-password", methods=["POST"])
@audited("auth.password_change")
@blp.login_required
@blp.arguments(ChangePasswordSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(422, response=ERROR)
@blp.alt_response(429, response=ERROR)
@blp.alt_response(503, response=ERROR)
def change_password(data):
    """Set a new password, end every session of the account and return a fresh pair."""
    _session, pair = login_rules.change_password(
        current_user, data["current_password"], data["new_password"]
    )
    return pair


@blp.route("/me", methods=["GET"])
@blp.login_required
@blp.response(200, UserSchema)
def me():
    """Return the caller's profile."""
    return current_user
