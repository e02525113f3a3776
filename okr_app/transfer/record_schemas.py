"""The records of the export document: objectives, their closings, key results and check-ins.

The document's fields carry the same rules as the ordinary inputs, so an import is
validated like every other request. Ids are those of the exporting account: they only link
records within the document, and an import gives every record a new one.
"""

from datetime import date
from itertools import pairwise

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from okr_app.api.schemas import FiniteNumber, Schema, Timestamp, Trimmed, id_field, progress_field
from okr_app.key_results.schemas import (
    METRIC_LENGTH,
    SOURCE_DESCRIPTION,
    SOURCE_LENGTH,
    TITLE_LENGTH,
    WEIGHT_RANGE,
    kind_field,
    not_in_future,
)
from okr_app.models import OUTCOME_STATUSES
from okr_app.objectives.schemas import (
    DESCRIPTION_LENGTH,
    GRADE,
    OUTCOME_CHOICES,
    RETROSPECTIVE_LENGTH,
    STATUS_CHOICES,
    cadence_field,
    child_weight_field,
    period_field,
    roll_up_field,
)
from okr_app.okr.grades import grade
from okr_app.okr.kinds import (
    DIRECTIONAL,
    DONE,
    KIND_FIELDS,
    MILESTONE,
    NOT_DONE,
    definition_errors,
    direction,
)
from okr_app.okr.periods import bounds, outside_refusal
from okr_app.okr.rounding import rounded
from okr_app.transfer.check_in_times import CARRIED_AT, check_in_time

WEIGHT = {"exclusiveMinimum": True}  # apispec does not carry Range's min_inclusive over
CONFIDENCE_RANGE = validate.Range(min=0, max=1)
NOT_IMPORTED = {"description": "Exported for the record; an import sets its own."}
MILESTONE_VALUE = "A milestone's value is 1 (done) or 0 (not done)."
BY_KIND = {"description": "As the key result's own field: set for the kinds it defines."}


def validate_day(value):
    """Refuse text that is not an ISO 8601 date."""
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError("Not a date (YYYY-MM-DD).") from None


def record_id(**kwargs):
    """Return the field of an id in the exporting account, used for links in the document."""
    return id_field(strict=True, **kwargs)


def confidence_field():
    """Return an optional confidence, 0.0 to 1.0."""
    return fields.Float(
        allow_nan=False, allow_none=True, load_default=None, validate=CONFIDENCE_RANGE
    )


def refuse_equal_range(data, start="start_value", target="target_value"):
    """Refuse a target equal to the start, naming the target."""
    if data[start] == data[target]:
        raise ValidationError("Must differ from start_value.", field_name=target)


class CheckInRecordSchema(Schema):
    """A check-in: a value at a moment."""

    at = Timestamp(required=True, validate=check_in_time, metadata={"description": CARRIED_AT})
    value = FiniteNumber(required=True)
    confidence = confidence_field()
    note = Trimmed(allow_none=True, load_default=None, validate=validate.Length(max=2000))
    source = Trimmed(
        allow_none=True,
        load_default=None,
        validate=SOURCE_LENGTH,
        metadata={"description": SOURCE_DESCRIPTION.partition(";")[0] + "."},
    )


