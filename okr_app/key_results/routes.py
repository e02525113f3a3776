"""Key results: list, create, read, replace, change and delete the caller's own."""

from flask import url_for
from flask_jwt_extended import current_user

from okr_app.audit.context import audited, describe
from okr_app.etags import ETAG_HEADER, check_if_match, etag_header, flush_versioned
from okr_app.extensions import db
from okr_app.key_results.editing import change_key_result, create_key_result, key_result_snapshot
from okr_app.key_results.queries import key_results_page, owned_key_result
from okr_app.key_results.schemas import (
    KeyResultPatchSchema,
    KeyResultQuerySchema,
    KeyResultSchema,
    KeyResultWriteSchema,
)
from okr_app.smorest import ERROR, Blueprint

blp = Blueprint(
    "key-results",
    __name__,
    url_prefix="/key-results",
    description=(
        "The caller's key results. Others' answer 404; an objective_id that is not one of "
        "the caller's objectives is 422 naming objective_id."
    ),
)
LOCATION_HEADER = {"Location": {"description": "The new key result.", "schema": {"type": "string"}}}


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
@blp.response(201, KeyResultSchema, headers={**ETAG_HEADER, **LOCATION_HEADER})
def post_key_result(values):
    """Create a key result under one of the caller's objectives.

    A current value stated on creation (`current_value` or `progress`) is recorded as the
    first check-in; otherwise the current value is `start_value`.
    """
    key_result = create_key_result(current_user.id, values)
    flush_versioned()
    describe("key_result.created", resource_type="key_result", resource_id=key_result.id)
    location = url_for("key-results.get_key_result", key_result_id=key_result.id)
    return key_result, {**etag_header(key_result), "Location": location}


@blp.route("/<int:key_result_id>", methods=["GET"])
@blp.login_required
@blp.response(200, KeyResultSchema, headers=ETAG_HEADER)
@blp.alt_response(404, response=ERROR)
def get_key_result(key_result_id):
    """Return one of the caller's key results."""
    key_result = owned_key_result(current_user.id, key_result_id)
    return key_result, etag_header(key_result)


@blp.route("/<int:key_result_id>", methods=["PUT"])
@audited("key_result.updated")
@blp.login_required
@blp.if_match
@blp.arguments(KeyResultWriteSchema)
@blp.response(200, KeyResultSchema, headers=ETAG_HEADER)
@blp.alt_response(404, response=ERROR)
def put_key_result(values, key_result_id):
    """Replace a key result's editable fields; unsent optional ones take their defaults.

    The current value stays unless `current_value` or `progress` is sent; a change is
    recorded as a check-in. Moving it to another of the caller's objectives is allowed.
    """
    return _update(key_result_id, values)


@blp.route("/<int:key_result_id>", methods=["PATCH"])
@audited("key_result.updated")
@blp.login_required
@blp.if_match
@blp.arguments(KeyResultPatchSchema)
@blp.response(200, KeyResultSchema, headers=ETAG_HEADER)
@blp.alt_response(404, response=ERROR)
def patch_key_result(values, key_result_id):
    """Change the fields sent of a key result; the others stay.

    A change of the current value (`current_value` or `progress`) is recorded as a check-in.
    """
    return _update(key_result_id, values)


def _update(key_result_id, values):
    """Apply ``values`` to the caller's key result if ``If-Match`` allows; return it."""
    key_result = owned_key_result(current_user.id, key_result_id, for_update=True)
    check_if_match(key_result)
    changes = change_key_result(current_user.id, key_result, values)
    flush_versioned()
    describe(
        "key_result.updated",
        resource_type="key_result",
        resource_id=key_result.id,
        details={"changes": changes},
    )
    return key_result, etag_header(key_result)


@blp.route("/<int:key_result_id>", methods=["DELETE"])
@audited("key_result.deleted")
@blp.login_required
@blp.if_match
@blp.response(204)
@blp.alt_response(404, response=ERROR)
def delete(key_result_id):
    """Delete a key result with its check-ins."""
    key_result = owned_key_result(
        current_user.id, key_result_id, for_update=True, with_check_ins=True
    )
    check_if_match(key_result)
    snapshot = key_result_snapshot(key_result)
    db.session.delete(key_result)
    flush_versioned()
    describe(
        "key_result.deleted",
        resource_type="key_result",
        resource_id=key_result_id,
        details={"deleted": snapshot},
    )
