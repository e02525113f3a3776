"""Importing an export document: new rows for the caller, linked as the document links them."""

from sqlalchemy import insert

from okr_app.extensions import db
from okr_app.key_results.trends import refresh_trends
from okr_app.models import CheckIn, KeyResult, Objective, ObjectiveClosing
from okr_app.objectives.editing import with_period_dates
from okr_app.okr.kinds import stored_definition

OBJECTIVE_FIELDS = (
    "title",
    "description",
    "period",
    "status",
    "check_in_every_days",
    "roll_up",
    "child_weight",
)
KEY_RESULT_FIELDS = ("title", "metric", "current_value", "weight")
CLOSING_FIELDS = (
    "outcome",
    "retrospective",
    "grade",
    "final_progress",
    "closed_at",
    "reopened_at",
)


def import_document(user_id, document):
    """Recreate the document's objectives, key results, check-ins and closings for the user.

    Every row gets a new id; ``copied_from_id``, ``parent_id`` and the ids in the closings
    are translated
    to the new ones. Values are taken as they are (``current_value`` too), so the data reads
    back as it was exported. Return the counts and the new objective ids.
    """
    created = [(record, _new_objective(user_id, record)) for record in document["objectives"]]
    db.session.add_all(objective for _, objective in created)
    db.session.flush()
    objective_ids, key_result_ids, check_ins = _links(user_id, created)
    if check_ins:
        # One multi-row INSERT per batch instead of an ORM object per check-in.
        db.session.execute(insert(CheckIn), check_ins)
        refresh_trends(sorted({row["key_result_id"] for row in check_ins}))
    for record, objective in created:
        if record["copied_from_id"] is not None:
            objective.copied_from_id = objective_ids[record["copied_from_id"]]
        if record["parent_id"] is not None:
            objective.parent_id = objective_ids[record["parent_id"]]
        for closing in record["closings"]:
            objective.closings.append(_new_closing(user_id, closing, key_result_ids))
    db.session.flush()
    return {
        "objectives": len(created),
        "key_results": len(key_result_ids),
        "check_ins": len(check_ins),
        "closings": sum(len(record["closings"]) for record, _ in created),
        "objective_ids": [objective.id for _, objective in created],
    }


def _new_objective(user_id, record):
    """Return a new objective with new key results, from a record of the document."""
    values = with_period_dates({name: record[name] for name in OBJECTIVE_FIELDS})
    objective = Objective(user_id=user_id, key_results=[], closings=[], **values)
    for item in record["key_results"]:
        fields = {name: item[name] for name in KEY_RESULT_FIELDS}
        definition = stored_definition(item["kind"], item)
        objective.key_results.append(KeyResult(user_id=user_id, **fields, **definition))
    return objective


def _links(user_id, created):
    """Return the new objective ids and key result ids by document id, and the check-in rows.

    A record without an id is never referred to; its row is created all the same.
    """
    objective_ids, key_result_ids, check_ins = {}, {}, []
    for number, (record, objective) in enumerate(created):
        objective_ids[record.get("id", ("unnamed", number))] = objective.id
        for position, (item, key_result) in enumerate(
            zip(record["key_results"], objective.key_results, strict=True)
        ):
            key_result_ids[item.get("id", ("unnamed", number, position))] = key_result.id
            check_ins += [
                {"key_result_id": key_result.id, "user_id": user_id, **check_in}
                for check_in in item["check_ins"]
            ]
    return objective_ids, key_result_ids, check_ins


def _new_closing(user_id, closing, key_result_ids):
    """Return a new closing whose frozen key results name the new key result ids."""
    frozen = [{**item, "id": key_result_ids.get(item["id"])} for item in closing["key_results"]]
    fields = {name: closing[name] for name in CLOSING_FIELDS}
    return ObjectiveClosing(user_id=user_id, key_results=frozen, **fields)
