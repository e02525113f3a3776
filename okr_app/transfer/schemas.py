"""Query arguments and bodies of GET /export and POST /import."""

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from okr_app.schemas import Schema
from okr_app.transfer.document_schemas import ObjectiveRecordSchema

FORMATS = ("json", "csv")
ENTITIES = ("objectives", "key_results", "check_ins", "closings")


class ExportQuerySchema(Schema):
    """What to export, and how."""

    format = fields.String(
        validate=validate.OneOf(FORMATS),
        metadata={
            "description": "json (the default): one document; csv (the default with "
            "entity): a zip of one CSV file per entity."
        },
    )
    entity = fields.String(
        validate=validate.OneOf(ENTITIES),
        metadata={"description": "That entity's CSV file alone; not with format=json."},
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


class ExportDocumentSchema(Schema):
    """Everything a user keeps: objectives with their closings, key results and check-ins."""

    version = fields.Integer(
        required=True, strict=True, validate=validate.Equal(1), metadata={"enum": [1]}
    )
    exported_at = fields.DateTime(metadata={"description": "When the export was made."})
    objectives = fields.List(fields.Nested(ObjectiveRecordSchema), required=True)

    @validates_schema
    def check_links(self, data, **kwargs):
        """Refuse ids used twice, and a ``copied_from_id`` naming no objective of the document."""
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
        for index, objective in enumerate(data["objectives"]):
            if objective["copied_from_id"] not in (None, *objective_ids):
                message = ["No objective of the document has this id."]
                errors.setdefault(index, {})["copied_from_id"] = message
        if errors:
            raise ValidationError({"objectives": errors})


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
