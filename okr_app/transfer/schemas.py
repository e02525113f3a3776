"""Query arguments and bodies of GET /export and POST /import: the document and its limits.

The document's records (``okr_app.transfer.record_schemas``) carry the same rules as the
ordinary inputs; here are the rules across them: ids used once, links within the document,
parents as the API takes them, and the number of records an import may hold.
"""

from flask import current_app
from marshmallow import ValidationError, fields, post_load, pre_load, validate, validates_schema

from okr_app.api.schemas import Schema
from okr_app.okr.rollup import MAX_DEPTH, period_contains
from okr_app.transfer.record_schemas import ObjectiveRecordSchema

FORMATS = ("json", "csv")
ENTITIES = ("objectives", "key_results", "check_ins", "closings")


class ExportQuerySchema(Schema):
    """What to export, and how."""

    format = fields.String(
        validate=validate.OneOf(FORMATS),
        metadata={
            "enum": ["json"],
            "description": "json, the one format of this operation. The older `csv` (the "
            "default with `entity`) still answers the zip of `GET /export.zip`.",
        },
    )
    entity = fields.String(
        validate=validate.OneOf(ENTITIES),
        metadata={
            "x-legacy": True,
            "description": "Older: that entity's CSV file alone, as "
            "`GET /export/{entity}.csv`; not with format=json.",
        },
    )

    @validates_schema
    def entity_needs_csv(self, data, **kwargs):
        """Refuse ``entity`` with the JSON format, which always holds everything."""
        if "entity" in data and data.get("format") == "json":
            raise ValidationError("Only with format=csv.", "entity")

    @post_load
    def default_format(self, data, **kwargs):
        """Make CSV the default when an entity is named, JSON otherwise."""
        data.setdefault("format", "csv" if "entity" in data else "json")
        return data


def count_records(objectives):
    """Return how many objectives, key results, check-ins and closings a raw document holds.

    A closing's frozen key results count as key results: each is a row written too.
    """
    if not isinstance(objectives, list):
        return 0
    total = len(objectives)
    for objective in objectives:
        if not isinstance(objective, dict):
            continue
        closings, key_results = objective.get("closings"), objective.get("key_results")
        for closing in closings if isinstance(closings, list) else ():
            frozen = closing.get("key_results") if isinstance(closing, dict) else None
            total += 1 + (len(frozen) if isinstance(frozen, list) else 0)
        for key_result in key_results if isinstance(key_results, list) else ():
            check_ins = key_result.get("check_ins") if isinstance(key_result, dict) else None
            total += 1 + (len(check_ins) if isinstance(check_ins, list) else 0)
    return total


class ExportDocumentSchema(Schema):
    """Everything a user keeps: objectives with their closings, key results and check-ins."""

    version = fields.Integer(
        required=True, strict=True, validate=validate.Equal(1), metadata={"enum": [1]}
    )
    exported_at = fields.DateTime(metadata={"description": "When the export was made."})
    objectives = fields.List(fields.Nested(ObjectiveRecordSchema), required=True)

    @pre_load
    def refuse_too_many_records(self, data, **kwargs):
        """Refuse more than ``OKR_IMPORT_MAX_RECORDS`` records before checking any of them."""
        limit = current_app.config["OKR_IMPORT_MAX_RECORDS"]
        records = count_records(data.get("objectives") if isinstance(data, dict) else None)
        if records > limit:
            raise ValidationError(
                {
                    "objectives": [
                        f"At most {limit} records (objectives, key results, check-ins and "
                        f"closings together) per import; this document has {records}. "
                        "Split it into several documents."
                    ]
                }
            )
        return data

    @validates_schema
    def check_links(self, data, **kwargs):
        """Refuse ids used twice, and links naming nothing of the document.

        A ``copied_from_id`` names another objective of it, and copies may not loop (a copy
        is made of an objective that was there before it); a closing's frozen key result
        names a key result of it, or null for one deleted since.
        """
        errors = {}
        objective_ids = set()
        key_result_ids = set()
        for index, objective in enumerate(data["objectives"]):
            if "id" in objective:
                if objective["id"] in objective_ids:
                    errors[index] = {"id": ["Another objective has this id."]}
                objective_ids.add(objective["id"])
            for position, key_result in enumerate(objective["key_results"]):
                if "id" not in key_result:
                    continue
                if key_result["id"] in key_result_ids:
                    repeated = {position: {"id": ["Another key result has this id."]}}
                    errors.setdefault(index, {}).setdefault("key_results", {}).update(repeated)
                key_result_ids.add(key_result["id"])
        for index, closings in unknown_frozen(data["objectives"], key_result_ids).items():
            errors.setdefault(index, {})["closings"] = closings
        looping = copy_cycles(data["objectives"])
        for index, objective in enumerate(data["objectives"]):
            copied_from = objective["copied_from_id"]
            if copied_from is not None and copied_from not in objective_ids:
                message = ["No objective of the document has this id."]
                errors.setdefault(index, {})["copied_from_id"] = message
            elif copied_from is not None and copied_from == objective.get("id"):
                message = ["An objective is not a copy of itself."]
                errors.setdefault(index, {})["copied_from_id"] = message
            elif copied_from is not None and objective.get("id") in looping:
                message = ["The copies form a cycle: each would be a copy of a later one."]
                errors.setdefault(index, {})["copied_from_id"] = message
        for index, message in parent_errors(data["objectives"]).items():
            errors.setdefault(index, {})["parent_id"] = [message]
        if errors:
            raise ValidationError({"objectives": errors})


