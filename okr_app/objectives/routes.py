"""Objectives: list, create, read, replace, change, delete, close, reopen and copy the caller's."""

from flask import request, url_for
from flask_jwt_extended import current_user

from okr_app.api.auditing import attach, audited
from okr_app.api.blueprint import ERROR, Blueprint
from okr_app.api.etags import with_etag
from okr_app.objectives import closing
from okr_app.objectives.copying import copy_owned
from okr_app.objectives.editing import (
    create_objective,
    delete_owned_objective,
    update_objective,
    write_objective,
)
from okr_app.objectives.listing import objectives_page
from okr_app.objectives.queries import owned_objective
from okr_app.objectives.schemas import (
    CloseSchema,
    ClosingSchema,
    CopyQuerySchema,
    CopySchema,
    ObjectivePatchSchema,
    ObjectiveQuerySchema,
    ObjectiveSchema,
    ObjectiveWriteSchema,
)

LIFECYCLE = "objective-lifecycle"
blp = Blueprint(
    "objectives",
    __name__,
    url_prefix="/objectives",
    description="The caller's objectives, each with its key results. Others' answer 404.",
    extra_tags=[
        {
            "name": LIFECYCLE,
            "description": "Closing with a grade, reopening, and carrying over into another "
            "period.",
        }
    ],
)
NEW = {"Location": {"description": "The new objective.", "schema": {"type": "string"}}}
COPY = {"Location": {"description": "The copy.", "schema": {"type": "string"}}}


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
@blp.versioned(ObjectiveSchema, 201, headers=NEW, errors=())
def post_objective(values):
    """Create an objective; its start and end dates follow from the period."""
    objective = create_objective(current_user.id, values)
    attach(resource_type="objective", resource_id=objective.id)
    return _with_location(objective)


@blp.route("/<int:objective_id>", methods=["GET"])
@blp.login_required
@blp.versioned(ObjectiveSchema)
def get_objective(objective_id):
    """Return one of the caller's objectives with its key results."""
    return with_etag(owned_objective(current_user.id, objective_id))


@blp.route("/<int:objective_id>", methods=["PUT"])
@blp.versioned_write("objective.updated", ObjectiveWriteSchema, ObjectiveSchema)
def put_objective(values, objective_id):
    """Replace an objective's editable fields; unsent optional ones take their defaults.

    A closed objective keeps its status until reopened: a change of it is 409.
    """
    return _write(objective_id, update_objective, values, for_update=not request.if_match)


@blp.route("/<int:objective_id>", methods=["PATCH"])
@blp.versioned_write("objective.updated", ObjectivePatchSchema, ObjectiveSchema)
def patch_objective(values, objective_id):
    """Change the fields sent of an objective; the others stay.

    A closed objective keeps its status until reopened: a change of it is 409.
    """
    return _write(objective_id, update_objective, values, for_update=not request.if_match)


@blp.route("/<int:objective_id>", methods=["DELETE"])
@blp.versioned_write("objective.deleted")
def delete_objective(objective_id):
    """Delete an objective with its key results and their check-ins.

    Its children are detached (they become top-level, `parent_id` null), never deleted;
    the audit row lists them under `detached_children`.
    """
    _objective, details = delete_owned_objective(current_user.id, objective_id)
    attach(resource_type="objective", resource_id=objective_id, details=details)


@blp.route("/<int:objective_id>/close", methods=["POST"], tags=[LIFECYCLE])
@blp.versioned_write("objective.closed", CloseSchema, ObjectiveSchema)
def close_objective(values, objective_id):
    """Close an objective: freeze its key results, grade it and set its status.

    The closing records the final progress, each key result's final value, progress and
    last confidence, and the grade round(final_progress / 100, 2), of the final progress as
    answered (52.496 is answered 52.5 and grades 0.53). The status becomes
    `completed` (outcome `achieved`), `missed` or `cancelled`. It is shown under `closing`
    and never changes afterwards, whatever happens to the key results. 409 when the
    objective is closed already. A parent that rolls up freezes its progress with its
    children's included; closing never touches the link: the children stay open and under
    it, and a closed child still counts in its parent's roll-up with the progress frozen at
    its closing.
    """
    return _write(objective_id, closing.close, values["outcome"], values["retrospective"])


@blp.route("/<int:objective_id>/reopen", methods=["POST"], tags=[LIFECYCLE])
@blp.versioned_write("objective.reopened", response=ObjectiveSchema)
def reopen_objective(objective_id):
    """Reopen a closed objective: it becomes `active`, its closing stays in the history.

    409 when the objective is not closed.
    """
    return _write(objective_id, closing.reopen)


@blp.route("/<int:objective_id>/closings", methods=["GET"], tags=[LIFECYCLE])
@blp.login_required
@blp.response(200, ClosingSchema(many=True))
@blp.alt_response(404, response=ERROR)
def list_closings(objective_id):
    """List every closing of an objective, oldest first, reopened ones included."""
    return owned_objective(current_user.id, objective_id).closings


@blp.route("/<int:objective_id>/copy", methods=["POST"], tags=[LIFECYCLE])
@audited("objective.copied")
@blp.login_required
@blp.arguments(CopyQuerySchema, location="query")
@blp.arguments(CopySchema)
@blp.versioned(ObjectiveSchema, 201, headers=COPY)
def copy_objective(query, values, objective_id):
    """Copy an objective into a period, with copies of its key results.

    The copies keep title, metric, start, target and weight; their current value is the
    start value, or with `carry_values=true` the original's final value (frozen at closing
    if the objective is closed, else its current value), recorded as a check-in. The copy
    is `active` and names the original in `copied_from_id`; the original is untouched.
    It keeps `roll_up` and `child_weight` and stays under the original's parent if that
    parent's period contains the new one (else it is top-level). The children are not
    copied unless `with_children` is true: then each child (and its children) is copied
    too, moved by as many months as the objective, under the copy.
    """
    objective, details = copy_owned(
        current_user.id,
        objective_id,
        values["period"],
        carry_values=query["carry_values"],
        with_children=values["with_children"],
    )
    attach(resource_type="objective", resource_id=objective.id, details=details)
    return _with_location(objective)


def _write(objective_id, change, *args, **lookup):
    """Apply ``change`` to the caller's objective as a conditional write, and audit it."""
    objective, details = write_objective(current_user.id, objective_id, change, *args, **lookup)
    attach(resource_type="objective", resource_id=objective_id, details=details)
    return with_etag(objective)


def _with_location(objective):
    """Return a new objective with its ``ETag`` and ``Location``."""
    return with_etag(
        objective, Location=url_for("objectives.get_objective", objective_id=objective.id)
    )
