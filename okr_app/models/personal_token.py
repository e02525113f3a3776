"""Personal access tokens: long-lived credentials for scripts, kept only as a keyed hash."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from okr_app.extensions import db
from okr_app.models.types import NEVER_REUSE_IDS, UTCDateTime, utcnow

SCOPES = ("read", "write")


class PersonalToken(db.Model):
    """A token a user made for a script: its scopes, its key results and its lifetime.

    ``secret_hash`` is the HMAC of the token under a key derived from ``SECRET_KEY``; the
    token itself is never stored. ``key_result_ids`` null means every key result of the
    user; key result ids are never reused, so a deleted one's id names nothing.
    """

    __tablename__ = "personal_tokens"
    __table_args__ = (NEVER_REUSE_IDS,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list] = mapped_column(JSON)
    key_result_ids: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def allows(self, scope):
        """Tell whether the token carries ``scope`` (``read`` or ``write``)."""
        return scope in self.scopes

    def __repr__(self):
        return f"<PersonalToken {self.id} {self.prefix}>"