def unknown_frozen(records, key_result_ids):
    """Return, by objective index, the closings' frozen key results naming no key result."""
    unknown = ["No key result of the document has this id."]
    errors = {}
    for index, objective in enumerate(records):
        for number, closing in enumerate(objective["closings"]):
            for position, frozen in enumerate(closing["key_results"]):
                if frozen["id"] is not None and frozen["id"] not in key_result_ids:
                    closings = errors.setdefault(index, {})
                    frozen_errors = closings.setdefault(number, {}).setdefault("key_results", {})
                    frozen_errors[position] = {"id": unknown}
    return errors


def copy_cycles(records):
    """Return the ids of the records on a cycle of ``copied_from_id`` links, in one pass.

    Each record names at most one original, so following the links from each record in
    turn, and stopping at any record already visited, meets every cycle once.
    """
    original = {item["id"]: item["copied_from_id"] for item in records if "id" in item}
    done, looping = set(), set()
    for start in original:
        path, current = {}, start
        while current in original and current not in done and current not in path:
            path[current] = len(path)
            current = original[current]
        if current in path:  # this walk closed a loop: the records from there on
            looping.update(list(path)[path[current] :])
        done.update(path)
    return looping


def parent_errors(records):
    """Return ``{index: message}`` for each record whose ``parent_id`` breaks a rule.

    The same rules as the API's: an objective of the document, whose period contains the
    record's, no cycle, at most ``MAX_DEPTH`` levels.
    """
    by_id = {record["id"]: record for record in records if "id" in record}
    errors = {}
    for index, record in enumerate(records):
        parent_id = record["parent_id"]
        if parent_id is None:
            continue
        if parent_id not in by_id:
            errors[index] = "No objective of the document has this id."
            continue
        if not period_contains(by_id[parent_id]["period"], record["period"]):
            errors[index] = "The parent's period must contain this objective's."
            continue
        chain = [record.get("id")]
        while parent_id is not None and parent_id not in chain and len(chain) <= MAX_DEPTH:
            chain.append(parent_id)
            parent_id = by_id.get(parent_id, {}).get("parent_id")
        if parent_id is not None and parent_id in chain:
            errors[index] = "The parents form a cycle."
        elif len(chain) > MAX_DEPTH:
            errors[index] = f"At most {MAX_DEPTH} levels of objectives may nest."
    return errors


class ImportResultSchema(Schema):
    """What an import created."""

    objectives = fields.Integer(dump_only=True)
    key_results = fields.Integer(dump_only=True)
    check_ins = fields.Integer(dump_only=True)
    closings = fields.Integer(dump_only=True)
    objective_ids = fields.List(
        fields.Integer(),
        dump_only=True,
        metadata={"description": "The new objectives' ids, in the document's order."},
    )
