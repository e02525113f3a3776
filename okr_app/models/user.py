"""Accounts."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from okr_app.extensions import db
from okr_app.models.types import NEVER_REUSE_IDS, UTCDateTime, utcnow, when_created

ROLES = ("user", "admin")
#: The longest e-mail address there can be (RFC 5321's path, less its angle brackets).
EMAIL_MAX_LENGTH = 254


class User(db.Model):
    """A person with an account; ``email`` is stored normalised, so unique ignoring case."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('user', 'admin')", name="role"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="user")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=when_created, onupdate=utcnow)

    @property
    def is_admin(self):
        """Tell whether the user may use the admin endpoints."""
        return self.role == "admin"

    def __repr__(self):
        return f"<User {self.id}>"


def of_active_owner(statement, user_id):
    """Narrow ``statement`` to rows whose owner (the ``user_id`` column) is active.

    What a deactivated account made (a feed, a share link, its reminders) rests until the
    account is reactivated: the queries serving it without a login ask for this.
    """
    return statement.join(User, User.id == user_id).where(User.is_active.is_(True))
