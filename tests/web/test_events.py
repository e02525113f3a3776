"""Changes made in the interface publish the same webhook events as the API's.

Each event's ``data`` is the resource as the API answers it, though the page answers with a
redirect: a receiver reading ``data["value"]`` works whichever way the change was made.
"""

import re

import time_machine
from sqlalchemy import select

from okr_app.extensions import db
from okr_app.models import OutboxEvent
from tests.conftest import bearer
from tests.web.conftest import etag_of


def published(app):
    """Return ``(type, data)`` of every event in the outbox, oldest first."""
    with app.app_context():
        rows = db.session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))
        return [(row.type, row.data) for row in rows]


def test_each_change_in_the_interface_publishes_the_resource_as_the_api_answers(
    app, client, web, auth
):
    with time_machine.travel("2026-02-01 12:00:00Z", tick=False):
        headers = bearer(auth.login(web.user()).get_json()["access_token"])
        objective_id = web.create_objective(
            "Grow",
            **{"key_results-0-title": "Readers", "key_results-0-metric": "people"},
            **{"key_results-0-target_value": "100"},
        )
        page = client.get(f"/app/objectives/{objective_id}")
        key_result = re.search(r'href="/app/key-results/(\d+)"', page.text).group(1)
        path = f"/app/key-results/{key_result}"
        web.post(path + "/check-ins", {"value": "40"}, form_page=path)
        edit = {"title": "Readers", "metric": "people", "weight": "1", "start_value": "0"}
        edit |= {"target_value": "120", "kind": "increase", "etag": etag_of(client.get(path))}
        assert web.post(path + "/edit", edit, form_page=path).status_code == 303
        objective_page = f"/app/objectives/{objective_id}"
        added = {"title": "Churn", "metric": "%", "target_value": "5", "start_value": "9"}
        web.post(objective_page + "/key-results", added, form_page=objective_page)
        renamed = {"title": "Grow more", "period": "2026-Q1"}
        renamed["etag"] = etag_of(client.get(objective_page))
        web.post(objective_page + "/edit", renamed, form_page=objective_page)
        api = {
            "objective": client.get(f"/objectives/{objective_id}", headers=headers).get_json(),
            "key_result": client.get(f"/key-results/{key_result}", headers=headers).get_json(),
        }
        closing = {"outcome": "missed", "etag": etag_of(client.get(objective_page))}
        web.post(objective_page + "/close", closing, form_page=objective_page)
        web.post(objective_page + "/copy", {"period": "2026-Q2"}, form_page=objective_page)
        events = published(app)
    types = [kind for kind, _data in events]
    assert types == [
        "objective.created",
        "check_in.created",
        "key_result.updated",
        "key_result.created",
        "objective.updated",
        "objective.closed",
        "objective.created",
    ]
    created, checked_in, updated, added_one, renamed_one, closed, copied = (
        data for _kind, data in events
    )
    assert created["title"] == "Grow" and [item["title"] for item in created["key_results"]] == [
        "Readers"
    ]
    assert checked_in["value"] == 40 and checked_in["key_result"]["current_value"] == 40
    assert checked_in["key_result_id"] == int(key_result)
    assert updated == api["key_result"]
    assert added_one["title"] == "Churn" and added_one["objective_id"] == objective_id
    assert renamed_one == api["objective"]
    assert closed["id"] == objective_id and closed["closing"]["outcome"] == "missed"
    assert copied["period"] == "2026-Q2" and copied["copied_from_id"] == objective_id
