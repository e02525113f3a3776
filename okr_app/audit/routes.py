"""GET /audit: the caller's part of the trail, or all of it for admins. Read-only."""

from flask_jwt_extended import current_user
from flask_smorest import abort

from okr_app.api.authentication import caller_is_admin
from okr_app.api.blueprint import ERROR, Blueprint
from okr_app.api.pagination import page_of
from okr_app.audit import queries
from okr_app.audit.schemas import AuditQuerySchema, AuditRowSchema

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
    sees every row and may narrow them to one user with `user_id` (not through a personal
    access token, which never carries admin powers).
    """
    user_id = filters.get("user_id")
    if user_id is not None and not caller_is_admin():
        abort(403, message="Only admins may filter by user_id.")
    if not caller_is_admin():
        user_id = current_user.id
    return page_of(queries.audit_rows(user_id, filters), pagination_parameters)
