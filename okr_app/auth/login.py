"""Logging in, registering and changing passwords: the rules the API and the web share.

Each function does the work and says what it did with ``attach``; it answers a refusal with
``abort`` (the API's error, which the web interface shows as a message). The caller's view
is ``@audited`` under the API's action names.
"""

from flask import request
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from okr_app.api.auditing import attach
from okr_app.api.ratelimit import StorageUnavailable
from okr_app.auth import lockout, passwords, personal_tokens, tokens
from okr_app.auth.emails import normalize_email
from okr_app.auth.metrics import LOCKOUTS, LOGIN_FAILURES
from okr_app.calendar import feeds
from okr_app.extensions import db
from okr_app.models import User
from okr_app.sharing import links

DUPLICATE = "An account with this e-mail already exists."


def register_user(email, password, display_name=None):
    """Create an account (role ``user``) and return it; 409 when the e-mail is taken."""
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        abort(409, message=DUPLICATE)
    user = User(
        email=email, display_name=display_name, password_hash=passwords.hash_password(password)
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        abort(409, message=DUPLICATE)
    attach(event="auth.registered", resource_type="user", resource_id=user.id, actor_id=user.id)
    return user


def log_in(email, password):
    """Check the credentials under the lockout and open a session; return it and its tokens.

    401 for a wrong e-mail or password (the same answer either way), 429 with
    ``Retry-After`` while locked, 403 for a deactivated account, 503 without the lockout store.
    """
    user = check_password(normalize_email(email), password, "auth.login")
    if not user.is_active:
        attach(event="auth.login.deactivated", resource_type="user", resource_id=user.id)
        abort(403, message="This account is deactivated. Contact an administrator.")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    tokens.purge_expired(user.id)
    session, pair = tokens.start_session(user)
    attach(
        event="auth.login.succeeded",
        resource_type="session",
        resource_id=session.id,
        actor_id=user.id,
    )
    return session, pair


WRONG_LOGIN = {"http_status_code": 401, "message": "Wrong e-mail or password."}
# The caller is logged in: a 401 would read as an expired token to a client.
WRONG_CURRENT_PASSWORD = {
    "http_status_code": 403,
    "message": "The current password is wrong.",
    "errors": {"json": {"current_password": ["The current password is wrong."]}},
}


def check_password(identifier, password, action, wrong=WRONG_LOGIN):
    """Return the user whose password matches, after the lockout; abort with ``wrong`` if not."""
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
    abort(**wrong)


def change_password(user, current_password, new_password):
    """Set a new password after checking the current one; revoke every credential but the new one.

    Every session, personal access token, share link and the calendar feed end: whoever
    held the account before, or held one of its secrets, holds nothing now. Returns the new
    session and its tokens. 403 when the current password is wrong, 422 naming
    ``new_password`` when the policy refuses it; the lockout answers as for a login.
    """
    check_password(user.email, current_password, "auth.password_change", WRONG_CURRENT_PASSWORD)
    errors = passwords.policy_errors(new_password, user.email)
    if errors:
        abort(
            422, message="The new password is refused.", errors={"json": {"new_password": errors}}
        )
    user.password_hash = passwords.hash_password(new_password)
    tokens.revoke_all_sessions(user.id, "password-change")
    revoked = {
        "personal_access_revoked": personal_tokens.revoke_all_tokens(user.id),
        "share_links_revoked": links.revoke_all_links(user.id),
        "calendar_feed_revoked": feeds.revoke_feed(user.id),
    }
    session, pair = tokens.start_session(user)
    attach(
        event="auth.password_changed", resource_type="user", resource_id=user.id, details=revoked
    )
    return session, pair


def log_out(session_id):
    """End one session: its tokens (and a web cookie naming it) stop working."""
    tokens.revoke_session(session_id, "logout")
    attach(resource_type="session", resource_id=session_id)
