"""GET /due: the caller's key results whose check-in is due."""

from flask_jwt_extended import current_user

from okr_app.api.blueprint import Blueprint
from okr_app.due.queries import due_key_results
from okr_app.due.schemas import DueKeyResultSchema, DueQuerySchema

blp = Blueprint(
    "due",
    __name__,
    url_prefix="/due",
    description="Check-ins due by the objectives' cadence (`check_in_every_days`).",
)


@blp.route("", methods=["GET"])
@blp.login_required
@blp.arguments(DueQuerySchema, location="query")
@blp.response(200, DueKeyResultSchema(many=True))
def list_due(filters):
    """List the caller's key results due by `until` (default: now + 1 day), soonest first.

    A key result is due `check_in_every_days` after its latest check-in (or its creation),
    counted from no earlier than its period's first moment (UTC), when its objective is
    active and in its period; `overdue` once that moment has passed, `stale` once it has
    passed by OKR_STALE_AFTER_DAYS more. Overdue ones are listed too; one due after the end
    of its period's last day (UTC) never becomes due and is not listed.
    """
    return due_key_results(current_user.id, filters.get("until"))
