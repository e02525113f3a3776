"""Key results and their check-ins: list, create, read, replace, change, delete, check in."""

from flask import url_for
from flask_jwt_extended import current_user

from okr_app.api.auditing import attach, audited
from okr_app.api.blueprint import ERROR, Blueprint
from okr_app.api.etags import flush_versioned, with_etag
from okr_app.key_results.check_ins import check_in
from okr_app.key_results.editing import (
    amend_key_result,
    create_key_result,
    remove_key_result,
    update_key_result,
    write_key_result,
)
from okr_app.key_results.queries import check_ins_page, key_results_page, owned_key_result
from okr_app.key_results.schemas import (
    CheckInCreatedSchema,
    CheckInQuerySchema,
    CheckInSchema,
    CheckInWriteSchema,
    KeyResultPatchSchema,
    KeyResultQuerySchema,
    KeyResultSchema,
    KeyResultWriteSchema,
)

# The tag of the check-in routes: the blueprint of okr_app/check_ins, named so, declares it.
CHECK_INS = "check-ins"
blp = Blueprint(
    "key-results",
    __name__,
    url_prefix="/key-results",
    description=(
        "The caller's key results. Others' answer 404; an objective_id that is not one of "
        "the caller's objectives is 422 naming objective_id."
    ),
)
NEW = {"Location": {"description": "The new key result.", "schema": {"type": "string"}}}


@blp.route("", methods=["GET"])
@blp.login_required
@blp.arguments(KeyResultQuerySchema, location="query")
@blp.response(200, KeyResultSchema(many=True))
@blp.paginate()
def list_key_results(filters, pagination_parameters):
    """List the caller's key results, oldest first; filter by objective.

    Pagination metadata (total, pages) is in the `X-Pagination` header.
    """
    return key_results_page(current_user.id, filters, pagination_parameters)


@blp.route("", methods=["POST"])
@audited("key_result.created")
@blp.login_required
@blp.arguments(KeyResultWriteSchema)
@blp.versioned(KeyResultSchema, 201, headers=NEW, errors=())
def post_key_result(values):
    """Create a key result under one of the caller's objectives.

    A current value stated on creation (`current_value` or `progress`) is recorded as the
    first check-in, dated now, or at the period's start while the period has not started;
    otherwise the current value is `start_value`.
    """
    key_result = create_key_result(current_user.id, values)
    flush_versioned()
    attach(resource_type="key_result", resource_id=key_result.id)
    location = url_for("key-results.get_key_result", key_result_id=key_result.id)
    return with_etag(key_result, Location=location)


@blp.route("/<int:key_result_id>", methods=["GET"])
@blp.login_required(key_result_arg="key_result_id")
@blp.versioned(KeyResultSchema)
def get_key_result(key_result_id):
    """Return one of the caller's key results."""
    return with_etag(owned_key_result(current_user.id, key_result_id))


@blp.route("/<int:key_result_id>", methods=["PUT"])
@blp.versioned_write("key_result.updated", KeyResultWriteSchema, KeyResultSchema)
def put_key_result(values, key_result_id):
    """Replace a key result's editable fields; unsent optional ones take their defaults.

    The current value stays unless `current_value` or `progress` is sent; a change is
    recorded as a check-in (dated as on creation). Moving it to another of the caller's
    objectives is allowed; a milestone's `due_on` must then lie in that objective's period
    (`PATCH` without `due_on` moves it along).
    """
    return _write(key_result_id, update_key_result, values)


@blp.route("/<int:key_result_id>", methods=["PATCH"])
@blp.versioned_write("key_result.updated", KeyResultPatchSchema, KeyResultSchema)
def patch_key_result(values, key_result_id):
    """Change the fields sent of a key result; the others stay.

    A change of the current value (`current_value` or `progress`) is recorded as a check-in
    (dated as on creation). A new `kind` takes its defining fields from the body, or keeps
    those the old kind used too; progress, band and forecast are recomputed from the
    history. A move to another objective takes a milestone's `due_on` along, as far into
    the new period as it was into the old one, unless `due_on` is sent.
    """
    return _write(key_result_id, amend_key_result, values)


@blp.route("/<int:key_result_id>", methods=["DELETE"])
@blp.versioned_write("key_result.deleted")
def delete_key_result(key_result_id):
    """Delete a key result with its check-ins."""
    _write(key_result_id, remove_key_result, with_check_ins=True)


@blp.route("/<int:key_result_id>/check-ins", methods=["POST"], tags=[CHECK_INS])
@audited("check_in.created")
@blp.login_required(key_result_arg="key_result_id")
@blp.arguments(CheckInWriteSchema)
@blp.response(201, CheckInCreatedSchema)
@blp.alt_response(404, response=ERROR)
@blp.alt_response(409, response=ERROR)
def post_check_in(values, key_result_id):
    """Record a value of a key result, now or at an earlier moment (`at`).

    State it as `value`, as `progress`, or as `delta`: an amount added to the current value
    as it stands when the request is processed (concurrent deltas all count; a delta may
    not predate the latest check-in). The key result's current value is the value of its
    latest check-in by `at`: a late update with an earlier `at` joins the history without
    changing the current value. 409 means another change to the key result was written at
    the same moment; retry.
    """
    recorded, details = check_in(current_user.id, key_result_id, values)
    attach(resource_type="check_in", resource_id=recorded.id, details=details)
    return recorded


@blp.route("/<int:key_result_id>/check-ins", methods=["GET"], tags=[CHECK_INS])
@blp.login_required(key_result_arg="key_result_id")
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


def _write(key_result_id, change, *args, **lookup):
    """Apply ``change`` to the caller's key result as a conditional write, and audit it."""
    key_result, details = write_key_result(current_user.id, key_result_id, change, *args, **lookup)
    attach(resource_type="key_result", resource_id=key_result_id, details=details)
    return with_etag(key_result)
