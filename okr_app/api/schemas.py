"""Schema building blocks shared by every area: the base schema and common fields."""

import math
import re
from collections.abc import Mapping
from datetime import UTC, timedelta
from itertools import combinations

import marshmallow as ma
from marshmallow import fields, validate

from okr_app.models.types import MAX_ID
from okr_app.okr.rounding import rounded, rounded_progress


class Schema(ma.Schema):
    """Base schema: unknown fields, and values no database driver can store, are refused."""

    class Meta:  # noqa: D106
        unknown = ma.RAISE

    @ma.pre_load(pass_collection=True)
    def refuse_unstorable_values(self, data, **kwargs):
        """Refuse NUL characters, lone surrogates and integers beyond 64 bits, by field.

        PostgreSQL cannot store NUL; no UTF-8 encoder (the database drivers', the password
        hasher's) accepts a lone surrogate, which a JSON escape (U+D800) produces; and no
        column or float holds an integer of more than 64 bits. NaN and infinities (which a
        number too large for a float becomes) are no measurement either.
        """
        if isinstance(data, Mapping):
            errors = {}
            for key, value in data.items():
                problem = unstorable(value)
                if problem:
                    errors[str(key).encode("utf-8", "replace").decode()] = [problem]
            if errors:
                raise ma.ValidationError(errors)
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


NUL_REFUSED = "NUL characters are not allowed."
SURROGATE_REFUSED = "Lone surrogate characters are not allowed (not valid Unicode text)."
TOO_LARGE_REFUSED = "Number too large."
NOT_FINITE_REFUSED = "NaN and infinite numbers are not allowed."
#: What ``refuse_unstorable_values`` answers, whatever the field.
UNSTORABLE_REFUSALS = frozenset(
    {NUL_REFUSED, SURROGATE_REFUSED, TOO_LARGE_REFUSED, NOT_FINITE_REFUSED}
)

#: The largest integer magnitude a request may carry anywhere (a signed 64-bit integer).
INTEGER_LIMIT = 2**63


class OversizedInteger:
    """An integer literal too long to read: the JSON parser's stand-in for it."""

    #: Longer literals are not even converted (Python refuses those over 4,300 digits).
    MAX_DIGITS = 40


def parse_integer(literal):
    """Read a JSON integer literal, giving ``OversizedInteger`` for an absurdly long one."""
    if len(literal) > OversizedInteger.MAX_DIGITS:
        return OversizedInteger()
    return int(literal)


def unstorable(value):
    """Return why ``value`` (searched through lists and objects) cannot be stored, or None."""
    if isinstance(value, str):
        if "\x00" in value:
            return NUL_REFUSED
        if any("\ud800" <= character <= "\udfff" for character in value):
            return SURROGATE_REFUSED
        return None
    if isinstance(value, OversizedInteger) or (
        isinstance(value, int) and not -INTEGER_LIMIT <= value < INTEGER_LIMIT
    ):
        return TOO_LARGE_REFUSED
    if isinstance(value, float) and not math.isfinite(value):
        return NOT_FINITE_REFUSED
    if isinstance(value, Mapping):
        values = list(value.keys()) + list(value.values())
    elif isinstance(value, list):
        values = value
    else:
        return None
    return next((problem for problem in map(unstorable, values) if problem), None)


#: What ``str.strip`` removes, as a JSON Schema (ECMA-262) character class holds it.
WHITESPACE = (
    "\\t\\n\\u000b\\f\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000"
)
#: The ``pattern`` of a string that must hold something besides whitespace, and no NUL
#: (which every string refuses, ``okr_app.api.spec.NO_NUL``).
NOT_BLANK = f"^[^\\u0000]*[^\\u0000{WHITESPACE}][^\\u0000]*$"


class Trimmed(fields.String):
    """A string with surrounding whitespace removed before validation.

    One that must not be empty is documented with ``NOT_BLANK``: whitespace alone, which
    trims to nothing, is refused like an empty string.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        lengths = [rule for rule in self.validators if isinstance(rule, validate.Length)]
        if any(rule.min for rule in lengths):
            self.metadata.setdefault("pattern", NOT_BLANK)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class FiniteNumber(fields.Float):
    """A float that refuses NaN, infinities and magnitudes over 1e15."""

    LIMIT = 1e15

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_nan", False)
        kwargs.setdefault(
            "validate",
            validate.Range(
                min=-self.LIMIT, max=self.LIMIT, error="Must lie between -1e15 and 1e15."
            ),
        )
        super().__init__(**kwargs)


FIRST_YEAR = 1900
LAST_YEAR = 2999
YEARS = f"Must lie between the years {FIRST_YEAR} and {LAST_YEAR}"


class Timestamp(fields.AwareDateTime):
    """An ISO 8601 moment from year 1900 to 2999 in UTC, returned in UTC; naive values are UTC."""

    FIRST_YEAR = FIRST_YEAR
    LAST_YEAR = LAST_YEAR

    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        # A first look before the conversion, which overflows near year 1 or 9999; the
        # range holds in UTC, what is stored and what the import checks again.
        if FIRST_YEAR <= moment.year <= LAST_YEAR:
            moment = moment.astimezone(UTC)
            if FIRST_YEAR <= moment.year <= LAST_YEAR:
                return moment
        raise ma.ValidationError(f"{YEARS} (in UTC).")


class Day(fields.Date):
    """An ISO 8601 day from year 1900 to 2999: days around it are computed without overflow."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ma.ValidationError(f"{YEARS}.")
        return day


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


def check_window(data):
    """Refuse a ``since``/``until`` window that ends before it starts (422 naming ``until``)."""
    if "since" in data and "until" in data and data["until"] < data["since"]:
        raise ma.ValidationError("Must not be earlier than since.", "until")


def id_field(**kwargs):
    """Return an integer field for a row id: 1 to the largest id the database can hold."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class Rounded(fields.Float):
    """A number the API computes: answered rounded to 2 decimals, halves up; read as sent."""

    rounding = staticmethod(rounded)

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(self.rounding(value), attr, obj, **kwargs)


class RoundedProgress(Rounded):
    """A progress percentage: answered rounded as ``Rounded``, never 100 short of 100."""

    rounding = staticmethod(rounded_progress)


PROGRESS_RANGE = validate.Range(min=0, max=100)


def progress_field(**kwargs):
    """Return a progress percentage field, 0 to 100, answered rounded to 2 decimals."""
    return RoundedProgress(allow_nan=False, validate=PROGRESS_RANGE, **kwargs)


def exactly_one_of(*names):
    """Return the JSON Schema (for a schema's ``OPENAPI``) that exactly one of ``names`` is sent.

    Written with ``not`` (not two of them, and not none): a ``oneOf`` would cost generated
    clients their typed body.
    """
    pairs = [{"required": list(pair)} for pair in combinations(names, 2)]
    none = {"not": {"anyOf": [{"required": [name]} for name in names]}}
    return {"not": {"anyOf": [*pairs, none]}}
