"""The new objective form: an objective with its first key results, in one transaction.

Created through the API's own functions and audited under its action; a refusal, of the
objective or of a key result row, is shown beside its field with everything typed kept.
"""

from datetime import UTC, datetime

from flask import flash, g, redirect, render_template, request, url_for

from okr_app.api.auditing import attach, audited
from okr_app.extensions import db
from okr_app.key_results.editing import create_key_result
from okr_app.key_results.schemas import KeyResultWriteSchema
from okr_app.objectives.editing import create_objective
from okr_app.objectives.schemas import ObjectiveSchema, ObjectiveWriteSchema
from okr_app.okr.periods import quarter_of
from okr_app.web import forms
from okr_app.web.pages.objectives import KEY_RESULT_FIELDS, WHOLE_NUMBERS
from okr_app.web.queries import parent_choices
from okr_app.web.routes import blp
from okr_app.web.session import login_required
from okr_app.web.submissions import once_per_submission

#: Key result rows on the new objective form.
NEW_KEY_RESULTS = 3


@blp.route("/new", methods=["GET"])
@login_required
def new_objective():
    """Show the form for an objective with its first key results."""
    period = request.args.get("period") or quarter_of(datetime.now(UTC).date())
    return _new_page(forms.Form({"period": period}), _rows({}))


def _new_page(form, rows, status=200):
    """Return the new objective form with ``rows`` of key results and the parents offered."""
    parents = parent_choices(g.web_user.id, shown=form.values.get("parent_id"))
    return render_template("new.html", form=form, rows=rows, parents=parents), status


@blp.route("/new", methods=["POST"])
@audited("objective.created")
@login_required
@once_per_submission
def post_new_objective():
    """Create the objective and the key results filled in, in one transaction."""
    values = forms.posted()
    data, form = forms.load(
        ObjectiveWriteSchema(), values, empty_is_none=("description",), integers=WHOLE_NUMBERS
    )
    rows = _rows(values)
    if any(row["form"].errors for row in rows) or form is not None:
        form = form or forms.Form(values, {}, "Please correct the fields marked below.")
        return _new_page(form, rows, 422)
    objective, error = forms.attempt(create_objective, g.web_user.id, data)
    if error:
        return _new_page(forms.refused(error, values), rows, error.code)
    created = []
    for row in rows:
        if row["data"] is None:
            continue
        values_of_row = {**row["data"], "objective_id": objective.id}
        key_result, error = forms.attempt(create_key_result, g.web_user.id, values_of_row)
        if error:  # rolled back, the objective with it: the form again, the row marked
            refusal = forms.refused(error, {})
            marked = {row["prefix"] + name: texts for name, texts in refusal.errors.items()}
            row["form"] = forms.Form(row["form"].values, marked)
            return _new_page(forms.Form(values, {}, refusal.message), rows, error.code)
        created.append(key_result.id)
    db.session.expire(objective, ["key_results"])  # the event shows those just added
    attach(
        resource_type="objective",
        resource_id=objective.id,
        details={"key_result_ids": created},
        published=ObjectiveSchema().dump(objective),
    )
    flash(f"Created “{objective.title}”.")
    return redirect(url_for("web.objective", objective_id=objective.id), 303)


def _rows(values):
    """Return the key result rows of the new objective form: a ``Form`` each, and its data.

    A row left empty has no data and no errors; the others are loaded like a
    ``POST /key-results`` body.
    """
    rows = []
    for index in range(NEW_KEY_RESULTS):
        prefix = f"key_results-{index}-"
        typed = {name: values.get(prefix + name, "") for name in KEY_RESULT_FIELDS}
        data, errors = None, {}
        if any(value.strip() for value in typed.values()):
            schema = KeyResultWriteSchema(partial=("objective_id",))
            data, refusal = forms.load(schema, forms.for_kind(typed))
            errors = refusal.errors if refusal else {}
        form = forms.Form(
            {prefix + name: value for name, value in typed.items()},
            {prefix + name: messages for name, messages in errors.items()},
        )
        rows.append({"index": index, "prefix": prefix, "form": form, "data": data})
    return rows
