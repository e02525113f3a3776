"""Rows a statement returned, made into the ORM objects the session would have loaded.

For a row read or written by a Core statement (one that names columns, not entities)
whose answer still needs the ORM object: building it this way costs a fraction of the
ORM's loading. The values go straight into the object's state, without the attribute
events a constructor fires for each one: they are what the database holds, not changes.
"""

import functools

from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state


def column_values(model, mapping):
    """Return the values of ``model``'s columns in ``mapping`` (a row's, with more keys)."""
    return {name: mapping[name] for name in _column_keys(model)}


@functools.cache
def _column_keys(model):
    """Return the keys of ``model``'s columns, read once."""
    return tuple(column.key for column in model.__table__.columns)


def loaded(session, model, fields):
    """Return the ``model`` row ``fields`` describe, in ``session``, as if it had loaded it.

    A row the session holds already is returned as it stands, changes included, as the
    ORM's loading does. Columns left out are unloaded: reading one loads it, as after
    ``load_only``.
    """
    present = session.identity_map.get(session.identity_key(model, fields["id"]))
    if present is not None:
        return present
    row = detached(model, fields)
    session.add(row)
    return row


def detached(model, fields):
    """Return the ``model`` row ``fields`` describe, as loaded, in no session.

    For rows only an answer reads: adding them to the session would cost more than
    building them, and nothing else in the request may meet them there. Reading a column
    left out raises ``DetachedInstanceError`` instead of loading it.
    """
    row = model.__mapper__.class_manager.new_instance()
    instance_state(row).dict.update(fields)
    make_transient_to_detached(row)
    return row
