"""Periods: ``YYYY``, ``YYYY-Hn``, ``YYYY-Qn`` and ``YYYY-MM``, and the dates they span."""

import calendar
import re
from datetime import UTC, date, datetime, time

FIRST_YEAR = 1900
LAST_YEAR = 2999
# The same forms and year range as ``bounds``, for the OpenAPI document, where ``$`` ends the
# value. Python validates with ``bounds``: its full match refuses the trailing newline that
# ``re.match`` lets through before ``$``.
PATTERN = r"^(19[0-9]{2}|2[0-9]{3})(-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$"
ACCEPTED_FORMS = (
    "Use one of: YYYY (a year, e.g. 2026), YYYY-Hn (a half, n = 1 or 2, e.g. 2026-H2), "
    "YYYY-Qn (a quarter, n = 1 to 4, e.g. 2026-Q4) or YYYY-MM (a month, e.g. 2026-11), "
    f"with a year from {FIRST_YEAR} to {LAST_YEAR}."
)
_FORM = re.compile(r"([0-9]{4})(?:-(?:H([12])|Q([1-4])|(0[1-9]|1[0-2])))?")


def outside_refusal(day, start_date, end_date):
    """Return why ``day`` is refused for not lying in the period, or None (no day, or in it)."""
    if day is None or start_date <= day <= end_date:
        return None
    return f"Must lie in the period, {start_date} to {end_date}."


def first_moment(day):
    """Return the first moment (midnight UTC) of ``day``: where a period, or a day, begins."""
    return datetime.combine(day, time(), UTC)


def bounds(period):
    """Return ``(start_date, end_date)`` of ``period``; raise ValueError naming the forms.

    A year runs from 1 January to 31 December, a half from January or July for six months,
    a quarter from January, April, July or October for three months, a month is itself.
    """
    match = _FORM.fullmatch(period) if isinstance(period, str) else None
    if match is None or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        raise ValueError(f"{period!r} is not a period. {ACCEPTED_FORMS}")
    year, half, quarter, month = match.groups()
    year = int(year)
    if half:
        first_month, months = 6 * int(half) - 5, 6
    elif quarter:
        first_month, months = 3 * int(quarter) - 2, 3
    elif month:
        first_month, months = int(month), 1
    else:
        first_month, months = 1, 12
    last_month = first_month + months - 1
    last_day = calendar.monthrange(year, last_month)[1]
    return date(year, first_month, 1), date(year, last_month, last_day)


def moved_day(day, start_date, new_start_date, new_end_date):
    """Return ``day`` as far into a new period as it was into the one from ``start_date``.

    None stays None; a day past the new period's end becomes its last day.
    """
    if day is None:
        return None
    return min(new_start_date + (day - start_date), new_end_date)


def quarter_of(day):
    """Return the quarter holding ``day``, e.g. ``2026-Q4`` for 25 November 2026."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
