"""Closing, reopening and carrying over the caller's objectives."""

from flask import url_for
from flask_jwt_extended import current_user

from okr_app.audit.context import audited, describe
from okr_app.etags import ETAG_HEADER, check_if_match, etag_header, flush_versioned
from okr_app.objectives.closing import close_objective, reopen_objective
from okr_app.objectives.closing_schemas import CloseSchema, ClosingSchema
from okr_app.objectives.copying import copy_objective
from okr_app.objectives.queries import owned_objective
from okr_app.objectives.schemas import CopyQuerySchema, CopySchema, ObjectiveSchema
from okr_app.smorest import ERROR, Blueprint

blp = Blueprint(
    "objective-lifecycle",
    __name__,
    url_prefix="/objectives",
    description="Closing with a grade, reopening, and carrying over into another period.",
)
LOCATION_HEADER = {"Location": {"description": "The copy.", "schema": {"type": "string"}}}


@blp.route("/<int:objective_id>/close", methods=["POST"])
@audited("objective.closed")
@blp.login_required
@blp.if_match
@blp.arguments(CloseSchema)
@blp.response(200, ObjectiveSchema, headers=ETAG_HEADER)
@blp.alt_response(404, response=ERROR)
def close(values, objective_id):
    """Close an objective: freeze its key results, grade it and set its status.

    The closing records the final progress, each key result's final value, progress and
    last confidence, and the grade round(progress / 100, 2). The status becomes
    `completed` (outcome `achieved`), `missed` or `cancelled`. It is shown under `closing`
    and never changes afterwards, whatever happens to the key results. 409 when the
    objective is closed already.
    """
    objective = owned_objective(current_user.id, objective_id, for_update=True)
    check_if_match(objective)
    closing, changes = close_objective(objective, values["outcome"], values["retrospective"])
    flush_versioned()
    describe(
        "objective.closed",
        resource_type="objective",
        resource_id=objective.id,
        details={
            "closing_id": closing.id,
            "outcome": closing.outcome,
            "grade": closing.grade,
            "changes": changes,
        },
    )
    return objective, etag_header(objective)


@blp.route("/<int:objective_id>/reopen", methods=["POST"])
@audited("objective.reopened")
@blp.login_required
@blp.if_match
@blp.response(200, ObjectiveSchema, headers=ETAG_HEADER)
@blp.alt_response(404, response=ERROR)
def reopen(objective_id):
    """Reopen a closed objective: it becomes `active`, its closing stays in the history.

    409 when the objective is not closed.
    """
    objective = owned_objective(current_user.id, objective_id, for_update=True)
    check_if_match(objective)
    closing, changes = reopen_objective(objective)
    flush_versioned()
    describe(
        "objective.reopened",
        resource_type="objective",
        resource_id=objective.id,
        details={"closing_id": closing.id, "changes": changes},
    )
    return objective, etag_header(objective)


@blp.route("/<int:objective_id>/closings", methods=["GET"])
@blp.login_required
@blp.response(200, ClosingSchema(many=True))
@blp.alt_response(404, response=ERROR)
def list_closings(objective_id):
    """List every closing of an objective, oldest first, reopened ones included."""
    return owned_objective(current_user.id, objective_id).closings


@blp.route("/<int:objective_id>/copy", methods=["POST"])
@audited("objective.copied")
@blp.login_required
@blp.arguments(CopyQuerySchema, location="query")
@blp.arguments(CopySchema)
@blp.response(201, ObjectiveSchema, headers={**ETAG_HEADER, **LOCATION_HEADER})
@blp.alt_response(404, response=ERROR)
def copy(query, values, objective_id):
    """Copy an objective into a period, with copies of its key results.

    The copies keep title, metric, start, target and weight; their current value is the
    start value, or with `carry_values=true` the original's final value (frozen at closing
    if the objective is closed, else its current value), recorded as a check-in. The copy
    is `active` and names the original in `copied_from_id`; the original is untouched.
    """
    original = owned_objective(current_user.id, objective_id)
    objective = copy_objective(original, values["period"], carry_values=query["carry_values"])
    flush_versioned()
    describe(
        "objective.copied",
        resource_type="objective",
        resource_id=objective.id,
        details={
            "copied_from_id": original.id,
            "period": objective.period,
            "carry_values": query["carry_values"],
        },
    )
    location = url_for("objectives.get_objective", objective_id=objective.id)
    return objective, {**etag_header(objective), "Location": location}
