"""Every audited action that publishes an event is one some view declares, as a known type."""

from okr_app.audit.events import PUBLISHED_ACTIONS
from okr_app.models import EVENT_TYPES


def test_published_actions_are_declared_and_publish_known_types(app):
    declared = {getattr(view, "audit_action", None) for view in app.view_functions.values()}
    assert set(PUBLISHED_ACTIONS) <= declared
    assert set(PUBLISHED_ACTIONS.values()) <= set(EVENT_TYPES)