class KeyResultRecordSchema(Schema):
    """A key result with its check-ins, oldest first."""

    id = record_id()
    title = Trimmed(required=True, validate=TITLE_LENGTH)
    metric = Trimmed(required=True, validate=METRIC_LENGTH)
    kind = kind_field(load_default=None, allow_none=True)
    start_value = FiniteNumber(allow_none=True, metadata=BY_KIND)
    target_value = FiniteNumber(allow_none=True, metadata=BY_KIND)
    threshold = FiniteNumber(allow_none=True, metadata=BY_KIND)
    range_min = FiniteNumber(allow_none=True, metadata=BY_KIND)
    range_max = FiniteNumber(allow_none=True, metadata=BY_KIND)
    due_on = fields.Date(allow_none=True, metadata=BY_KIND)
    current_value = FiniteNumber(required=True)
    weight = FiniteNumber(required=True, validate=WEIGHT_RANGE, metadata=WEIGHT)
    created_at = fields.DateTime(metadata=NOT_IMPORTED)
    updated_at = fields.DateTime(metadata=NOT_IMPORTED)
    check_ins = fields.List(fields.Nested(CheckInRecordSchema), load_default=list)

    @validates_schema
    def check_definition(self, data, **kwargs):
        """Refuse what the kind cannot take, as a key result's own body would be refused."""
        kind = data.get("kind")
        if kind is None:
            # An export made before kinds existed: increase or decrease, as it was.
            for name in ("start_value", "target_value"):
                if data.get(name) is None:
                    raise ValidationError("Required without kind.", field_name=name)
            refuse_equal_range(data)
            kind = direction(data["start_value"], data["target_value"])
        sent = {name for name in KIND_FIELDS if data.get(name) is not None} | {"target_value"}
        errors = definition_errors(kind, data, sent)
        if errors:
            raise ValidationError({name: [message] for name, message in errors.items()})

    @validates_schema
    def check_milestone_values(self, data, **kwargs):
        """Refuse a milestone's value other than 1 or 0, now or in a check-in, as the API does."""
        if data.get("kind") != MILESTONE:
            return
        errors = {}
        if data["current_value"] not in (DONE, NOT_DONE):
            errors["current_value"] = [MILESTONE_VALUE]
        wrong = {
            index: {"value": [MILESTONE_VALUE]}
            for index, check_in in enumerate(data.get("check_ins") or [])
            if check_in["value"] not in (DONE, NOT_DONE)
        }
        if wrong:
            errors["check_ins"] = wrong
        if errors:
            raise ValidationError(errors)

    @validates_schema
    def check_current_value(self, data, **kwargs):
        """Refuse a current value other than the latest check-in's, as the API keeps it.

        The latest by ``at``, the last of the document's order winning a tie (an export
        lists them by ``at``, then as recorded). Without check-ins any value is taken.
        """
        check_ins = data.get("check_ins") or []
        if not check_ins:
            return
        _, latest = max(enumerate(check_ins), key=lambda pair: (pair[1]["at"], pair[0]))
        if data["current_value"] != latest["value"]:
            raise ValidationError(
                f"Must be {latest['value']:.15g}, the value of the latest check-in "
                f"({latest['at'].isoformat()}).",
                "current_value",
            )

    @post_load
    def name_the_kind(self, data, **kwargs):
        """Give a key result exported before kinds existed its kind by start and target."""
        if data["kind"] is None:
            data["kind"] = direction(data["start_value"], data["target_value"])
        return data


class FrozenKeyResultRecordSchema(Schema):
    """A key result as it stood at a closing."""

    id = record_id(
        allow_none=True,
        load_default=None,
        metadata={"description": "A key result of this document, or null if since deleted."},
    )
    title = Trimmed(required=True, validate=TITLE_LENGTH)
    metric = Trimmed(required=True, validate=METRIC_LENGTH)
    kind = kind_field()
    start_value = FiniteNumber(allow_none=True, metadata=BY_KIND)
    target_value = FiniteNumber(allow_none=True, metadata=BY_KIND)
    threshold = FiniteNumber(allow_none=True)
    range_min = FiniteNumber(allow_none=True)
    range_max = FiniteNumber(allow_none=True)
    due_on = fields.String(allow_none=True, validate=validate_day, metadata={"format": "date"})
    in_band = fields.Boolean(allow_none=True)
    weight = FiniteNumber(required=True, validate=WEIGHT_RANGE, metadata=WEIGHT)
    final_value = FiniteNumber(required=True)
    progress = progress_field(required=True)
    confidence = confidence_field()

    @validates_schema
    def check_milestone_value(self, data, **kwargs):
        """Refuse a milestone's final value other than 1 or 0."""
        if data.get("kind") == MILESTONE and data["final_value"] not in (DONE, NOT_DONE):
            raise ValidationError(MILESTONE_VALUE, "final_value")

    @validates_schema
    def check_range(self, data, **kwargs):
        """Refuse an increase or decrease (or a key result without kind) with no range."""
        if data.get("kind") not in (None, *DIRECTIONAL):
            return
        for name in ("start_value", "target_value"):
            if data.get(name) is None:
                raise ValidationError("Required for increase and decrease.", field_name=name)
        refuse_equal_range(data)


