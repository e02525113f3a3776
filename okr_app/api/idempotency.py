"""``Idempotency-Key``: a retried write gets its first answer again and changes nothing.

A write sent with the header claims the key for its caller (the user, or the client
address of a request without a login) in a short transaction of its own, committed at
once, so every worker and host sees it in flight. Its answer (status, body, ``Location``,
``ETag``) is stored by a step of the request's unit of work, in the transaction that
commits the change and its audit row; a 5xx answer, or any answer asking for a retry
(``Retry-After``), releases the key instead, as does a change rolled back because its audit
row could not be written (a concurrent change's deadlock, the database failing): the client
may retry at once with the same key. A request gives back only its own hold, and only
while no answer is stored under it (``Claim``). A later request with the key gets the stored
answer with ``Idempotent-Replayed: true`` and writes nothing; the same key with another
method, path or body is 422, and the key of a request still running is 409 with
``Retry-After``. A claim left by a request that never finished (a killed worker) is taken
over after ``CLAIM_SECONDS``.
"""

import hashlib
import json
import re
from datetime import datetime, timedelta
from functools import partial, wraps
from typing import NamedTuple

from flask import current_app, request
from flask_smorest import abort
from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from okr_app.api.auditing import before_commit, mark_replayed, on_unrecorded
from okr_app.extensions import db
from okr_app.models import IdempotencyKey
from okr_app.models.types import utcnow

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")
KEPT_HEADERS = ("Content-Type", "Location", "ETag")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: How long a first request holds its key; longer than any request may run.
CLAIM_SECONDS = 60
RETRY_AFTER_SECONDS = 1


def init_app(app):
    """Refuse malformed keys on every write."""
    app.before_request(check_key_form)


def check_key_form():
    """Refuse an ``Idempotency-Key`` that is not 1 to 255 visible ASCII characters (422)."""
    key = request.headers.get(HEADER)
    if key is None or request.method not in WRITE_METHODS or request.url_rule is None:
        return
    if not KEY_PATTERN.fullmatch(key):
        _refuse_key(422, "Must be 1 to 255 visible ASCII characters.")


def replayable(view, scope_of):
    """Wrap ``view`` so that a write with a key runs once; ``scope_of()`` names the caller.

    ``scope_of`` returns ``(scope, user_id)``: the caller's keys are theirs alone.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is not None and request.method in WRITE_METHODS:
            answer = claim(*scope_of(), key)
            if answer is not None:
                return answer
        return view(*args, **kwargs)

    return wrapper


def claim(scope, user_id, key, *, keep_refusals=True):
    """Take ``key`` for this request and return None, or return the answer it already has.

    ``keep_refusals=False`` stores only answers under 400: a refused request changed
    nothing, and its retry runs again (the web interface's forms, whose refusals are pages).
    """
    now = utcnow()
    lifetime = timedelta(seconds=current_app.config["OKR_IDEMPOTENCY_KEY_SECONDS"])
    values = {
        "user_id": user_id,
        "fingerprint": request_fingerprint(),
        "created_at": now,
        "expires_at": now + lifetime,
        "locked_until": now + timedelta(seconds=CLAIM_SECONDS),
        "status": None,
        "headers": None,
        "body": None,
    }
    claimed = _insert(scope, key, values)
    if claimed is None:
        claimed = _reuse(scope, key, values, now)
        if not isinstance(claimed, int):
            return claimed
    db.session.commit()  # visible to every worker now: a second request sees it in flight
    mine = Claim(claimed, values["locked_until"])
    before_commit(partial(complete, mine, keep_refusals=keep_refusals))
    on_unrecorded(partial(release, mine))
    return None


def _insert(scope, key, values):
    """Insert a new claim and return its id, or None when the caller has this key already."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(IdempotencyKey)
        .values(scope=scope, key=key, **values)
        .on_conflict_do_nothing(index_elements=["scope", "key"])
        .returning(IdempotencyKey.id)
    )
    return db.session.scalar(statement)


