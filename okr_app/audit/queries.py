"""Reading the audit trail: one user's part of it, or all of it, through the listing's filters."""

from sqlalchemy import func, or_, select

from okr_app.models import AuditRow


def audit_rows(user_id, filters):
    """Return the statement listing rows newest first, of ``user_id`` (None: everyone's).

    A user's rows are those where they are the actor or the owner of the resource.
    """
    statement = select(AuditRow).order_by(AuditRow.id.desc())
    if user_id is not None:
        statement = statement.where(or_(AuditRow.actor_id == user_id, AuditRow.owner_id == user_id))
    return _filtered(statement, filters)


def _filtered(statement, filters):
    """Apply the action prefix, time range and outcome filters."""
    if "action" in filters:
        action = filters["action"]
        prefix = action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        # LIKE finds the rows by the index; SQLite's ignores case, so the prefix is compared
        # as written too, as on PostgreSQL.
        statement = statement.where(
            AuditRow.action.like(prefix + "%", escape="\\"),
            func.substr(AuditRow.action, 1, len(action)) == action,
        )
    if "since" in filters:
        statement = statement.where(AuditRow.at >= filters["since"])
    if "until" in filters:
        statement = statement.where(AuditRow.at < filters["until"])
    if "outcome" in filters:
        statement = statement.where(AuditRow.outcome == filters["outcome"])
    return statement
