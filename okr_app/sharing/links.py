"""Creating and revoking share links; each token is kept as a keyed hash only."""

import secrets

from sqlalchemy import delete

from okr_app.calendar.feeds import token_hash
from okr_app.extensions import db
from okr_app.models import ShareLink
from okr_app.models.types import MAX_ID
from okr_app.objectives.queries import owned_objective


def create_link(user_id, objective_id, expires_at=None):
    """Add a share link to the user's objective (404 if not theirs); return it and its token."""
    owned_objective(user_id, objective_id)
    token = secrets.token_urlsafe(32)
    link = ShareLink(
        objective_id=objective_id,
        user_id=user_id,
        token_hash=token_hash(token),
        expires_at=expires_at,
    )
    db.session.add(link)
    db.session.flush()
    return link, token


def revoke_all_links(user_id):
    """Delete every share link of the user (password change); return how many."""
    statement = delete(ShareLink).where(ShareLink.user_id == user_id)
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def revoke_link(user_id, objective_id, share_id):
    """Delete the share link ``share_id`` of the user's objective; tell whether there was one."""
    if not (0 < objective_id <= MAX_ID and 0 < share_id <= MAX_ID):
        return False  # beyond what the database can hold or compare: no such link
    deleted = db.session.execute(
        delete(ShareLink).where(
            ShareLink.id == share_id,
            ShareLink.objective_id == objective_id,
            ShareLink.user_id == user_id,
        )
    )
    return deleted.rowcount > 0
