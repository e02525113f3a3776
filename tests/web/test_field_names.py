"""The API's messages in the forms' words: labels for the field and kind names they mention."""

from okr_app.web.field_names import worded


def test_field_and_kind_names_read_as_the_forms_label_them():
    assert worded("Must differ from start_value.") == "Must differ from “Start value”."
    assert worded("range_max: Must not be below range_min.") == (
        "“Range to”: Must not be below “Range from”."
    )
    assert worded("Required for kind stay_above: the value now.") == (
        "Required for the kind “Stay above a threshold”: the value now."
    )
    assert worded({"value": ["Send exactly one of value, progress, delta and done."]}) == {
        "value": ["Enter a value."]
    }
    # Words that are no field names stay as they are, "value" and "increase" included.
    assert worded("The value would increase past 1e15.") == "The value would increase past 1e15."