class ClosingRecordSchema(Schema):
    """A closing, with the key results frozen in it."""

    outcome = fields.String(required=True, validate=OUTCOME_CHOICES)
    retrospective = Trimmed(allow_none=True, load_default=None, validate=RETROSPECTIVE_LENGTH)
    grade = fields.Float(
        required=True, allow_nan=False, validate=validate.Range(min=0, max=1), metadata=GRADE
    )
    final_progress = progress_field(required=True)
    closed_at = Timestamp(required=True, validate=not_in_future)
    reopened_at = Timestamp(allow_none=True, load_default=None, validate=not_in_future)
    key_results = fields.List(fields.Nested(FrozenKeyResultRecordSchema), load_default=list)

    @validates_schema
    def check_grade(self, data, **kwargs):
        """Refuse a grade other than the one the final progress gives, as a closing sets it."""
        expected = grade(data["final_progress"])
        # A closing graded before grades followed the progress as answered was graded by the
        # unrounded progress: its export still imports.
        earlier = rounded(data["final_progress"] / 100)
        if data["grade"] not in (expected, earlier):
            raise ValidationError(
                f"Must be {expected:.15g}: round(final_progress / 100, 2), halves up.", "grade"
            )

    @validates_schema
    def check_order(self, data, **kwargs):
        """Refuse a reopening before the closing."""
        if data["reopened_at"] is not None and data["reopened_at"] < data["closed_at"]:
            raise ValidationError("Must not be earlier than closed_at.", "reopened_at")


class ObjectiveRecordSchema(Schema):
    """An objective with its closings and key results."""

    id = record_id()
    title = Trimmed(required=True, validate=TITLE_LENGTH)
    description = Trimmed(allow_none=True, load_default=None, validate=DESCRIPTION_LENGTH)
    period = period_field(required=True)
    status = fields.String(required=True, validate=STATUS_CHOICES)
    check_in_every_days = cadence_field(load_default=None)
    copied_from_id = record_id(
        allow_none=True,
        load_default=None,
        metadata={"description": "An objective of this document, or null."},
    )
    parent_id = record_id(
        allow_none=True,
        load_default=None,
        metadata={
            "description": "An objective of this document whose period contains this one's, "
            "or null; no cycle, at most 3 levels."
        },
    )
    roll_up = roll_up_field(load_default=False)
    child_weight = child_weight_field(load_default=1.0)
    created_at = fields.DateTime(metadata=NOT_IMPORTED)
    updated_at = fields.DateTime(metadata=NOT_IMPORTED)
    closings = fields.List(fields.Nested(ClosingRecordSchema), load_default=list)
    key_results = fields.List(fields.Nested(KeyResultRecordSchema), load_default=list)

    @validates_schema
    def check_closings(self, data, **kwargs):
        """Allow one closing in force at most, the latest, and require the status it names."""
        open_closings = [item for item in data["closings"] if item["reopened_at"] is None]
        if len(open_closings) > 1:
            raise ValidationError("At most one closing may lack reopened_at.", "closings")
        ordered = sorted(data["closings"], key=lambda item: item["closed_at"])
        for earlier, later in pairwise(ordered):
            if earlier["reopened_at"] is None or earlier["reopened_at"] > later["closed_at"]:
                raise ValidationError(
                    "Each closing must be reopened before the next one was closed; the one in "
                    "force is the latest.",
                    "closings",
                )
        if open_closings and data["status"] != OUTCOME_STATUSES[open_closings[0]["outcome"]]:
            expected = OUTCOME_STATUSES[open_closings[0]["outcome"]]
            raise ValidationError(f"Must be {expected!r}, as the closing says.", "status")

    @validates_schema
    def check_due_days(self, data, **kwargs):
        """Refuse a milestone due outside the period, as a key result's own body would be."""
        start, end = bounds(data["period"])
        refusals = {
            index: outside_refusal(key_result.get("due_on"), start, end)
            for index, key_result in enumerate(data["key_results"])
        }
        errors = {index: {"due_on": [text]} for index, text in refusals.items() if text}
        if errors:
            raise ValidationError({"key_results": errors})
