"""POST /check-ins: several check-ins at once, on one or several key results, all or none."""

from flask_jwt_extended import current_user
from flask_smorest import abort

from okr_app.api.auditing import attach, audited
from okr_app.api.authentication import IN_BODY, require_key_results
from okr_app.api.blueprint import ERROR, Blueprint
from okr_app.api.etags import flush_versioned
from okr_app.check_ins.schemas import CheckInBatchResultSchema, CheckInBatchSchema
from okr_app.key_results.check_ins import BatchRefused, record_batch

blp = Blueprint(
    "check-ins",
    __name__,
    url_prefix="/check-ins",
    description="The value history of the caller's key results: one key result's under "
    "/key-results/{key_result_id}/check-ins, several key results' at once here.",
)


@blp.route("", methods=["POST"])
@audited("check_in.created")
@blp.login_required(key_result_arg=IN_BODY)
@blp.arguments(CheckInBatchSchema)
@blp.response(201, CheckInBatchResultSchema)
@blp.alt_response(409, response=ERROR)
def post_check_ins(body):
    """Record several check-ins at once: every one of them, or none.

    Each item names a `key_result_id` of the caller's and states `value`, `progress` or
    `delta`, as `POST /key-results/{key_result_id}/check-ins` does, with the same rules.
    Items are recorded in the order sent; a delta adds to the value the earlier items
    left. One refused item refuses the whole batch with 422, naming it under
    `errors.json.check_ins.<index>.<field>` (a key result that is not the caller's is
    refused under `key_result_id`), and nothing is recorded. Each check-in gets an audit
    row of its own.
    """
    items = body["check_ins"]
    require_key_results({item["key_result_id"] for item in items})
    try:
        check_ins, key_results, details = record_batch(current_user.id, items)
    except BatchRefused as refusal:
        abort(
            422,
            message="Some check-ins are refused; none was recorded.",
            errors={"json": {"check_ins": refusal.errors}},
        )
    flush_versioned()
    for check_in, stated in zip(check_ins, details, strict=True):
        attach(resource_type="check_in", resource_id=check_in.id, details=stated, add=True)
    return {"check_ins": check_ins, "key_results": key_results}
