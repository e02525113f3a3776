"""Reading a posted form with the API's own schemas, and showing refusals next to fields.

A form field carries the name of the API's body field, so a refused value gets the very
message the API would give, placed next to its input.
"""

import json
import re
from dataclasses import dataclass, field

from flask import request
from marshmallow import ValidationError
from marshmallow.fields import Number
from werkzeug.exceptions import HTTPException

from okr_app.api.schemas import FormValues
from okr_app.extensions import db
from okr_app.okr.kinds import FIELDS, KIND_FIELDS
from okr_app.web.field_names import worded

#: A whole number as a form may send one: ASCII digits ("²" is a digit to Python), one sign.
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,19}")
#: What the API says of an emptied number.
NOT_A_NUMBER = Number.default_error_messages["invalid"]
#: Fields every form carries that are not part of the body: the CSRF token, the row's tag
#: and the values the form was drawn with, the submission's key.
FORM_ONLY = frozenset({"csrf_token", "etag", "drawn", "submission"})


@dataclass
class Form:
    """What a form page shows: the values typed, the errors by field and a message.

    An edit form also carries the version it was drawn from: ``tag`` (its ETag) and
    ``drawn`` (the values its fields showed then). Both are kept across a refusal, so that
    a save after fixing a field is still checked against the version the user saw, and a
    form refused with 412 (``stale``) is shown against the current version by ``rebased``.
    """

    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    message: str | None = None
    drawn: dict | None = None
    tag: str | None = None
    stale: bool = False

    def error(self, name):
        """Return the messages for field ``name`` joined, or an empty string."""
        return " ".join(_flat(self.errors.get(name) or []))

    def rebased(self, current, labels, what, together=(), shown_as=None):
        """Return a stale edit form as shown beside ``current``, the stored version's values.

        A field the user left as it was drawn shows its current value, so that saving again
        keeps what was changed elsewhere; a field the user changed keeps the typed value,
        with a note beside it when it was changed elsewhere too. The fields of a group of
        ``together`` (a key result's kind and the fields that define it) are kept as typed
        as a whole once the user changed any of them: a value typed for one kind is not
        shown beside another kind chosen elsewhere. The message names the fields changed
        elsewhere; the form is then drawn from the current version. ``shown_as(name,
        value)`` writes a value in a note as the field shows it (a select's label). A form
        that is not stale, or whose drawn values are unknown, is returned as it is.
        """
        if not self.stale or self.drawn is None:
            return self
        before = {name: self.drawn.get(name, now) for name, now in current.items()}
        typed = {name: self.values.get(name, before[name]) for name in current}
        if all(_same(typed[name], now) for name, now in current.items()):
            # A second click on Save, or the same change saved from another tab.
            message = (
                f"This {what} already holds every value of this form (saved by an earlier "
                "click or from another tab), so there was nothing more to save."
            )
            return Form(dict(current), {}, message, drawn=dict(current))
        changed = {name for name in current if not _same(typed[name], before[name])}
        kept = changed.union(*(group for group in together if changed.intersection(group)))
        shown, errors = {}, {}
        for name, now in current.items():
            shown[name] = typed[name] if name in kept else now
            if name in kept and not _same(before[name], now) and not _same(typed[name], now):
                shown_now = shown_as(name, now) if shown_as else now
                elsewhere = (
                    f"Changed elsewhere to “{shown_now}”" if now.strip() else "Emptied elsewhere"
                )
                errors[name] = [f"{elsewhere}; saving again keeps the value shown here."]
        theirs = [labels[name] for name in current if not _same(before[name], current[name])]
        mine = [labels[name] for name in current if name in changed]
        message = [
            f"This {what} was changed elsewhere (in another tab or window) after you opened "
            "this form, so nothing was saved."
        ]
        if theirs:
            message.append(f"Changed there: {_listed(theirs)}; the form shows the new values.")
        if mine:
            message.append(f"Your changes ({_listed(mine)}) are kept: save again to apply them.")
        return Form(shown, errors, " ".join(message), drawn=dict(current))


def _same(one, other):
    """Tell whether two values of a form field say the same (line breaks as browsers send)."""
    return one.replace("\r\n", "\n").strip() == other.replace("\r\n", "\n").strip()


def _listed(names):
    """Return ``["A", "B", "C"]`` as ``"A, B and C"``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _version():
    """Return what the posted form says of the version it was drawn from, to keep on a refusal.

    ``drawn`` is read only when it is a JSON object of strings; anything else counts as
    absent, as on a form that carries none.
    """
    try:
        drawn = json.loads(request.form.get("drawn") or "null")
    except (ValueError, RecursionError):  # not JSON, or nested past Python's limit
        drawn = None
    if not (isinstance(drawn, dict) and all(isinstance(v, str) for v in drawn.values())):
        drawn = None
    return {"drawn": drawn, "tag": request.form.get("etag") or None}


def _flat(messages):
    """Return the messages of a field, those of a list's items included, in order."""
    if isinstance(messages, dict):  # a list field's errors, by item index
        return [text for key in sorted(messages, key=str) for text in _flat(messages[key])]
    if isinstance(messages, list | tuple):
        return [text for item in messages for text in _flat(item)]
    return [str(messages)]