def _reuse(scope, key, values, now):
    """Return the stored answer, refuse the request, or take over an expired or dead claim."""
    record = db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
    )
    if record is not None and record.expires_at > now:
        if record.fingerprint != values["fingerprint"]:
            _refuse_key(422, "Already used for another request (method, path or body).")
        if record.status is not None:
            return replay(record)
        if record.locked_until > now:
            _refuse_key(409, "A request with this key is still running. Retry shortly.")
    if record is not None:
        taken = db.session.execute(
            update(IdempotencyKey)
            .where(
                IdempotencyKey.id == record.id,
                or_(
                    IdempotencyKey.expires_at <= now,
                    IdempotencyKey.status.is_(None) & (IdempotencyKey.locked_until <= now),
                ),
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            return record.id
    # Taken over, or purged, by another request at the same moment.
    _refuse_key(409, "A request with this key is still running. Retry shortly.")


def request_fingerprint():
    """Return SHA-256 over the method, the path with its query, and the body.

    A JSON body counts by its content as parsed, so a retry that spaces or orders it
    differently is the same request; so is one that adds or drops a trailing slash. A
    number keeps its kind: ``7.0`` is no ``7`` to a whole-number field, which refuses it.
    """
    body = request.get_json(silent=True)
    if body is None:
        content = request.get_data(cache=True)
    else:
        content = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256()
    # "/objectives/" is routed as "/objectives" (strict_slashes is off): the same request.
    path = (request.path.rstrip("/") or "/").encode()
    for part in (request.method.encode(), path, request.query_string, content):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


class Claim(NamedTuple):
    """A request's hold on a key: the row, and the end of the hold it wrote there."""

    id: int
    locked_until: datetime

    def held(self):
        """Return the clauses matching the row while this request's hold is on it.

        A request outliving its hold may find the key taken over by another (the same row,
        a later ``locked_until``), or its answer stored after all: it touches neither.
        """
        return (
            IdempotencyKey.id == self.id,
            IdempotencyKey.locked_until == self.locked_until,
            IdempotencyKey.status.is_(None),
        )


def release(claimed):
    """Give the key back: its request's change was not applied and may be retried at once.

    Only while the request still holds it with no answer stored: should the commit have
    gone through although the connection failed before saying so, the stored answer stays
    and the retry replays it.
    """
    db.session.execute(delete(IdempotencyKey).where(*claimed.held()))


def complete(claimed, response, *, keep_refusals=True):
    """Store the answer under its key (a step of the unit of work); release it on a 5xx.

    An answer with ``Retry-After`` (a write rolled back for a concurrent one's sake, 409;
    too many imports running, 429) asks for the retry: it releases the key too, so that
    the retry runs instead of replaying it.
    """
    retry = "Retry-After" in response.headers
    refused = response.status_code >= 400 and not keep_refusals
    if response.status_code >= 500 or retry or response.is_streamed or refused:
        release(claimed)
        return
    kept = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    db.session.execute(
        update(IdempotencyKey)
        .where(*claimed.held())
        .values(status=response.status_code, headers=kept, body=response.get_data())
        .execution_options(synchronize_session=False)
    )


def replay(record):
    """Return the stored answer again, marked as a replay; the request records nothing."""
    mark_replayed()
    response = current_app.response_class(record.body, status=record.status)
    response.headers.remove("Content-Type")
    for name, value in (record.headers or {}).items():
        response.headers[name] = value
    response.headers[REPLAYED_HEADER] = "true"
    return response


def _refuse_key(code, reason):
    """Answer ``code`` naming the ``Idempotency-Key`` header, in the API's error shape."""
    message = f"{HEADER}: {reason}"
    if code == 409:
        abort(409, message=message, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    abort(code, message=message, errors={"headers": {HEADER: [reason]}})


def purge_expired():
    """Delete the keys whose time is over; return how many went."""
    statement = delete(IdempotencyKey).where(IdempotencyKey.expires_at <= utcnow())
    return db.session.execute(statement).rowcount
