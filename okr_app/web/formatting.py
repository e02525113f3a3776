"""How the pages write numbers, percentages and moments."""


def number(value):
    """Return a number as people write it: 1,234.5 and 12 (never 12.0), two decimals at most."""
    if value is None:
        return "-"
    rounded = round(float(value), 2)
    if rounded.is_integer():
        return f"{int(rounded):,}"
    return f"{rounded:,.2f}".rstrip("0")


def percent(value):
    """Return a percentage with at most one decimal: "40 %", "61.3 %"."""
    if value is None:
        return "-"
    rounded = round(float(value), 1)
    return f"{int(rounded) if rounded.is_integer() else rounded} %"


def moment(value):
    """Return a UTC moment as "2026-11-25 12:00 UTC"."""
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def moment_input(value):
    """Return a moment as a ``datetime-local`` input's value, in UTC."""
    return value.strftime("%Y-%m-%dT%H:%M") if value else ""
