"""Share links: a secret URL showing one objective read-only, stored as a keyed hash."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from okr_app.extensions import db
from okr_app.models.types import NEVER_REUSE_IDS, UTCDateTime, utcnow


class ShareLink(db.Model):
    """A link to one objective; ``token_hash`` is HMAC-SHA256 of its secret token.

    Revoking a link deletes its row, so a revoked link finds nothing at once.
    """

    __tablename__ = "share_links"
    # The audit trail names links by id: a revoked link's id is never given again.
    __table_args__ = (NEVER_REUSE_IDS,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    objective_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("objectives.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<ShareLink {self.id}>"
