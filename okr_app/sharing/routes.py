"""Share links of an objective: create, list and revoke them (the pages are in ``web``)."""

from flask import url_for
from flask_jwt_extended import current_user
from flask_smorest import abort

from okr_app.api.auditing import attach, audited
from okr_app.api.blueprint import ERROR, Blueprint
from okr_app.sharing.links import create_link, revoke_link
from okr_app.sharing.queries import objective_links
from okr_app.sharing.schemas import ShareLinkSchema, ShareWriteSchema

blp = Blueprint(
    "shares",
    __name__,
    url_prefix="/objectives",
    description="Secret links showing one objective read-only, without a login, at "
    "`/s/<token>` (a page, or JSON with `Accept: application/json`) and "
    "`/s/<token>/badge.svg`.",
)


@blp.route("/<int:objective_id>/share", methods=["POST"])
@audited("share_link.created")
@blp.login_required(replayable=False, opens_reads=True)
@blp.arguments(ShareWriteSchema)
@blp.response(201, ShareLinkSchema)
@blp.alt_response(404, response=ERROR)
def create_share(values, objective_id):
    """Create a share link to the objective; its URL is shown this once."""
    link, token = create_link(current_user.id, objective_id, values["expires_at"])
    attach(
        resource_type="share_link",
        resource_id=link.id,
        details={"objective_id": objective_id, "expires_at": _iso(link.expires_at)},
    )
    return {
        "id": link.id,
        "url": url_for("shared.shared_objective_page", token=token, _external=True),
        "expires_at": link.expires_at,
        "created_at": link.created_at,
    }


@blp.route("/<int:objective_id>/share", methods=["GET"])
@blp.login_required
@blp.response(200, ShareLinkSchema(many=True))
@blp.alt_response(404, response=ERROR)
def list_shares(objective_id):
    """List the objective's share links, newest first, expired ones included (no URLs)."""
    return objective_links(current_user.id, objective_id)


@blp.route("/<int:objective_id>/share/<int:share_id>", methods=["DELETE"])
@audited("share_link.revoked")
@blp.login_required
@blp.response(204)
@blp.alt_response(404, response=ERROR)
def revoke_share(objective_id, share_id):
    """Revoke a share link: it answers 404 from now on."""
    if not revoke_link(current_user.id, objective_id, share_id):
        abort(404, message="No such share link.")
    attach(resource_type="share_link", resource_id=share_id, details={"objective_id": objective_id})


def _iso(moment):
    """Return a moment in ISO 8601, or None."""
    return None if moment is None else moment.isoformat()
