"""ETags and ``If-Match``: optimistic concurrency for versioned rows.

A row's ETag names its ``version``. A write that sends ``If-Match`` proceeds only while the
tag is current; the write itself is conditional on the version in SQL (the models'
``version_id_col``), so of two writers holding the same tag exactly one succeeds.
"""

import hashlib

from flask import request
from flask_smorest import abort
from sqlalchemy import update
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import ETags
from werkzeug.http import quote_etag

from okr_app.extensions import db

IF_MATCH_PARAMETER = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": (
        "The ETag of the version this change is based on (optional); marked weak "
        '(`W/"..."`, as a compressing proxy marks it) it names the same version.'
    ),
    "schema": {"type": "string"},
}
ETAG_HEADER = {
    "ETag": {
        "description": "The version of the returned row; send it back as If-Match.",
        "schema": {"type": "string"},
    }
}
IF_MATCH_NOTE = (
    "Send `If-Match` with the `ETag` of the version you read to make the change conditional: "
    "if the row changed since, the answer is 412 and nothing changes. Without `If-Match` the "
    "change applies to the current version. 409 means another change to the same row was "
    "being written at the same moment; read it again and retry."
)


def etag(row):
    """Return the opaque tag of ``row``'s current version (unquoted)."""
    name = f"{row.__tablename__}:{row.id}:{row.version}"
    return hashlib.sha256(name.encode()).hexdigest()[:32]


def etag_header(row):
    """Return the ``ETag`` response header of ``row``."""
    return {"ETag": quote_etag(etag(row))}


def check_if_match(row, tags=None):
    """Answer 412 when ``tags`` (default: the request's ``If-Match``) hold none of ``row``'s.

    A web form sends the tag it was drawn from as ``tags``; no tags at all means no condition.
    A tag marked weak (``W/"..."``) matches too: a tag names the row's version, whatever
    the encoding of the answer that carried it, and nginx marks it weak when it compresses
    that answer (deploy/nginx.conf), so a client that accepts gzip only ever sees weak ones.
    """
    tags = request.if_match if tags is None else ETags(tags)
    if tags and not tags.contains_weak(etag(row)):
        abort(412, message="The row has changed since you read it. Read it again and retry.")


def flush_versioned():
    """Write pending changes; answer 412 or 409 when a concurrent write changed the version."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        if request.if_match:
            abort(412, message="The row has changed since you read it. Read it again and retry.")
        abort(409, message="The row was changed by another request at the same moment. Retry.")


def move_versions(model, *where):
    """Move the versions of the ``model`` rows ``where`` selects: tags read before go stale.

    For rows whose answers change with another row's change (an objective's key results,
    a parent listing its children); loaded ones take their new version.
    """
    db.session.execute(
        update(model)
        .where(*where)
        .values(version=model.version + 1)
        .execution_options(synchronize_session="fetch")
    )


def write_versioned(row, change, *args, tags=None):
    """Apply ``change(row, *args)`` to a locked row as a conditional write; return its result.

    The one write pipeline of every versioned row: ``If-Match`` (or the ``tags`` a web form
    sent) checked first (412), then the change, then a flush whose UPDATE matches the
    version read (409 or 412 when a concurrent write got there first).
    """
    check_if_match(row, tags)
    result = change(row, *args)
    flush_versioned()
    return result


def with_etag(row, **headers):
    """Return a view's answer: ``row`` with its ``ETag`` and any other ``headers``."""
    return row, {**etag_header(row), **headers}
