"""What a view tells the audit trail: the action it performs, and what it acted on.

An audited view names its action once, with ``@audited(action)`` under ``@blp.route``, and
says what it acted on with ``attach``; a view acting on several resources (a batch) calls
``attach(..., add=True)`` once per resource, and each gets a row under the one action.
The audit hook (``okr_app.audit.hook``) reads the request's ``AuditEvent`` after the view,
writes its rows and commits the request's transaction with them; a request refused before
its view ran is recorded under the action the view declares.

Request plumbing may join that unit of work too: ``before_commit`` runs a step inside the
transaction just before the commit, ``on_unrecorded`` one after a rollback for want of the
audit row, and ``mark_replayed`` says that the answer repeats one already recorded, so the
request writes no row and commits nothing.
"""

from dataclasses import dataclass, field
from functools import wraps

from flask import current_app, g, request


@dataclass
class AuditEvent:
    """The audit row's account of one request, filled in by its view."""

    action: str
    resource_type: str | None = None
    resource_id: str | None = None
    details: dict = field(default_factory=dict)
    actor_id: int | None = None
    owner_id: int | None = None
    #: True when the view's changes must stand although it refuses the request.
    keep_changes: bool = False
    #: The rows of further resources a successful request acted on, under the same action.
    more: list = field(default_factory=list)
    #: The resource as the API answers it, for the webhook event of an answer that is not
    #: that resource (a web page's redirect); None: the event reads the answer itself.
    published: dict | None = None
    #: False where whoever sent the request is not who acts: a login or a registration.
    caller_acts: bool = True


def audited(action, *, caller_acts=True):
    """Declare the action a view's requests are recorded under, whatever their outcome.

    The row's actor is the one the view attaches, else the caller the request authenticated.
    A login or a registration is the act of the account it names (attached on success),
    never of a token or cookie sent along (``caller_acts=False``): a failed login is
    nobody's, so a signed-in caller cannot read off the trail whether an e-mail has an
    account.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            g.audit_event = AuditEvent(action, caller_acts=caller_acts)
            return view(*args, **kwargs)

        wrapper.audit_action = action
        wrapper.audit_caller_acts = caller_acts
        return wrapper

    return decorator


def attach(
    *,
    resource_type=None,
    resource_id=None,
    details=None,
    actor_id=None,
    owner_id=None,
    event=None,
    keep_changes=False,
    add=False,
    published=None,
):
    """Say what this request acted on; ``event`` names one of several outcomes (auth only).

    ``keep_changes`` commits the view's changes with the row even when the answer is a
    refusal; the view says why where it asks for it. ``add`` records one more resource
    instead of replacing what was attached: the first fills the request's row, each later
    one adds a row with the same action (written only when the request succeeds).
    ``published`` is the resource as the API would answer it, for the webhook event of a
    view whose answer is not that resource (the web interface's redirects).
    """
    audit = g.get("audit_event")
    if audit is None:
        raise RuntimeError(f"{request.endpoint} attaches audit details but is not @audited")
    if add and audit.resource_type is not None:
        audit.more.append(
            AuditEvent(
                audit.action,
                resource_type=resource_type,
                resource_id=None if resource_id is None else str(resource_id),
                details=details or {},
                actor_id=actor_id,
                owner_id=owner_id,
                published=published,
            )
        )
        return
    if event is not None:
        audit.action = event
    audit.resource_type = resource_type
    audit.resource_id = None if resource_id is None else str(resource_id)
    audit.details = details or {}
    audit.actor_id = actor_id
    audit.owner_id = owner_id
    audit.keep_changes = keep_changes
    audit.published = published


def before_commit(step):
    """Run ``step(response)`` in the request's transaction just before the audit hook commits.

    For bookkeeping that must stand or fall with the request's change and its row; it runs
    after a refused request's changes were rolled back. A step that raises undoes it all,
    as a row that cannot be written does.
    """
    g.setdefault("audit_steps", []).append(step)


def on_unrecorded(step):
    """Run ``step()`` in a transaction of its own if the change is rolled back for its row.

    That is, when the request's audit row could not be written (a deadlock, the database
    failing). For the undo of bookkeeping committed before the change, which its
    ``before_commit`` step would have settled. Should that transaction fail too, what the
    step undoes must expire by itself.
    """
    g.setdefault("audit_undo_steps", []).append(step)


def mark_replayed():
    """Say that the answer repeats one already recorded: no row, and nothing to commit."""
    g.audit_replayed = True


def request_event():
    """Return the request's ``AuditEvent``: its view's, else one under the declared action."""
    audit = g.get("audit_event")
    if audit is None:
        handler = _routed_view()
        audit = AuditEvent(
            getattr(handler, "audit_action", None) or f"request.{request.method.lower()}",
            caller_acts=getattr(handler, "audit_caller_acts", True),
        )
    return audit


def _routed_view():
    """Return the view function (or method) the request was routed to, or None."""
    view = current_app.view_functions.get(request.endpoint)
    return getattr(getattr(view, "view_class", None), request.method.lower(), view)
