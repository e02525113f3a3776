"""Personal access tokens: create, list and delete them, check one presented, revoke them all.

A token is ``okr_pat_`` followed by 36 random bytes (288 bits) in URL-safe base64. Only
its HMAC-SHA256 under a key derived from ``SECRET_KEY`` is stored, so a copy of the
database holds nothing a client could present (and a new ``SECRET_KEY`` voids them all).
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from flask_smorest import abort
from sqlalchemy import delete, func, or_, select, update

from okr_app.api import authentication
from okr_app.extensions import db
from okr_app.models import SCOPES, KeyResult, PersonalToken, User
from okr_app.models.types import MAX_ID, utcnow

TOKEN_BYTES = 36
PREFIX_LENGTH = 12
MAX_TOKENS_PER_USER = 100
#: ``last_used_at`` is written at most this often per token.
LAST_USED_PRECISION = timedelta(minutes=1)
_HASH_KEY = "okr_personal_token_hash_key"


def init_app(app):
    """Derive the hashing key and check the personal tokens that requests present."""
    app.extensions[_HASH_KEY] = hmac.new(
        app.config["SECRET_KEY"].encode(), b"okr personal access tokens", hashlib.sha256
    ).digest()
    authentication.set_personal_token_loader(app, check_presented)


def secret_hash(token):
    """Return the keyed hash under which ``token`` is stored."""
    key = current_app.extensions[_HASH_KEY]
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def create_token(user_id, values):
    """Make a token for the user; return its row and the token, which is not kept."""
    count = db.session.scalar(select(func.count()).where(PersonalToken.user_id == user_id))
    if count >= MAX_TOKENS_PER_USER:
        abort(409, message=f"An account may hold {MAX_TOKENS_PER_USER} tokens; delete one.")
    key_result_ids = values.get("key_result_ids")
    if key_result_ids is not None:
        key_result_ids = sorted(set(key_result_ids))
        _require_own_key_results(user_id, key_result_ids)
    token = authentication.PERSONAL_TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    row = PersonalToken(
        user_id=user_id,
        name=values["name"],
        prefix=token[:PREFIX_LENGTH],
        secret_hash=secret_hash(token),
        scopes=[scope for scope in SCOPES if scope in values["scopes"]],
        key_result_ids=key_result_ids,
        expires_at=values.get("expires_at"),
    )
    db.session.add(row)
    db.session.flush()
    return row, token


def _require_own_key_results(user_id, key_result_ids):
    """Answer 422 naming ``key_result_ids`` unless all are the user's key results."""
    found = set(
        db.session.scalars(
            select(KeyResult.id).where(
                KeyResult.id.in_(key_result_ids), KeyResult.user_id == user_id
            )
        )
    )
    missing = [number for number in key_result_ids if number not in found]
    if missing:
        abort(
            422,
            message="A token may only be restricted to your own key results.",
            errors={"json": {"key_result_ids": [f"No such key result: {missing}."]}},
        )


def tokens_of(user_id):
    """Return the user's tokens, newest first."""
    return db.session.scalars(
        select(PersonalToken)
        .where(PersonalToken.user_id == user_id)
        .order_by(PersonalToken.created_at.desc(), PersonalToken.id.desc())
    ).all()


def owned_token(user_id, token_id):
    """Return the user's token ``token_id``, or answer 404 (for another user's as well)."""
    if not 0 < token_id <= MAX_ID:  # beyond what the database can hold or compare
        abort(404, message="No such token.")
    row = db.session.scalar(
        select(PersonalToken).where(PersonalToken.id == token_id, PersonalToken.user_id == user_id)
    )
    if row is None:
        abort(404, message="No such token.")
    return row


def snapshot(row):
    """Return what the audit trail keeps of a token (never its hash)."""
    return {
        "name": row.name,
        "prefix": row.prefix,
        "scopes": row.scopes,
        "key_result_ids": row.key_result_ids,
        "expires_at": row.expires_at.isoformat() if row.expires_at else None,
    }


def delete_token(row):
    """Delete a token: every worker refuses it from the commit on."""
    db.session.delete(row)
    db.session.flush()


def revoke_all_tokens(user_id):
    """Delete every token of the user (password change, deactivation); return how many."""
    statement = delete(PersonalToken).where(PersonalToken.user_id == user_id)
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def check_presented(token):
    """Return ``(row, user)`` for a valid token, or the reason it is refused.

    One query finds the token by its hash with its owner; ``last_used_at`` is written in
    a transaction of its own when it is more than a minute old, never on every request.
    """
    found = db.session.execute(
        select(PersonalToken, User)
        .join(User, PersonalToken.user_id == User.id)
        .where(PersonalToken.secret_hash == secret_hash(token))
    ).first()
    if found is None:
        return "Unknown or revoked personal access token."
    row, user = found
    now = utcnow()
    if row.expires_at is not None and row.expires_at <= now:
        return "This personal access token has expired."
    if not user.is_active:
        return "This account is deactivated."
    if row.last_used_at is None or row.last_used_at <= now - LAST_USED_PRECISION:
        _note_use(row.id, now)
    return row, user


def _note_use(token_id, now):
    """Set ``last_used_at`` unless another request did within the minute, and commit it."""
    db.session.execute(
        update(PersonalToken)
        .where(
            PersonalToken.id == token_id,
            or_(
                PersonalToken.last_used_at.is_(None),
                PersonalToken.last_used_at <= now - LAST_USED_PRECISION,
            ),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    # Reads commit nothing otherwise; the request's own changes have not begun yet.
    db.session.commit()
