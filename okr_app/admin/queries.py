"""Reading accounts, for admins."""

from flask_smorest import abort
from sqlalchemy import select

from okr_app.extensions import db
from okr_app.models import User
from okr_app.models.types import MAX_ID


def users(filters):
    """Return the statement listing accounts, oldest first, by e-mail part, role and activation."""
    statement = select(User).order_by(User.id)
    if "q" in filters:
        # A literal part: "%" and "_" in an address match themselves, not any characters.
        part = filters["q"].strip().lower()
        statement = statement.where(User.email.contains(part, autoescape=True))
    if "role" in filters:
        statement = statement.where(User.role == filters["role"])
    if "active" in filters:
        statement = statement.where(User.is_active.is_(filters["active"]))
    return statement


def user_or_404(user_id):
    """Return the account or answer 404 (an id beyond what the database holds too)."""
    if not 0 < user_id <= MAX_ID:
        abort(404, message="No such user.")
    return db.get_or_404(User, user_id, description="No such user.")
