"""Selecting a user's objectives by a request's filters: WHERE clauses and their values.

The clauses are built once per combination of filter names, with bound parameters, so the
statements made from them are built once too; the values travel as ``parameters``. The
objective list (``period``, ``status``, ``q``) and the statistics (``period``, ``on``,
``status``) both select through here.
"""

from functools import cache
from typing import NamedTuple

from sqlalchemy import bindparam

from okr_app.models import Objective

#: The escape character of the title search: ``q`` matches literally, % and _ included.
LIKE_ESCAPE = "/"


class Selection(NamedTuple):
    """The filters that apply (names, for caching statements) and the parameters to bind."""

    filters: tuple
    parameters: dict


def select_by(user_id, filters, names):
    """Return the ``Selection`` of the user's objectives by those of ``names`` in ``filters``."""
    applied = tuple(name for name in names if name in filters)
    parameters = {"user_id": user_id, **{name: filters[name] for name in applied}}
    if "q" in parameters:
        parameters["q"] = _escape_like(parameters["q"])
    return Selection(applied, parameters)


@cache
def clauses(filters):
    """Return the WHERE clauses selecting the user's objectives by the filters named."""
    where = [Objective.user_id == bindparam("user_id")]
    if "period" in filters:
        where.append(Objective.period == bindparam("period"))
    if "on" in filters:
        where += [Objective.start_date <= bindparam("on"), Objective.end_date >= bindparam("on")]
    if "status" in filters:
        where.append(Objective.status == bindparam("status"))
    if "q" in filters:
        where.append(Objective.title.icontains(bindparam("q"), escape=LIKE_ESCAPE))
    if "parent_id" in filters:
        where.append(Objective.parent_id == bindparam("parent_id"))
    if "top_level" in filters:
        # Compared in SQL as parent_id IS [NOT] NULL, chosen by the bound value.
        where.append((Objective.parent_id.is_(None)) == bindparam("top_level"))
    return where


def _escape_like(text):
    """Return ``text`` with LIKE's wildcards and the escape character escaped."""
    for character in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(character, LIKE_ESCAPE + character)
    return text
