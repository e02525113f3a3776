"""Schema building blocks shared by every area."""

from collections.abc import Mapping
from datetime import UTC
from functools import cached_property, partial

import marshmallow as ma
from marshmallow import fields, validate
from marshmallow.utils import ensure_text_type, missing


class Schema(ma.Schema):
    """Base schema: unknown fields and NUL characters are refused; dumps take a short path.

    Marshmallow reads each value through five calls before the field formats it. Here a
    dump reads the attribute, or the key of a plain dict, itself, and the plain field types
    format in one call. What the short path cannot read the same way (a value that is not
    there, a dotted ``attribute``, mappings other than a plain dict, fields that read no attribute)
    goes through marshmallow's own path, so the output is the same.
    """

    class Meta:  # noqa: D106
        unknown = ma.RAISE

    @cached_property
    def _dump_steps(self):
        """Return ``(key, attribute, name, field, format)`` for each field dumped."""
        return [_dump_step(name, field) for name, field in self.dump_fields.items()]

    def _serialize(self, obj, *, many=False):
        if many and obj is not None:
            return [self._serialize(item) for item in obj]
        if type(obj) is dict:
            read = obj.get
        elif hasattr(obj, "__getitem__"):
            return super()._serialize(obj)
        else:
            read = partial(getattr, obj)
        result = self.dict_class()
        for key, attribute, name, field, format_value in self._dump_steps:
            value = missing if attribute is None else read(attribute, missing)
            if value is missing:
                value = field.serialize(name, obj, accessor=self.get_attribute)
                if value is missing:
                    continue
            elif format_value is None:
                value = field._serialize(value, name, obj)
            elif value is not None:
                value = format_value(value)
            result[key] = value
        return result

    @ma.pre_load(pass_collection=True)
    def refuse_nul_characters(self, data, **kwargs):
        """Refuse strings holding NUL, which PostgreSQL cannot store or compare."""
        if isinstance(data, Mapping):
            bad = sorted(str(key) for key, value in data.items() if _holds_nul(value))
            if bad:
                raise ma.ValidationError({key: ["NUL characters are not allowed."] for key in bad})
        return data


def _dump_step(name, field):
    """Return how the short path dumps ``field``: its key, what it reads, how it formats.

    The attribute is None where marshmallow's own path must read it; the format is None
    where the field's ``_serialize`` must do it (it then also sees None values).
    """
    attribute = name if field.attribute is None else field.attribute
    if not field._CHECK_ATTRIBUTE or "." in attribute:
        attribute = None
    key = name if field.data_key is None else field.data_key
    return key, attribute, name, field, _plain_format(field)


def _plain_format(field):
    """Return the one call formatting a value of a plain field (None stays None), or None."""
    kind = type(field)
    if kind in (fields.Integer, fields.Float) and not field.as_string:
        return field.num_type
    if kind is fields.String:
        return ensure_text_type
    if kind in (fields.DateTime, fields.Date):
        return field.SERIALIZATION_FUNCS.get(field.format or field.DEFAULT_FORMAT)
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


class Pagination(Schema):
    """Query arguments ``page`` and ``page_size`` (default 20, at most 100)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
