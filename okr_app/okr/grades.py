"""Grades: how well a closed objective did, from 0.0 to 1.0."""

from okr_app.okr.rounding import rounded, rounded_progress


def grade(progress):
    """Return round(progress / 100, 2) with halves rounded up, of the progress as answered.

    ``progress`` (0 to 100) is taken as the answers show it, to 2 decimals
    (``rounded_progress``): 52.496 is answered 52.5 and grades 0.53, as 52.5 does, never
    0.52 beside it. Its rounding to 6 decimals first has a weighted mean that should be
    62.5 but comes out as 62.49999999999999 grade 0.63.
    """
    return rounded(rounded_progress(progress) / 100)


def average_grade(grades):
    """Return the mean of ``grades`` rounded to two decimals, or None when there are none."""
    grades = list(grades)
    if not grades:
        return None
    return rounded(sum(grades) / len(grades))
