"""What a view tells the audit hook about the request it handled."""

from flask import g


def describe(
    action, *, resource_type=None, resource_id=None, details=None, actor_id=None, owner_id=None
):
    """Name the audited action of this request; the after-request hook writes the row."""
    g.audit_event = {
        "action": action,
        "resource_type": resource_type,
        "resource_id": None if resource_id is None else str(resource_id),
        "details": details or {},
        "actor_id": actor_id,
        **({"owner_id": owner_id} if owner_id is not None else {}),
    }


def current_event():
    """Return what the view described, or None."""
    return g.get("audit_event")


def audited(action):
    """Declare the action name a view's requests are recorded under, whatever the outcome."""

    def decorator(view):
        view.audit_action = action
        return view

    return decorator


def declared_action(view_functions, endpoint, method):
    """Return the action declared with ``audited`` for the view that handled the request."""
    view = view_functions.get(endpoint)
    handler = getattr(getattr(view, "view_class", None), method.lower(), view)
    return getattr(handler, "audit_action", None)
