"""Schema building blocks shared by every area."""

import marshmallow as ma
from marshmallow import fields, validate


class Schema(ma.Schema):
    """Base schema: unknown fields are refused."""

    class Meta:  # noqa: D106
        unknown = ma.RAISE


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


class Pagination(Schema):
    """Query arguments ``page`` and ``page_size`` (default 20, at most 100)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
