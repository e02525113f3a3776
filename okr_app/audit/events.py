"""What a successful request publishes: its audit action as a webhook event, in the outbox.

The unit of work (``okr_app.audit.hook``) calls ``publish_request`` with the audit row, in
the same transaction: the event exists exactly when the change commits. Its data is the
resource as the API answered it (the response body), or its id for a deletion.
"""

from okr_app.models.outbox import publish

#: The audited actions that publish an event, and the event type each publishes.
PUBLISHED_ACTIONS = {
    "objective.created": "objective.created",
    "objective.copied": "objective.created",
    "objective.updated": "objective.updated",
    "objective.deleted": "objective.deleted",
    "objective.closed": "objective.closed",
    "objective.reopened": "objective.reopened",
    "key_result.created": "key_result.created",
    "key_result.updated": "key_result.updated",
    "key_result.deleted": "key_result.deleted",
    "check_in.created": "check_in.created",
}


def publish_request(event, response, owner_id):
    """Record the event of a successful request in the outbox, if its action publishes one."""
    event_type = PUBLISHED_ACTIONS.get(event.action)
    if event_type is None or owner_id is None:
        return
    if response.status_code == 204 or not response.is_json:
        data = {"id": int(event.resource_id)}
    else:
        data = response.get_json()
    publish(event_type, owner_id, data)
