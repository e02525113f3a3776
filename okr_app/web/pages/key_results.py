"""A key result's page: its chart, the check-in form, its history; editing and deleting it."""

from datetime import UTC, datetime

from flask import flash, g, redirect, render_template, url_for

from okr_app.api.auditing import attach, audited
from okr_app.api.etags import etag
from okr_app.key_results.check_ins import check_in
from okr_app.key_results.editing import amend_key_result, remove_key_result, write_key_result
from okr_app.key_results.schemas import (
    CheckInCreatedSchema,
    CheckInWriteSchema,
    KeyResultPatchSchema,
    KeyResultSchema,
)
from okr_app.okr.kinds import KIND_FIELDS, MILESTONE
from okr_app.okr.wording import stated
from okr_app.web import forms, queries
from okr_app.web.charts import key_result_chart
from okr_app.web.formatting import KIND_CHOICES
from okr_app.web.routes import blp
from okr_app.web.session import login_required
from okr_app.web.submissions import once_per_submission

#: The edit form's fields and their labels (to name those changed elsewhere).
EDIT_LABELS = {
    "title": "Title",
    "metric": "Metric",
    "kind": "Kind",
    "start_value": "Start value",
    "target_value": "Target value",
    "threshold": "Threshold",
    "range_min": "Range from",
    "range_max": "Range to",
    "due_on": "Due on",
    "weight": "Weight",
}
EDIT_FIELDS = tuple(EDIT_LABELS)
#: The kind and the fields that define a key result of it: a value typed for one kind is
#: kept with that kind when another was chosen elsewhere.
DEFINITION = ("kind", *KIND_FIELDS)
KIND_LABELS = dict(KIND_CHOICES)
#: What the edit form shows for each field: start and target only where the kind uses them.
SHOWN_AS = {"start_value": "defined_start_value", "target_value": "defined_target_value"}
CHECK_IN_FIELDS = ("value", "done", "confidence", "note", "at")
STALE = (
    "This key result was changed elsewhere (in another tab or window) after you opened this "
    "form, so nothing was saved. Its current version is shown; your changes are still in the "
    "form: check them and save again."
)


@blp.route("/key-results/<int:key_result_id>", methods=["GET"])
@login_required
def key_result(key_result_id):
    """Show a key result's chart, check-in form and history."""
    return _key_result_page(key_result_id)


def _key_result_page(key_result_id, status=200, **forms_shown):
    """Return the key result's page with ``forms_shown`` (check_in, edit)."""
    item, objective, check_ins = queries.key_result_with_history(g.web_user.id, key_result_id)
    stored = {name: _text(getattr(item, SHOWN_AS.get(name, name))) for name in EDIT_FIELDS}
    shown = {"check_in": forms.Form(), "edit": forms.Form(stored, drawn=stored), **forms_shown}
    shown["edit"] = shown["edit"].rebased(
        stored, EDIT_LABELS, "key result", (DEFINITION,), _shown_as
    )
    page = render_template(
        "key_result.html",
        key_result=item,
        objective=objective,
        check_ins=check_ins,
        chart=key_result_chart(item, objective, check_ins, datetime.now(UTC)),
        etag=etag(item),
        forms=shown,
    )
    return page, status


def _shown_as(name, value):
    """Return a field's value as the edit form shows it: a kind by its label."""
    return KIND_LABELS.get(value, value) if name == "kind" else value


def _text(value):
    """Return a field's value as a form shows it: 12.0 as 12, None as nothing."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@blp.route("/key-results/<int:key_result_id>/check-ins", methods=["POST"])
@audited("check_in.created")
@login_required
@once_per_submission
def post_check_in(key_result_id):
    """Record a value now, or at an earlier moment given in "At" (UTC)."""
    values = forms.milestone_check_in(forms.posted(CHECK_IN_FIELDS))
    data, form = forms.load(CheckInWriteSchema(), values)
    if form is not None:
        return _key_result_page(key_result_id, 422, check_in=form)
    result, error = forms.attempt(check_in, g.web_user.id, key_result_id, data)
    if error:
        return _key_result_page(key_result_id, error.code, check_in=forms.refused(error, values))
    recorded, details = result
    attach(
        resource_type="check_in",
        resource_id=recorded.id,
        details=details,
        published=CheckInCreatedSchema().dump(recorded),
    )
    flash(f"Checked in {_checked_in(recorded)}.")
    return redirect(url_for("web.key_result", key_result_id=key_result_id), 303)


@blp.route("/key-results/<int:key_result_id>/edit", methods=["POST"])
@audited("key_result.updated")
@login_required
def edit_key_result(key_result_id):
    """Save the edited key result, unless it was changed meanwhile."""
    values = forms.posted(EDIT_FIELDS)
    # A milestone's due day emptied is removed (its period's last day applies again).
    data, form = forms.load(
        KeyResultPatchSchema(),
        forms.for_kind(values),
        empty_is_none=("due_on",),
        kept=("title", "metric", "weight", *forms.always_set(values)),
    )
    if form is not None:
        return _key_result_page(key_result_id, 422, edit=form)
    result, error = forms.attempt(
        write_key_result, g.web_user.id, key_result_id, amend_key_result, data, tags=forms.tags()
    )
    if error:
        form = forms.refused(error, values, STALE)
        return _key_result_page(key_result_id, error.code, edit=form)
    item, details = result
    attach(
        resource_type="key_result",
        resource_id=key_result_id,
        details=details,
        published=KeyResultSchema().dump(item),
    )
    flash("Saved.")
    return redirect(url_for("web.key_result", key_result_id=key_result_id), 303)


@blp.route("/key-results/<int:key_result_id>/delete", methods=["GET"])
@login_required
def confirm_delete_key_result(key_result_id):
    """Ask before deleting a key result with its check-ins."""
    item, _objective, _check_ins = queries.key_result_with_history(g.web_user.id, key_result_id)
    cancel = url_for("web.key_result", key_result_id=key_result_id)
    return render_template(
        "confirm_delete.html", subject=item, etag=etag(item), kind="key result", cancel=cancel
    )


@blp.route("/key-results/<int:key_result_id>/delete", methods=["POST"])
@audited("key_result.deleted")
@login_required
def delete_key_result(key_result_id):
    """Delete the key result with its check-ins."""
    result, error = forms.attempt(
        write_key_result,
        g.web_user.id,
        key_result_id,
        remove_key_result,
        tags=forms.tags(),
        with_check_ins=True,
    )
    if error:
        # Refused (412): the page again with why, and nothing deleted or audited as done.
        flash(forms.refused(error, {}, STALE).message, "error")
        return _key_result_page(key_result_id, error.code)
    item, details = result
    attach(resource_type="key_result", resource_id=key_result_id, details=details)
    flash("The key result was deleted.")
    return redirect(url_for("web.objective", objective_id=item.objective_id), 303)


def _checked_in(recorded):
    """Return a recorded check-in in words: its value, or a milestone's "as done" or not."""
    words = stated(recorded.value, recorded.key_result.kind)
    return f"as {words}" if recorded.key_result.kind == MILESTONE else words
