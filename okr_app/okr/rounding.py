"""How every number the API computes is rounded: to 2 decimals, halves up."""

import math

#: Decimals of computed percentages, rates, values and grades.
PLACES = 2


def rounded(number, places=PLACES):
    """Return ``number`` rounded to ``places`` decimals, halves up (None stays None).

    The scaled number is first rounded to 6 decimals, so that a mean that should be 62.5
    but comes out as 62.49999999999999 still rounds to 62.5, and 0.125 to 0.13.
    """
    if number is None:
        return None
    scale = 10**places
    return math.floor(round(number * scale, 6) + 0.5) / scale


def rounded_progress(progress, places=PLACES):
    """Return a progress percentage rounded as ``rounded``, never 100 short of 100.

    99.996 % is not done: it reads 99.99 (99.9 to one decimal), so that ``progress == 100``
    means done in every answer and on every page, as the pace's ``done`` does.
    """
    if progress is not None and progress < 100:
        progress = min(progress, 100 - 10**-places)
    return rounded(progress, places)
