"""The schemas' short dump path answers exactly what marshmallow's own path answers."""

from collections import namedtuple
from datetime import UTC, date, datetime
from types import SimpleNamespace

import marshmallow as ma
import pytest
from marshmallow import fields

from okr_app.api.fast_dump import FastDumpSchema
from okr_app.api.schemas import Timestamp

MOMENT = datetime(2026, 11, 25, 16, 30, 5, 123456, tzinfo=UTC)


def schema_classes(base):
    """Return a nested schema exercising every kind of field, built on ``base``."""

    class Child(base):
        id = fields.Integer()
        label = fields.String(data_key="name")

    class Parent(base):
        id = fields.Integer()
        count = fields.Integer(as_string=True)
        share = fields.Float()
        title = fields.String()
        note = fields.String(allow_none=True)
        at = fields.DateTime()
        day = fields.Date()
        stamp = fields.DateTime(format="%Y/%m/%d")
        aware = Timestamp()
        flag = fields.Boolean()
        extra = fields.Dict()
        fallback = fields.String(dump_default="unset")
        renamed = fields.Integer(attribute="other")
        dotted = fields.String(attribute="child.label")
        child = fields.Nested(Child, allow_none=True)
        children = fields.List(fields.Nested(Child))
        many_children = fields.Nested(Child, many=True)
        constant = fields.Constant("always")
        method = fields.Method("describe")
        items = fields.String()

        def describe(self, obj):
            return "described"

    return Parent


OURS = schema_classes(FastDumpSchema)()
MARSHMALLOW = schema_classes(ma.Schema)()


def full_values():
    """Return a value for every field (and a nested child with its own)."""
    child = {"id": 7, "label": "seven"}
    return {
        "id": 1,
        "count": 12,
        "share": 3,
        "title": b"bytes become text",
        "note": None,
        "at": MOMENT,
        "day": date(2026, 11, 25),
        "stamp": MOMENT,
        "aware": MOMENT,
        "flag": 1,
        "extra": {"a": [1, 2]},
        "fallback": "set",
        "other": 5,
        "child": child,
        "children": [child, {"id": 8, "label": None}],
        "many_children": [child],
        "items": "an item",
    }


def as_objects(values):
    """Return ``values`` as attribute objects, children included."""
    objects = dict(values)
    if values.get("child") is not None:
        objects["child"] = SimpleNamespace(**values["child"])
    for name in ("children", "many_children"):
        if values.get(name) is not None:
            objects[name] = [SimpleNamespace(**item) for item in values[name]]
    return objects


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda values: values, id="dict"),
        pytest.param(lambda values: SimpleNamespace(**as_objects(values)), id="object"),
        pytest.param(
            lambda values: namedtuple("Row", values)(**as_objects(values)), id="namedtuple"
        ),
    ],
)
@pytest.mark.parametrize(
    "drop",
    [(), ("fallback", "note", "child", "items"), ("id", "at", "children", "other")],
    ids=["all", "some-absent", "others-absent"],
)
def test_a_dump_matches_marshmallow(make, drop):
    values = {name: value for name, value in full_values().items() if name not in drop}
    obj = make(values)
    assert OURS.dump(obj) == MARSHMALLOW.dump(obj)
    assert OURS.dump([obj, obj], many=True) == MARSHMALLOW.dump([obj, obj], many=True)


def test_none_values_dump_as_marshmallow_does():
    values = dict.fromkeys(full_values())
    for obj in (values, SimpleNamespace(**values)):
        assert OURS.dump(obj) == MARSHMALLOW.dump(obj)


def test_the_short_path_formats_what_it_reads():
    dumped = OURS.dump(SimpleNamespace(**as_objects(full_values())))
    assert dumped["share"] == 3.0
    assert isinstance(dumped["share"], float)
    assert dumped["count"] == "12"
    assert dumped["title"] == "bytes become text"
    assert dumped["at"] == "2026-11-25T16:30:05.123456+00:00"
    assert dumped["stamp"] == "2026/11/25"
    assert dumped["day"] == "2026-11-25"
    assert dumped["renamed"] == 5
    assert dumped["dotted"] == "seven"
    assert dumped["child"] == {"id": 7, "name": "seven"}
    assert dumped["constant"] == "always"
    assert dumped["method"] == "described"
    # A dict key named like a dict method, or like a dotted attribute, is read as
    # marshmallow reads it.
    assert OURS.dump({"items": "x"})["items"] == "x"
    assert "items" not in OURS.dump(SimpleNamespace())
    tricky = {"child.label": "flat", "child": {"label": "nested"}}
    assert OURS.dump(tricky)["dotted"] == MARSHMALLOW.dump(tricky)["dotted"] == "nested"
