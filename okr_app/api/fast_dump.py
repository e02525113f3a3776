"""A schema base whose dumps take a short path, for the answers that dump many rows.

Marshmallow reads each value through five calls before the field formats it. Here a dump
reads the attribute, or the key of a plain dict, itself, and the plain field types format in
one call. What the short path cannot read the same way (a value that is not there, a dotted
``attribute``, mappings other than a plain dict, fields that read no attribute) goes through
marshmallow's own path, so the output is the same (tests/api/test_fast_dump.py holds it).
"""

from functools import cached_property, partial

from marshmallow import fields
from marshmallow.utils import ensure_text_type, missing

from okr_app.api.schemas import Schema


class FastDumpSchema(Schema):
    """A ``Schema`` whose dumps read each value in one step; the output is marshmallow's."""

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
