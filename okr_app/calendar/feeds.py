"""Creating and revoking a user's calendar feed; its token is kept as a keyed hash only."""

import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import delete, select

from okr_app.extensions import db
from okr_app.models import CalendarFeed, of_active_owner


def token_hash(token):
    """Return HMAC-SHA256 of ``token`` keyed by the app's secret key, in hex."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def create_feed(user_id):
    """Give the user a new feed token, revoking any earlier one; return the token (shown once)."""
    revoke_feed(user_id)
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarFeed(user_id=user_id, token_hash=token_hash(token)))
    db.session.flush()
    return token


def revoke_feed(user_id):
    """Revoke the user's feed; return whether there was one."""
    deleted = db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user_id))
    return deleted.rowcount > 0


def feed_owner(token):
    """Return the id of the user whose feed ``token`` opens, or None.

    A deactivated account's feed opens nothing until the account is reactivated.
    """
    if not token or len(token) > 128:
        return None
    statement = select(CalendarFeed.user_id).where(CalendarFeed.token_hash == token_hash(token))
    return db.session.scalar(of_active_owner(statement, CalendarFeed.user_id))
