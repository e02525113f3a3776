"""Tokens and the sessions behind them: issue, check, rotate and revoke."""

import uuid
from collections import namedtuple
from datetime import timedelta
from functools import cache

from flask import current_app, g
from flask_jwt_extended import create_access_token, create_refresh_token
from sqlalchemy import bindparam, select, update

from okr_app.api.hooks import forget_when_requests_start
from okr_app.database.rows import column_values, loaded
from okr_app.extensions import db, jwt
from okr_app.models import AuthSession, User
from okr_app.models.types import utcnow

#: A live session as a request keeps it: its id and end dates, no ORM object.
LiveSession = namedtuple("LiveSession", "id expires_at revoked_at")


def init_app(app):
    """Register the token loaders so every token error is a JSON 401."""
    forget_when_requests_start(app, "okr_session", "okr_session_user", "okr_user_id")
    jwt.user_identity_loader(lambda user: str(user.id))
    jwt.token_in_blocklist_loader(_is_revoked)
    jwt.user_lookup_loader(lambda _header, _payload: g.get("okr_session_user"))
    jwt.unauthorized_loader(lambda reason: _unauthorized("Missing or malformed token: " + reason))
    jwt.invalid_token_loader(lambda reason: _unauthorized("Invalid token: " + reason))
    jwt.expired_token_loader(lambda _header, _payload: _unauthorized("The token has expired."))
    jwt.revoked_token_loader(lambda _header, _payload: _unauthorized("The session has ended."))
    jwt.user_lookup_error_loader(lambda _header, _payload: _unauthorized("Unknown user."))
    jwt.needs_fresh_token_loader(
        lambda _header, _payload: _unauthorized("A fresh login is needed.")
    )
    jwt.token_verification_failed_loader(lambda _header, _payload: _unauthorized("Invalid token."))


def _unauthorized(message):
    """Answer 401 in the API's error shape."""
    body = {"code": 401, "status": "Unauthorized", "message": message}
    return body, 401, {"WWW-Authenticate": "Bearer"}


def _is_revoked(_header, payload):
    """Tell whether the token's session is gone, revoked, expired or its user inactive.

    A session found live earlier in the request (by the rate limit's key) is not looked up
    again.
    """
    session_id, user_id = str(payload.get("sid", "")), str(payload.get("sub"))
    live = g.get("okr_session")
    if live is not None and live.id == session_id and str(g.okr_user_id) == user_id:
        return False
    return open_session(session_id, user_id) is None


def open_session(session_id, user_id):
    """Return the user of a live session of ``user_id``, or None; keep both for the request.

    The session's state and its user are read in one query, as columns (cheaper than the
    ORM's loading of the user, which is made from them). A session is live while it
    exists, is neither revoked nor expired, and its user is active: the one test behind
    every token and every web interface cookie. The request keeps the user (the ORM object
    behind ``current_user``) and the session as a ``LiveSession``.
    """
    row = db.session.connection().execute(_session_with_user(), {"sid": str(session_id)}).first()
    if row is None:
        return None
    if row.revoked_at is not None or row.expires_at <= utcnow() or not row.is_active:
        return None
    if str(row.id) != str(user_id):
        return None
    user = loaded(db.session, User, column_values(User, row._mapping))
    session = LiveSession(row.session_id, row.expires_at, row.revoked_at)
    g.okr_session = session
    g.okr_session_user = user
    # A plain value for the log, the metrics and the audit row, readable after the commit.
    g.okr_user_id = user.id
    return user


@cache
def _session_with_user():
    """Return the statement loading a session's state and its user, built once."""
    sessions, users = AuthSession.__table__, User.__table__
    return (
        select(
            *users.c,
            sessions.c.id.label("session_id"),
            sessions.c.expires_at,
            sessions.c.revoked_at,
        )
        .join(sessions, sessions.c.user_id == users.c.id)
        .where(sessions.c.id == bindparam("sid"))
    )


def start_session(user):
    """Open a session for ``user`` and return its token pair."""
    session = AuthSession(
        id=uuid.uuid4().hex,
        user_id=user.id,
        refresh_jti=str(uuid.uuid4()),
        expires_at=utcnow() + _refresh_lifetime(),
    )
    db.session.add(session)
    return session, token_pair(user, session.id, session.refresh_jti)


def token_pair(user, session_id, refresh_jti):
    """Return the login response body: a new access token and the given refresh token."""
    return {
        "access_token": create_access_token(user, additional_claims={"sid": session_id}),
        "refresh_token": create_refresh_token(
            user, additional_claims={"sid": session_id, "jti": refresh_jti}
        ),
        "token_type": "Bearer",
        "expires_in": current_app.config["OKR_ACCESS_TOKEN_SECONDS"],
    }


def rotate(session, presented_jti):
    """Give ``session`` a new refresh token id and return it; None when ``presented_jti`` is stale.

    The compare-and-set runs in SQL, so of two requests presenting the same refresh token
    exactly one succeeds, and the other is treated as reuse.
    """
    new_jti = str(uuid.uuid4())
    result = db.session.execute(
        update(AuthSession)
        .where(
            AuthSession.id == session.id,
            AuthSession.refresh_jti == presented_jti,
            AuthSession.revoked_at.is_(None),
        )
        .values(refresh_jti=new_jti, expires_at=utcnow() + _refresh_lifetime())
        .execution_options(synchronize_session=False)
    )
    return new_jti if result.rowcount == 1 else None


def revoke_session(session_id, reason):
    """End one session: its access and refresh tokens are refused from now on."""
    db.session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
        .execution_options(synchronize_session=False)
    )


def revoke_all_sessions(user_id, reason):
    """End every session of a user at once; return how many were still open."""
    result = db.session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def purge_expired(user_id=None):
    """Delete sessions whose refresh lifetime is over; return how many went."""
    statement = AuthSession.__table__.delete().where(AuthSession.expires_at < utcnow())
    if user_id is not None:
        statement = statement.where(AuthSession.user_id == user_id)
    return db.session.execute(statement).rowcount


def _refresh_lifetime():
    """Return the refresh token lifetime from the settings."""
    return timedelta(seconds=current_app.config["OKR_REFRESH_TOKEN_SECONDS"])
