"""Admin endpoints: list, inspect, change and delete accounts."""

from okr_app.admin import accounts, queries
from okr_app.admin.schemas import AdminUserSchema, UserPatchSchema, UserQuerySchema
from okr_app.api.auditing import attach, audited
from okr_app.api.blueprint import ERROR, Blueprint
from okr_app.api.pagination import page_of

blp = Blueprint("admin", __name__, url_prefix="/admin", description="Accounts, for admins only.")


@blp.route("/users", methods=["GET"])
@blp.admin_required
@blp.arguments(UserQuerySchema, location="query")
@blp.response(200, AdminUserSchema(many=True))
@blp.paginate()
def list_users(filters, pagination_parameters):
    """List accounts, oldest first; filter by e-mail part, role and activation."""
    return page_of(queries.users(filters), pagination_parameters)


@blp.route("/users/<int:user_id>", methods=["GET"])
@blp.admin_required
@blp.response(200, AdminUserSchema)
@blp.alt_response(404, response=ERROR)
def get_user(user_id):
    """Return one account."""
    return queries.user_or_404(user_id)


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@audited("admin.user.updated")
@blp.admin_required
@blp.arguments(UserPatchSchema)
@blp.response(200, AdminUserSchema)
@blp.alt_response(404, response=ERROR)
@blp.alt_response(409, response=ERROR)
def update_user(changes, user_id):
    """Change an account's role or activation.

    Deactivating ends every session of the account at once, deletes its personal access
    tokens and refuses its logins with 403; reactivating allows logins again. A change
    that would leave no active admin is 409.
    """
    user = queries.user_or_404(user_id)
    changed = accounts.apply_changes(user, changes)
    attach(
        resource_type="user",
        resource_id=user.id,
        owner_id=user.id,
        details={"changes": changed},
    )
    return user


@blp.route("/users/<int:user_id>", methods=["DELETE"])
@audited("admin.user.deleted")
@blp.admin_required
@blp.response(204)
@blp.alt_response(404, response=ERROR)
@blp.alt_response(409, response=ERROR)
def delete_user(user_id):
    """Delete an account with all its data; its audit rows stay."""
    user = queries.user_or_404(user_id)
    snapshot = accounts.snapshot(user)
    accounts.delete_account(user)
    attach(
        resource_type="user",
        resource_id=user_id,
        owner_id=user_id,
        details={"deleted": snapshot},
    )