def posted(names=None):
    """Return the posted fields (those in ``names`` if given) without the form-only ones."""
    return {
        name: value
        for name, value in request.form.items()
        if name not in FORM_ONLY and (names is None or name in names)
    }


def load(schema, values, *, empty_is_none=(), integers=(), kept=()):
    """Load ``values`` through ``schema``: ``(data, None)`` or ``(None, Form with errors)``.

    Empty inputs are left out (the schema's defaults apply), except those named in
    ``empty_is_none``, which mean "no value" (a description cleared), and those named in
    ``kept``, an edit form's fields that always hold a value: sent empty, so that clearing
    one is refused beside it instead of leaving it as it was. Those named in ``integers``
    are sent as JSON numbers when they are whole numbers, since the API's strict integer
    fields refuse a string (anything else reaches the schema as typed).
    """
    body = {}
    for name, value in values.items():
        if name not in schema.fields:
            continue
        if value.strip():
            body[name] = integer(value) if name in integers else value
        elif name in empty_is_none:
            body[name] = None
        elif name in kept:
            body[name] = value
    data, form = check(schema, body, values)
    for name in kept if form is not None else ():
        # An emptied number is "not a valid number" to the API; the form says what it needs.
        if name in body and not body[name].strip() and form.errors.get(name) == [NOT_A_NUMBER]:
            form.errors[name] = ["Required: enter a number."]
    return data, form


def check(schema, body, values):
    """Load a built ``body`` through ``schema``; refusals go next to the fields of ``values``."""
    try:
        return schema.load(FormValues(body)), None
    except ValidationError as error:
        errors = worded(error.messages) if isinstance(error.messages, dict) else {}
        return None, Form(values, errors, "Please correct the fields marked below.", **_version())


def integer(value):
    """Return ``value`` as an int when it is written as one (``" 7 "``), else unchanged."""
    text = value.strip()
    if WHOLE_NUMBER.fullmatch(text):
        return int(text)
    return value


def natural_number(text, most_digits):
    """Return ``text`` as a whole number from 0 when written in ASCII digits, else None.

    At most ``most_digits`` of them; Python's ``isdigit`` alone takes "²", which ``int``
    does not.
    """
    if text and len(text) <= most_digits and text.isascii() and text.isdigit():
        return int(text)
    return None


def attempt(work, *args, **kwargs):
    """Run ``work``; return ``(result, None)``, or ``(None, error)`` when it was refused.

    A refusal (an ``abort`` of the API's rules) is rolled back at once, so the page shown
    next holds nothing of it; a 404 (another user's row) goes on to the 404 page.
    """
    try:
        return work(*args, **kwargs), None
    except HTTPException as error:
        if error.code == 404:
            raise
        db.session.rollback()
        return None, error


def refused(error, values, stale=None):
    """Return the ``Form`` showing an API refusal: its message (``stale`` for 412) and fields.

    A form refused with 412 is ``stale``: drawn from a version since changed, it is shown
    against the current one (``Form.rebased``) and carries that version's tag; any other
    refusal keeps the version the form was drawn from.
    """
    data = getattr(error, "data", None) or {}
    errors = worded((data.get("errors") or {}).get("json") or {})
    if error.code == 412 and stale:
        return Form(values, errors, stale, drawn=_version()["drawn"], stale=True)
    return Form(values, errors, worded(data.get("message") or error.description), **_version())


def tags():
    """Return the tag the form was drawn from, as the list ``If-Match`` would give."""
    return [request.form.get("etag", "")]


def for_kind(values, prefix=""):
    """Return ``values`` without the defining fields the chosen kind does not take.

    The forms show the fields of every kind; only those of the kind chosen are sent on,
    so a value left in another kind's field is not refused.
    """
    kind = (values.get(prefix + "kind") or "").strip()
    if kind not in FIELDS:
        return values
    dropped = {prefix + name for name in KIND_FIELDS if name not in FIELDS[kind]}
    return {name: value for name, value in values.items() if name not in dropped}


def always_set(values):
    """Return the defining fields the chosen kind always holds (all but a milestone's day)."""
    kind = (values.get("kind") or "").strip()
    return tuple(name for name in FIELDS.get(kind, ()) if name != "due_on")


def milestone_check_in(values):
    """Add ``done`` from a milestone's checkbox: checked is true, unchecked false."""
    if request.form.get("milestone"):
        return {**values, "done": "true" if request.form.get("done") else "false"}
    return values
