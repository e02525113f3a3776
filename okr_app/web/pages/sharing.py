"""An objective's share links: create one (its URL shown this once), list and revoke them."""

from flask import flash, g, redirect, render_template, url_for

from okr_app.api.auditing import attach, audited
from okr_app.models.types import utcnow
from okr_app.objectives.queries import owned_objective
from okr_app.sharing.links import create_link, revoke_link
from okr_app.sharing.queries import objective_links
from okr_app.sharing.schemas import ShareWriteSchema
from okr_app.web import forms
from okr_app.web.routes import blp
from okr_app.web.session import login_required


@blp.route("/objectives/<int:objective_id>/share", methods=["GET"])
@login_required
def share_links(objective_id):
    """Show the objective's share links and the form for a new one."""
    return _page(objective_id)


def _page(objective_id, status=200, form=None, new_url=None):
    """Return the share page, with a refused ``form`` or the URL of a link just made."""
    page = render_template(
        "objective/share.html",
        objective=owned_objective(g.web_user.id, objective_id),
        links=objective_links(g.web_user.id, objective_id),
        form=form or forms.Form(),
        new_url=new_url,
        now=utcnow(),
    )
    return page, status


@blp.route("/objectives/<int:objective_id>/share", methods=["POST"])
@audited("share_link.created")
@login_required
def post_share_link(objective_id):
    """Create a share link and show its URL, this once (it is never stored)."""
    values = forms.posted(("expires_at",))
    data, form = forms.load(ShareWriteSchema(), values)
    if form is not None:
        return _page(objective_id, 422, form)
    link, token = create_link(g.web_user.id, objective_id, data["expires_at"])
    expires = None if link.expires_at is None else link.expires_at.isoformat()
    attach(
        resource_type="share_link",
        resource_id=link.id,
        details={"objective_id": objective_id, "expires_at": expires},
    )
    url = url_for("shared.shared_objective_page", token=token, _external=True)
    return _page(objective_id, 201, new_url=url)


@blp.route("/objectives/<int:objective_id>/share/<int:share_id>/revoke", methods=["POST"])
@audited("share_link.revoked")
@login_required
def revoke_share_link(objective_id, share_id):
    """Revoke a share link: it stops working at once."""
    owned_objective(g.web_user.id, objective_id)
    if revoke_link(g.web_user.id, objective_id, share_id):
        attach(
            resource_type="share_link", resource_id=share_id, details={"objective_id": objective_id}
        )
        flash("The link was revoked: it no longer works.")
    else:
        flash("That link was revoked already.", "error")
    return redirect(url_for("web.share_links", objective_id=objective_id), 303)
