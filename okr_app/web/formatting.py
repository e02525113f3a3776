"""How the pages write moments and counts, and the kinds they offer.

Numbers, percentages and goals are written as ``okr_app.okr.wording`` says, the
calendar feed's included.
"""

#: The kind select's options: ``(value, label)``, the empty one first (new key results).
KIND_CHOICES = (
    ("", "Increase or decrease, from start and target"),
    ("increase", "Increase: from start up to target"),
    ("decrease", "Decrease: from start down to target"),
    ("stay_above", "Stay above a threshold"),
    ("stay_below", "Stay below a threshold"),
    ("stay_in_range", "Stay in a range"),
    ("milestone", "Milestone: done or not"),
)


def counted(count, singular, plural=None):
    """Return "1 day", "3 days": ``count`` with the word in the number it takes."""
    word = singular if count == 1 else plural or singular + "s"
    return f"{count:,} {word}"


def moment(value):
    """Return a UTC moment as "2026-11-25 12:00 UTC"."""
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def moment_input(value):
    """Return a moment as a ``datetime-local`` input's value, in UTC."""
    return value.strftime("%Y-%m-%dT%H:%M") if value else ""
