"""Objectives: list, create, read, replace, change and delete the caller's own."""

from flask import url_for
from flask_jwt_extended import current_user

from okr_app.audit.context import audited, describe
from okr_app.etags import ETAG_HEADER, check_if_match, etag_header, flush_versioned
from okr_app.objectives.closing import refuse_status_change_while_closed
from okr_app.objectives.editing import (
    change_objective,
    create_objective,
    delete_objective,
    objective_snapshot,
)
from okr_app.objectives.listing import objectives_page
from okr_app.objectives.queries import owned_objective
from okr_app.objectives.schemas import (
    ObjectivePatchSchema,
    ObjectiveQuerySchema,
    ObjectiveSchema,
    ObjectiveWriteSchema,
)
from okr_app.smorest import ERROR, Blueprint

blp = Blueprint(
    "objectives",
    __name__,
    url_prefix="/objectives",
    description="The caller's objectives, each with its key results. Others' answer 404.",
)
LOCATION_HEADER = {"Location": {"description": "The new objective.", "schema": {"type": "string"}}}


@blp.route("", methods=["GET"])
@blp.login_required
@blp.arguments(ObjectiveQuerySchema, location="query")
@blp.response(200, ObjectiveSchema(many=True))
@blp.paginate()
def list_objectives(filters, pagination_parameters):
    """List the caller's objectives, newest first, with their key results.

    Pagination metadata (total, pages) is in the `X-Pagination` header.
    """
    return objectives_page(current_user.id, filters, pagination_parameters)


@blp.route("", methods=["POST"])
@audited("objective.created")
@blp.login_required
@blp.arguments(ObjectiveWriteSchema)
@blp.response(201, ObjectiveSchema, headers={**ETAG_HEADER, **LOCATION_HEADER})
def post_objective(values):
    """Create an objective; its start and end dates follow from the period."""
    objective = create_objective(current_user.id, values)
    describe("objective.created", resource_type="objective", resource_id=objective.id)
    location = url_for("objectives.get_objective", objective_id=objective.id)
    return objective, {**etag_header(objective), "Location": location}


@blp.route("/<int:objective_id>", methods=["GET"])
@blp.login_required
@blp.response(200, ObjectiveSchema, headers=ETAG_HEADER)
@blp.alt_response(404, response=ERROR)
def get_objective(objective_id):
    """Return one of the caller's objectives with its key results."""
    objective = owned_objective(current_user.id, objective_id)
    return objective, etag_header(objective)


@blp.route("/<int:objective_id>", methods=["PUT"])
@audited("objective.updated")
@blp.login_required
@blp.if_match
@blp.arguments(ObjectiveWriteSchema)
@blp.response(200, ObjectiveSchema, headers=ETAG_HEADER)
@blp.alt_response(404, response=ERROR)
def put_objective(values, objective_id):
    """Replace an objective's editable fields; unsent optional ones take their defaults.

    A closed objective keeps its status until reopened: a change of it is 409.
    """
    return _update(objective_id, values)


@blp.route("/<int:objective_id>", methods=["PATCH"])
@audited("objective.updated")
@blp.login_required
@blp.if_match
@blp.arguments(ObjectivePatchSchema)
@blp.response(200, ObjectiveSchema, headers=ETAG_HEADER)
@blp.alt_response(404, response=ERROR)
def patch_objective(values, objective_id):
    """Change the fields sent of an objective; the others stay.

    A closed objective keeps its status until reopened: a change of it is 409.
    """
    return _update(objective_id, values)


def _update(objective_id, values):
    """Apply ``values`` to the caller's objective if ``If-Match`` allows; return it."""
    objective = owned_objective(current_user.id, objective_id, for_update=True)
    check_if_match(objective)
    refuse_status_change_while_closed(objective, values)
    changes = change_objective(objective, values)
    flush_versioned()
    describe(
        "objective.updated",
        resource_type="objective",
        resource_id=objective.id,
        details={"changes": changes},
    )
    return objective, etag_header(objective)


@blp.route("/<int:objective_id>", methods=["DELETE"])
@audited("objective.deleted")
@blp.login_required
@blp.if_match
@blp.response(204)
@blp.alt_response(404, response=ERROR)
def delete(objective_id):
    """Delete an objective with its key results and their check-ins."""
    objective = owned_objective(current_user.id, objective_id, for_update=True, with_check_ins=True)
    check_if_match(objective)
    snapshot = objective_snapshot(objective)
    delete_objective(objective)
    flush_versioned()
    describe(
        "objective.deleted",
        resource_type="objective",
        resource_id=objective_id,
        details={"deleted": snapshot},
    )
