"""GET /audit: the caller's part of the trail, or all of it for admins. Read-only."""

from flask_jwt_extended import current_user
from flask_smorest import abort
from sqlalchemy import or_, select

from okr_app.audit.schemas import AuditQuerySchema, AuditRowSchema
from okr_app.models import AuditRow
from okr_app.pagination import page_of
from okr_app.smorest import ERROR, Blueprint

blp = Blueprint(
    "audit",
    __name__,
    url_prefix="/audit",
    description="The audit trail. Rows are read-only: no endpoint edits or deletes them.",
)


@blp.route("", methods=["GET"])
@blp.login_required
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditRowSchema(many=True))
@blp.paginate()
@blp.alt_response(403, response=ERROR)
@blp.alt_response(422, response=ERROR)
def list_audit_rows(filters, pagination_parameters):
    """List audit rows, newest first.

    A user sees the rows where they are the actor or the owner of the resource; an admin
    sees every row and may narrow them to one user with `user_id`.
    """
    statement = select(AuditRow).order_by(AuditRow.seq.desc())
    user_id = filters.get("user_id")
    if user_id is not None and not current_user.is_admin:
        abort(403, message="Only admins may filter by user_id.")
    if not current_user.is_admin:
        user_id = current_user.id
    if user_id is not None:
        statement = statement.where(or_(AuditRow.actor_id == user_id, AuditRow.owner_id == user_id))
    return page_of(_filtered(statement, filters), pagination_parameters)


def _filtered(statement, filters):
    """Apply the action prefix, time range and outcome filters."""
    if "action" in filters:
        prefix = filters["action"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(AuditRow.action.like(prefix + "%", escape="\\"))
    if "since" in filters:
        statement = statement.where(AuditRow.at >= filters["since"])
    if "until" in filters:
        statement = statement.where(AuditRow.at < filters["until"])
    if "outcome" in filters:
        statement = statement.where(AuditRow.outcome == filters["outcome"])
    return statement
