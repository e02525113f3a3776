"""Grades: how well a closed objective did, from 0.0 to 1.0."""

from okr_app.okr.rounding import rounded


def grade(progress):
    """Return round(progress / 100, 2) with halves rounded up: floor(progress + 0.5) / 100.

    ``progress`` (0 to 100) is first rounded to 6 decimals, so that a weighted mean that
    should be 62.5 but comes out as 62.49999999999999 still grades 0.63.
    """
    return rounded(progress / 100)


def average_grade(grades):
    """Return the mean of ``grades`` rounded to two decimals, or None when there are none."""
    grades = list(grades)
    if not grades:
        return None
    return rounded(sum(grades) / len(grades))
