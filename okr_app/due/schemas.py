"""Query arguments and body of GET /due."""

from marshmallow import fields

from okr_app.api.fast_dump import FastDumpSchema
from okr_app.api.schemas import Schema, Timestamp, progress_field


class DueQuerySchema(Schema):
    """How far ahead to look."""

    until = Timestamp(
        metadata={"description": "List key results due by this moment (default: now + 1 day)."}
    )


class DueKeyResultSchema(FastDumpSchema):
    """A key result whose check-in is due, with its objective."""

    id = fields.Integer(dump_only=True, metadata={"description": "The key result's id."})
    title = fields.String(dump_only=True)
    metric = fields.String(dump_only=True)
    objective_id = fields.Integer(dump_only=True)
    objective_title = fields.String(attribute="objective.title", dump_only=True)
    due_at = fields.DateTime(dump_only=True)
    overdue = fields.Boolean(dump_only=True)
    stale = fields.Boolean(dump_only=True)
    current_value = fields.Float(dump_only=True)
    kind = fields.String(dump_only=True)
    target_value = fields.Float(
        dump_only=True,
        allow_none=True,
        attribute="defined_target_value",
        metadata={"description": "increase and decrease; null for the other kinds."},
    )
    progress = progress_field(dump_only=True)
    pace_status = fields.String(dump_only=True)
