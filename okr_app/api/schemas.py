"""Schema building blocks shared by every area: the base schema and common fields."""

import re
from collections.abc import Mapping
from datetime import UTC, timedelta
from itertools import combinations

import marshmallow as ma
from marshmallow import fields, validate

from okr_app.models.types import MAX_ID
from okr_app.okr.rounding import rounded


class Schema(ma.Schema):
    """Base schema: unknown fields and NUL characters are refused."""

    class Meta:  # noqa: D106
        unknown = ma.RAISE

    @ma.pre_load(pass_collection=True)
    def refuse_nul_characters(self, data, **kwargs):
        """Refuse strings holding NUL, which PostgreSQL cannot store or compare."""
        if isinstance(data, Mapping):
            bad = sorted(str(key) for key, value in data.items() if _holds_nul(value))
            if bad:
                raise ma.ValidationError({key: ["NUL characters are not allowed."] for key in bad})
        return data

    @ma.pre_load(pass_collection=True)
    def refuse_loose_types(self, data, **kwargs):
        """Refuse a JSON string or boolean for a number, and anything but a boolean for one.

        Marshmallow reads ``"42"`` as 42 and ``true`` as 1, as a query string needs; a JSON
        body states its types, so the API holds it to them. Query arguments (a multidict,
        never a plain dict) and web forms (``FormValues``) keep the lenient reading.
        """
        if type(data) is not dict:
            return data
        errors = {}
        for field in self.load_fields.values():
            key = field.data_key or field.name
            if key in data and (message := _loose_type(field, data[key])):
                errors[key] = [message]
        if errors:
            raise ma.ValidationError(errors)
        return data


class FormValues(dict):
    """The text typed into a web form: numbers and booleans are read from strings."""


def _loose_type(field, value):
    """Return why ``value`` is not of the JSON type of ``field``, or None."""
    if isinstance(field, fields.Number) and not field.as_string:
        if isinstance(value, (str, bool)):
            return "Not a valid number."
    elif isinstance(field, fields.Boolean) and not isinstance(value, bool) and value is not None:
        return "Not a valid boolean."
    return None


def _holds_nul(value):
    """Tell whether a string anywhere in ``value`` contains a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_holds_nul(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class Trimmed(fields.String):
    """A string with surrounding whitespace removed before validation."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class FiniteNumber(fields.Float):
    """A float that refuses NaN, infinities and magnitudes over 1e15."""

    LIMIT = 1e15

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_nan", False)
        kwargs.setdefault("validate", validate.Range(min=-self.LIMIT, max=self.LIMIT))
        super().__init__(**kwargs)


class Timestamp(fields.AwareDateTime):
    """An ISO 8601 moment from year 1900 to 2999, returned in UTC; naive values are UTC."""

    FIRST_YEAR = 1900
    LAST_YEAR = 2999

    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        # Checked before any conversion: an offset near year 1 or 9999 overflows datetime.
        if not self.FIRST_YEAR <= moment.year <= self.LAST_YEAR:
            raise ma.ValidationError(
                f"Must lie between the years {self.FIRST_YEAR} and {self.LAST_YEAR}."
            )
        return moment.astimezone(UTC)


class Until(Timestamp):
    """The end of a time window; a date alone (``2026-10-25``) includes that whole day (UTC).

    ``exclusive``: the window holds moments before the end, so a date ends at the next
    midnight; otherwise moments up to the end, so a date ends at its last microsecond.
    """

    DAY_NOTE = " A date alone (YYYY-MM-DD) includes that whole day (UTC)."

    def __init__(self, *, exclusive=False, **kwargs):
        metadata = dict(kwargs.pop("metadata", {}))
        metadata["description"] = (metadata.get("description", "") + self.DAY_NOTE).strip()
        super().__init__(metadata=metadata, **kwargs)
        self.exclusive = exclusive

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if isinstance(value, str) and DATE_ONLY.match(value.strip()):
            moment += timedelta(days=1) if self.exclusive else timedelta(days=1, microseconds=-1)
        return moment


DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Pagination(Schema):
    """Query arguments ``page`` and ``page_size`` (default 20, at most 100)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


def id_field(**kwargs):
    """Return an integer field for a row id: 1 to the largest id the database can hold."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class Rounded(fields.Float):
    """A number the API computes: answered rounded to 2 decimals, halves up; read as sent."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(rounded(value), attr, obj, **kwargs)


PROGRESS_RANGE = validate.Range(min=0, max=100)


def progress_field(**kwargs):
    """Return a progress percentage field, 0 to 100, answered rounded to 2 decimals."""
    return Rounded(allow_nan=False, validate=PROGRESS_RANGE, **kwargs)


def exactly_one_of(*names):
    """Return the JSON Schema (for a schema's ``OPENAPI``) that exactly one of ``names`` is sent.

    Written with ``not`` (not two of them, and not none): a ``oneOf`` would cost generated
    clients their typed body.
    """
    pairs = [{"required": list(pair)} for pair in combinations(names, 2)]
    none = {"not": {"anyOf": [{"required": [name]} for name in names]}}
    return {"not": {"anyOf": [*pairs, none]}}
