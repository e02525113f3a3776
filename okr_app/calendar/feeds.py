"""Creating and revoking a user's calendar feed; its token is kept as a keyed hash only."""

import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from okr_app.extensions import db
from okr_app.models import CalendarFeed, of_active_owner
from okr_app.models.types import utcnow


def token_hash(token):
    """Return HMAC-SHA256 of ``token`` keyed by the app's secret key, in hex."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def create_feed(user_id):
    """Give the user a new feed token, revoking any earlier one; return the token (shown once).

    One statement replaces the user's feed or adds it: two creations at once (a double
    click) each succeed, the later one's token in force, where a delete then an insert
    made the second fail on the user's unique feed.
    """
    token = secrets.token_urlsafe(32)
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(CalendarFeed).values(
        user_id=user_id, token_hash=token_hash(token), created_at=utcnow()
    )
    excluded = statement.excluded
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[CalendarFeed.user_id],
            set_={"token_hash": excluded.token_hash, "created_at": excluded.created_at},
        )
    )
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
