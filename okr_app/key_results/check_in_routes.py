"""Check-ins of a key result: record a value, and read the history."""

from flask_jwt_extended import current_user

from okr_app.audit.context import audited, describe
from okr_app.etags import flush_versioned
from okr_app.key_results.check_in_schemas import (
    CheckInCreatedSchema,
    CheckInQuerySchema,
    CheckInSchema,
    CheckInWriteSchema,
)
from okr_app.key_results.check_ins import check_in_value, record_check_in
from okr_app.key_results.queries import check_ins_page, owned_key_result
from okr_app.smorest import ERROR, Blueprint

blp = Blueprint(
    "check-ins",
    __name__,
    url_prefix="/key-results",
    description="The value history of the caller's key results.",
)


@blp.route("/<int:key_result_id>/check-ins", methods=["POST"])
@audited("check_in.created")
@blp.login_required
@blp.arguments(CheckInWriteSchema)
@blp.response(201, CheckInCreatedSchema)
@blp.alt_response(404, response=ERROR)
@blp.alt_response(409, response=ERROR)
def post_check_in(values, key_result_id):
    """Record a value of a key result, now or at an earlier moment (`at`).

    The key result's current value is the value of its latest check-in by `at`: a late
    update with an earlier `at` joins the history without changing the current value.
    409 means another change to the key result was written at the same moment; retry.
    """
    key_result = owned_key_result(current_user.id, key_result_id, for_update=True)
    check_in = record_check_in(
        key_result,
        check_in_value(key_result, values),
        at=values.get("at"),
        confidence=values.get("confidence"),
        note=values.get("note"),
    )
    flush_versioned()
    describe(
        "check_in.created",
        resource_type="check_in",
        resource_id=check_in.id,
        details={
            "key_result_id": key_result.id,
            "value": check_in.value,
            "at": check_in.at.isoformat(),
            "current_value": key_result.current_value,
        },
    )
    return check_in


@blp.route("/<int:key_result_id>/check-ins", methods=["GET"])
@blp.login_required
@blp.arguments(CheckInQuerySchema, location="query")
@blp.response(200, CheckInSchema(many=True))
@blp.alt_response(404, response=ERROR)
@blp.paginate()
def list_check_ins(filters, key_result_id, pagination_parameters):
    """List a key result's check-ins, oldest first, optionally between `since` and `until`.

    Pagination metadata (total, pages) is in the `X-Pagination` header.
    """
    key_result = owned_key_result(current_user.id, key_result_id)
    return check_ins_page(key_result.id, filters, pagination_parameters)
