"""Accounts and sessions: register, login, refresh, logout, change-password, me."""

from flask import g, request
from flask_jwt_extended import current_user, get_jwt
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from okr_app.api.auditing import attach, audited
from okr_app.api.blueprint import ERROR, Blueprint
from okr_app.api.ratelimit import StorageUnavailable
from okr_app.auth import lockout, passwords, tokens
from okr_app.auth.emails import normalize_email
from okr_app.auth.metrics import LOCKOUTS, LOGIN_FAILURES
from okr_app.auth.schemas import (
    ChangePasswordSchema,
    LoginSchema,
    RegisterSchema,
    TokenSchema,
    UserSchema,
)
from okr_app.extensions import db
from okr_app.models import User

blp = Blueprint("auth", __name__, url_prefix="/auth", description="Accounts and sessions.")


@blp.route("/register", methods=["POST"])
@audited("auth.register")
@blp.arguments(RegisterSchema)
@blp.response(201, UserSchema)
@blp.alt_response(409, response=ERROR)
def register(data):
    """Create an account (role ``user``)."""
    if db.session.scalar(select(User.id).where(User.email == data["email"])) is not None:
        abort(409, message="An account with this e-mail already exists.")
    user = User(
        email=data["email"],
        display_name=data.get("display_name"),
        password_hash=passwords.hash_password(data["password"]),
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        abort(409, message="An account with this e-mail already exists.")
    attach(event="auth.registered", resource_type="user", resource_id=user.id, actor_id=user.id)
    return user


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
    identifier = normalize_email(data["email"])
    user = _check_password(identifier, data["password"], "auth.login")
    if not user.is_active:
        attach(event="auth.login.deactivated", resource_type="user", resource_id=user.id)
        abort(403, message="This account is deactivated. Contact an administrator.")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(data["password"])
    tokens.purge_expired(user.id)
    session, pair = tokens.start_session(user)
    attach(
        event="auth.login.succeeded",
        resource_type="session",
        resource_id=session.id,
        actor_id=user.id,
    )
    return pair


def _check_password(identifier, password, action):
    """Return the user whose password matches, after the lockout; abort otherwise."""
    address = request.remote_addr or "unknown"
    user = db.session.scalar(select(User).where(User.email == identifier))
    owner = {"resource_type": "user", "owner_id": user.id, "resource_id": user.id} if user else {}
    try:
        refusal = lockout.reserve_attempt(identifier, address)
    except StorageUnavailable:
        abort(503, message="Login is unavailable: the lockout store cannot be reached.")
    if refusal is not None:
        details = {"email": identifier, "reason": refusal.reason}
        attach(event=f"{action}.locked", details=details, **owner)
        abort(
            429,
            message="Too many failed logins. Try again later.",
            headers={"Retry-After": str(refusal.retry_after)},
        )
    if user is not None and passwords.verify_password(user.password_hash, password):
        lockout.record_success(identifier)
        return user
    if user is None:
        passwords.verify_dummy(password)
    try:
        started = lockout.record_failure(identifier, address)
    except StorageUnavailable:
        started = False
    LOGIN_FAILURES.inc()
    if started:
        LOCKOUTS.inc()
    event = "auth.lockout.started" if started else f"{action}.failed"
    attach(event=event, details={"email": identifier}, **owner)
    abort(401, message="Wrong e-mail or password.")


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
    tokens.revoke_session(g.okr_session.id, "logout")
    attach(resource_type="session", resource_id=g.okr_session.id)


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
    user = current_user
    _check_password(user.email, data["current_password"], "auth.password_change")
    errors = passwords.policy_errors(data["new_password"], user.email)
    if errors:
        abort(
            422, message="The new password is refused.", errors={"json": {"new_password": errors}}
        )
    user.password_hash = passwords.hash_password(data["new_password"])
    tokens.revoke_all_sessions(user.id, "password-change")
    _session, pair = tokens.start_session(user)
    attach(event="auth.password_changed", resource_type="user", resource_id=user.id)
    return pair


@blp.route("/me", methods=["GET"])
@blp.login_required
@blp.response(200, UserSchema)
def me():
    """Return the caller's profile."""
    return current_user
