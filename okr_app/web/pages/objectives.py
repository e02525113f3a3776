"""An objective's page and its changes: edit, close, reopen, copy, delete, add a key result.

Each change is audited under the API's action and goes through the same functions; edits
carry the tag of the version the form was drawn from, so a save over a change made in the
meantime (in another tab) is refused with 412 and the typed values are kept on the page.
"""

from datetime import UTC, datetime
from functools import partial

from flask import flash, g, redirect, render_template, url_for

from okr_app.api.auditing import attach, audited
from okr_app.api.etags import etag
from okr_app.key_results.editing import create_key_result
from okr_app.key_results.schemas import KeyResultSchema, KeyResultWriteSchema
from okr_app.objectives import closing
from okr_app.objectives.copying import copy_owned
from okr_app.objectives.editing import (
    delete_owned_objective,
    update_objective,
    write_objective,
)
from okr_app.objectives.queries import owned_objective
from okr_app.objectives.schemas import (
    CloseSchema,
    CopySchema,
    ObjectivePatchSchema,
    ObjectiveSchema,
)
from okr_app.okr.grades import grade
from okr_app.web import forms
from okr_app.web.pages.dashboard import pace_figures
from okr_app.web.queries import parent_choices, parent_label
from okr_app.web.routes import blp
from okr_app.web.session import login_required
from okr_app.web.submissions import once_per_submission

#: The fields of a key result's form (the objective page's and the new objective form's rows).
KEY_RESULT_FIELDS = (
    "title",
    "metric",
    "kind",
    "start_value",
    "target_value",
    "threshold",
    "range_min",
    "range_max",
    "due_on",
    "current_value",
    "weight",
)
#: The edit form's fields and their labels (to name those changed elsewhere).
EDIT_LABELS = {
    "title": "Title",
    "period": "Period",
    "description": "Description",
    "check_in_every_days": "Check in every (days)",
    "parent_id": "Part of",
}
EDIT_FIELDS = tuple(EDIT_LABELS)
#: The objective's fields chosen as whole numbers; empty on the edit form clears them.
WHOLE_NUMBERS = ("check_in_every_days", "parent_id")
STALE = (
    "This objective was changed elsewhere (in another tab or window) after you opened this "
    "form, so nothing was saved. Its current version is shown; your changes are still in the "
    "form: check them and save again."
)


@blp.route("/objectives/<int:objective_id>", methods=["GET"])
@login_required
def objective(objective_id):
    """Show an objective: details, key results, closings and the forms that change it."""
    return _objective_page(owned_objective(g.web_user.id, objective_id))


def _objective_page(objective, status=200, **forms_shown):
    """Return the objective's page with ``forms_shown`` (edit, close, copy, key_result)."""
    stored = {
        "title": objective.title,
        "period": objective.period,
        "description": objective.description or "",
        "check_in_every_days": str(objective.check_in_every_days or ""),
        "parent_id": str(objective.parent_id or ""),
    }
    shown = {
        "edit": forms.Form(stored, drawn=stored),
        "close": forms.Form({"outcome": "achieved"}),
        "copy": forms.Form({"period": _next_period(objective.period)}),
        "key_result": forms.Form({"start_value": "0", "target_value": "100", "weight": "1"}),
        **forms_shown,
    }
    shown["edit"] = shown["edit"].rebased(
        stored, EDIT_LABELS, "objective", shown_as=partial(_shown_as, objective.user_id)
    )
    figures = {
        name: getattr(objective, name) for name in ("status", "closing", "progress", "key_results")
    }
    expected = objective.expected_progress_on(datetime.now(UTC).date())
    page = render_template(
        "objective.html",
        objective=objective,
        pace=pace_figures(figures, expected),
        etag=etag(objective),
        # Read once: a stay key result's progress moves with the clock between two reads.
        progress=figures["progress"],
        grade_preview=grade(figures["progress"]),
        forms=shown,
        parents=parent_choices(objective.user_id, objective, shown["edit"].values.get("parent_id")),
    )
    return page, status


def _shown_as(user_id, name, value):
    """Return a field's value as the edit form shows it: a parent by its title and period."""
    return parent_label(user_id, value) if name == "parent_id" else value


def _next_period(period):
    """Return the period after a quarter (``2026-Q4`` -> ``2027-Q1``), else the same one."""
    year, _, part = period.partition("-Q")
    if not part:
        return period
    quarter = int(part) % 4 + 1
    return f"{int(year) + (quarter == 1)}-Q{quarter}"


@blp.route("/objectives/<int:objective_id>/edit", methods=["POST"])
@audited("objective.updated")
@login_required
def edit_objective(objective_id):
    """Save the edited title, period, description, cadence and parent, unless changed meanwhile.

    An empty parent makes the objective top-level.
    """
    values = forms.posted(EDIT_FIELDS)
    data, form = forms.load(
        ObjectivePatchSchema(),
        values,
        empty_is_none=("description", *WHOLE_NUMBERS),
        integers=WHOLE_NUMBERS,
        kept=("title", "period"),
    )
    if form is None:
        return _write(objective_id, "edit", values, update_objective, data)
    return _objective_page(owned_objective(g.web_user.id, objective_id), 422, edit=form)


