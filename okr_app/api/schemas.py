"""Schema building blocks shared by every area: the base schema and common fields."""

from collections.abc import Mapping
from datetime import UTC

import marshmallow as ma
from marshmallow import fields, validate

from okr_app.models.types import MAX_ID


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


class Pagination(Schema):
    """Query arguments ``page`` and ``page_size`` (default 20, at most 100)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


def id_field(**kwargs):
    """Return an integer field for a row id: 1 to the largest id the database can hold."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


PROGRESS_RANGE = validate.Range(min=0, max=100)


def progress_field(**kwargs):
    """Return a progress percentage field, 0 to 100."""
    return fields.Float(allow_nan=False, validate=PROGRESS_RANGE, **kwargs)
