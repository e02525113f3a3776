"""Account changes made by admins, guarded so that an active admin always remains."""

from flask_smorest import abort
from sqlalchemy import select

from okr_app.auth import personal_tokens, tokens
from okr_app.extensions import db
from okr_app.models import User


def snapshot(user):
    """Return the audit snapshot of an account (never its password hash)."""
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role,
        "is_active": user.is_active,
        "created_at": user.created_at.isoformat(),
    }


def apply_changes(user, changes):
    """Set role and activation; return ``{field: {old, new}}`` for what really changed."""
    lock_admins()
    changed = {}
    for field in ("role", "is_active"):
        if field in changes and getattr(user, field) != changes[field]:
            changed[field] = {"old": getattr(user, field), "new": changes[field]}
            setattr(user, field, changes[field])
    if changed:
        db.session.flush()
        ensure_an_admin_remains()
    if changed.get("is_active", {}).get("new") is False:
        tokens.revoke_all_sessions(user.id, "deactivated")
        personal_tokens.revoke_all_tokens(user.id)
    return changed


def delete_account(user):
    """Delete an account and, through the foreign keys, all of its data."""
    lock_admins()
    db.session.delete(user)
    db.session.flush()
    ensure_an_admin_remains()


def lock_admins():
    """Lock the active admins' rows (PostgreSQL), so admin changes run one at a time.

    Without it, two admins demoting each other at the same moment could both see another
    admin left and both succeed.
    """
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            select(User.id)
            .where(User.role == "admin", User.is_active.is_(True))
            .order_by(User.id)
            .with_for_update()
        )


def ensure_an_admin_remains():
    """Refuse with 409 a change that leaves no active admin."""
    admins = select(User.id).where(User.role == "admin", User.is_active.is_(True)).limit(1)
    if db.session.scalar(admins) is None:
        abort(409, message="This would leave no active admin.")