@blp.route("/objectives/<int:objective_id>/close", methods=["POST"])
@audited("objective.closed")
@login_required
def close_objective(objective_id):
    """Close the objective with an outcome and a grade."""
    values = forms.posted(("outcome", "retrospective"))
    data, form = forms.load(CloseSchema(), values)
    if form is None:
        return _write(
            objective_id, "close", values, closing.close, data["outcome"], data["retrospective"]
        )
    return _objective_page(owned_objective(g.web_user.id, objective_id), 422, close=form)


@blp.route("/objectives/<int:objective_id>/reopen", methods=["POST"])
@audited("objective.reopened")
@login_required
def reopen_objective(objective_id):
    """Reopen the closed objective; its closing stays in the history."""
    return _write(objective_id, "close", {}, closing.reopen)


@blp.route("/objectives/<int:objective_id>/delete", methods=["GET"])
@login_required
def confirm_delete_objective(objective_id):
    """Ask before deleting an objective with its key results and check-ins."""
    objective = owned_objective(g.web_user.id, objective_id)
    return render_template(
        "confirm_delete.html",
        subject=objective,
        etag=etag(objective),
        kind="objective",
        cancel=url_for("web.objective", objective_id=objective_id),
    )


@blp.route("/objectives/<int:objective_id>/delete", methods=["POST"])
@audited("objective.deleted")
@login_required
def delete_objective(objective_id):
    """Delete the objective with its key results and their check-ins."""
    result, error = forms.attempt(
        delete_owned_objective, g.web_user.id, objective_id, tags=forms.tags()
    )
    if error:
        # Refused (412): the page again with why, and nothing deleted or audited as done.
        flash(forms.refused(error, {}, STALE).message, "error")
        return _objective_page(owned_objective(g.web_user.id, objective_id), error.code)
    _objective, details = result
    attach(resource_type="objective", resource_id=objective_id, details=details)
    flash("The objective was deleted.")
    return redirect(url_for("web.dashboard"), 303)


@blp.route("/objectives/<int:objective_id>/copy", methods=["POST"])
@audited("objective.copied")
@login_required
@once_per_submission
def copy_objective(objective_id):
    """Copy the objective into another period, optionally starting from its final values."""
    values = forms.posted(("period", "carry_values"))
    data, form = forms.load(CopySchema(), values)
    if form is not None:
        return _objective_page(owned_objective(g.web_user.id, objective_id), 422, copy=form)
    carry = values.get("carry_values") == "true"
    copy, details = copy_owned(g.web_user.id, objective_id, data["period"], carry_values=carry)
    attach(
        resource_type="objective",
        resource_id=copy.id,
        details=details,
        published=ObjectiveSchema().dump(copy),
    )
    flash(f"Copied into {copy.period}.")
    return redirect(url_for("web.objective", objective_id=copy.id), 303)


@blp.route("/objectives/<int:objective_id>/key-results", methods=["POST"])
@audited("key_result.created")
@login_required
@once_per_submission
def add_key_result(objective_id):
    """Add a key result to the objective."""
    values = forms.posted(KEY_RESULT_FIELDS)
    schema = KeyResultWriteSchema(partial=("objective_id",))
    data, form = forms.load(schema, forms.for_kind(values))
    if form is not None:
        return _objective_page(owned_objective(g.web_user.id, objective_id), 422, key_result=form)
    owned_objective(g.web_user.id, objective_id)  # 404 for another user's objective
    # The rules the schema cannot state (a due day in the period, a stay_* kind's value).
    key_result, error = forms.attempt(
        create_key_result, g.web_user.id, {**data, "objective_id": objective_id}
    )
    if error:
        current = owned_objective(g.web_user.id, objective_id)
        return _objective_page(current, error.code, key_result=forms.refused(error, values))
    attach(
        resource_type="key_result",
        resource_id=key_result.id,
        published=KeyResultSchema().dump(key_result),
    )
    flash(f"Added “{key_result.title}”.")
    return redirect(url_for("web.objective", objective_id=objective_id), 303)


def _write(objective_id, form_name, values, change, *args):
    """Run a conditional write of the objective from a form; show a refusal on its page."""
    result, error = forms.attempt(
        write_objective, g.web_user.id, objective_id, change, *args, tags=forms.tags()
    )
    if error:
        current = owned_objective(g.web_user.id, objective_id)
        form = forms.refused(error, values, STALE)
        return _objective_page(current, error.code, **{form_name: form})
    objective, details = result
    attach(
        resource_type="objective",
        resource_id=objective_id,
        details=details,
        published=ObjectiveSchema().dump(objective),
    )
    flash("Saved.")
    return redirect(url_for("web.objective", objective_id=objective.id), 303)
