"""The request's unit of work: its changes and its audit row commit together, once.

One ``after_request`` hook ends every state-changing request (and any request whose view
attached an audit event) that reached a route: requests to no route or with a method no
route takes (404, 405) and requests refused by the rate limiter (429) write no row. A
successful request's row joins its transaction, so the change and the row commit together
or not at all; so does the outbox row of the event it publishes for webhooks
(``okr_app.audit.events``), if any. A refused or failed request's changes are rolled back
(unless its view asked to keep them) and its row commits alone, without an event. After the
commit the session is closed: nothing touches the database any more, and what the log and
the metrics need was captured as plain values before. Each request gets exactly one row:
should anything fail after the commit and Flask run the hooks again for its error answer,
the committed answer is the one the client gets.

Two extension points let request plumbing join the unit of work without depending on the
order of hooks (``okr_app.api.auditing``): steps given to ``before_commit`` run inside the
transaction just before the commit, after a refused request's changes were rolled back
(the idempotency record is completed there, so it stands or falls with the change and its
row); and a request marked with ``mark_replayed`` repeats an answer already recorded, so
it writes no row and commits nothing. A successful view that attached several resources
gets one row for each, in the order attached. Two small transactions may come before the
view and commit on their own, as they must be seen by other workers whatever the request
does: the claim of an ``Idempotency-Key`` and a personal access token's ``last_used_at``.
"""

from flask import current_app, g, jsonify, request
from prometheus_client import Counter
from sqlalchemy.exc import OperationalError

from okr_app.api.auditing import request_event
from okr_app.api.errors import write_conflict
from okr_app.api.hooks import forget_when_requests_start
from okr_app.api.ratelimit import refused_by_limit
from okr_app.audit import chain
from okr_app.audit.events import published_row
from okr_app.audit.recording import request_row
from okr_app.database import conflicts
from okr_app.extensions import db

#: ``app.extensions`` key of the pages that answer an unrecorded change, by blueprint.
UNRECORDED_PAGES = "okr_unrecorded_pages"

AUDITED_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
AUDIT_ROWS = Counter("okr_audit_rows_total", "Audit rows written.", ["outcome"])


def init_app(app):
    """Install the hook."""
    forget_when_requests_start(
        app, "audit_event", "audit_done", "audit_steps", "audit_undo_steps", "audit_replayed"
    )
    app.after_request(finish_request)


def finish_request(response):
    """Commit the request's changes with its audit row, or refuse the change."""
    # The request and its globals, each looked up once (``docs/PERFORMANCE.md``).
    current, kept = request._get_current_object(), g._get_current_object()
    if "audit_done" in kept:
        # Flask runs the hooks again for an error answer made after this one ran.
        return response if kept.audit_done is None else kept.audit_done
    if current.method not in AUDITED_METHODS and "audit_event" not in kept:
        return response
    if current.url_rule is None or refused_by_limit(response):
        # No route, no such method, or over the rate limit: nothing was attempted on any
        # resource, so no row; an anonymous flood must not grow the trail (see README).
        return response
    kept.audit_done = None
    if kept.get("audit_replayed"):
        _discard()
        _release()
        kept.audit_done = response
        return response
    event = request_event()
    success = response.status_code < 400
    try:
        if not (success or event.keep_changes):
            db.session.rollback()
        for step in kept.get("audit_steps", ()):
            step(response)
        # The view's pending ORM changes reach the database before the chain's head is
        # locked, as everywhere: rows first, then the head, in every request.
        db.session.flush()
        events = [event, *event.more] if success else [event]
        rows = [request_row(each, response.status_code) for each in events]
        for each, fields in zip(events, rows, strict=True):
            published = published_row(each, response, fields["owner_id"]) if success else None
            chain.append(fields, along=published)
        _commit()
    except Exception as error:
        _discard()
        if conflicts.is_write_conflict(error):
            current_app.logger.warning("write conflict while recording; changes rolled back")
        else:
            current_app.logger.exception("audit row could not be written; changes rolled back")
        _undo_bookkeeping()
        return _unrecorded(error) if success else response
    AUDIT_ROWS.labels(rows[0]["outcome"]).inc(len(rows))
    _release()
    kept.audit_done = response
    return response


def _undo_bookkeeping():
    """Run the request's ``on_unrecorded`` steps after its rollback, and commit them."""
    steps = g.get("audit_undo_steps", ())
    if not steps:
        return
    try:
        for step in steps:
            step()
        db.session.commit()
    except Exception:  # the answer stands; what the steps undo expires by itself
        _discard()
        current_app.logger.warning("could not undo the bookkeeping of an unrecorded change")


def _commit():
    """Commit, leaving the loaded objects as they are: the session is closed next.

    Expiring them (SQLAlchemy's default) would only prepare reloads that nothing may make.
    """
    session = db.session()
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring


def _release():
    """Give the connection back now, so that nothing after the commit can use it."""
    try:
        db.session.close()
    except Exception:  # the commit stands; a connection lost since is the pool's to replace
        current_app.logger.warning("the session could not be closed after the commit")


def _discard():
    """Roll back whatever the failed attempt left, even on a connection that is gone."""
    try:
        db.session.rollback()
    except Exception:
        current_app.logger.warning("rollback failed after an unrecorded change")


def answer_in_pages(app, blueprint_name, page):
    """Let ``page(error)`` answer a change of that blueprint rolled back for want of its row.

    The web interface answers its forms in pages of its own, never the API's JSON.
    """
    app.extensions.setdefault(UNRECORDED_PAGES, {})[blueprint_name] = page


def _unrecorded(error):
    """Return the answer for a change that was rolled back for want of its row.

    JSON, or the page a blueprint that answers in pages registered (``answer_in_pages``).
    """
    page = current_app.extensions.get(UNRECORDED_PAGES, {}).get(request.blueprint)
    if page is not None:
        failure = page(error)
    elif conflicts.is_write_conflict(error):
        failure = current_app.make_response(write_conflict())
    else:
        unavailable = isinstance(error, OperationalError)
        failure = jsonify(
            code=503 if unavailable else 500,
            status="Service Unavailable" if unavailable else "Internal Server Error",
            message="The change could not be recorded and was not applied.",
        )
        failure.status_code = 503 if unavailable else 500
    failure.headers["X-Request-ID"] = g.get("request_id", "")
    return failure
