"""What a successful request publishes: its audit action as a webhook event, in the outbox.

The unit of work (``okr_app.audit.hook``) writes the ``published_row`` of a request with its
audit row, in the same transaction: the event exists exactly when the change commits. Its
data is the resource as the API answered it (the response body, or what a web page's view
attached as that answer), or its id for a deletion.
"""

from okr_app.models.outbox import OutboxEvent, event_values

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


def published_row(event, response, owner_id):
    """Return ``(table, columns)`` of the outbox row of a successful request, or None.

    None when its action publishes no event (or it has no owner).
    """
    event_type = PUBLISHED_ACTIONS.get(event.action)
    if event_type is None or owner_id is None:
        return None
    return OutboxEvent.__table__, event_values(event_type, owner_id, _data(event, response))


def _data(event, response):
    """Return the resource an event carries: as the API answered it, or its id.

    A batch of check-ins answers all of them at once: each event carries its own, with its
    key result as the batch left it (as a single check-in's carries its key result). A view
    whose answer is a page (the web interface) attached the resource as the API answers it.
    """
    if event.published is not None:
        return event.published
    if response.status_code == 204 or not response.is_json:
        return {"id": int(event.resource_id)}
    body = response.get_json()
    if not (isinstance(body, dict) and "check_ins" in body):
        return body
    key_results = {item.get("id"): item for item in body.get("key_results", [])}
    for item in body["check_ins"]:
        if str(item.get("id")) == event.resource_id:
            return {**item, "key_result": key_results.get(item.get("key_result_id"))}
    return body
