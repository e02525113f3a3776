"""Calendar feeds: a secret URL per user, stored as a keyed hash."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from okr_app.extensions import db
from okr_app.models.types import NEVER_REUSE_IDS, UTCDateTime, utcnow


class CalendarFeed(db.Model):
    """A user's one calendar feed; ``token_hash`` is HMAC-SHA256 of its secret token."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (NEVER_REUSE_IDS,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<CalendarFeed {self.id}>"
