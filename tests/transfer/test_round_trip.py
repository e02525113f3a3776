"""Export, import into a new account, export again: the same content.

"The same content" means equal documents once what must differ is set aside: the ids
(each replaced by the position of what it names: objective i, key result i.j), the
``created_at``/``updated_at`` of rows the import created, and ``exported_at``. Everything
else is compared exactly: every field, the order of every list, every check-in, every
closing with its frozen key results, ``copied_from_id``, ``parent_id`` and the links in
the closings.
"""

import json

from tests.conftest import bearer


def same_content(document):
    """Return ``document`` with ids as positions and creation times left out."""
    positions = {}
    for index, objective in enumerate(document["objectives"]):
        positions[("objective", objective["id"])] = index
        for number, key_result in enumerate(objective["key_results"]):
            positions[("key_result", key_result["id"])] = (index, number)
    objectives = []
    for objective in document["objectives"]:
        copied_from = objective["copied_from_id"]
        parent = objective["parent_id"]
        objectives.append(
            {
                **_without_times(objective),
                "id": positions[("objective", objective["id"])],
                "copied_from_id": None
                if copied_from is None
                else positions[("objective", copied_from)],
                "parent_id": None if parent is None else positions[("objective", parent)],
                "key_results": [
                    {**_without_times(item), "id": positions[("key_result", item["id"])]}
                    for item in objective["key_results"]
                ],
                "closings": [
                    {
                        **closing,
                        "key_results": [
                            {
                                **item,
                                "id": None
                                if item["id"] is None
                                else positions[("key_result", item["id"])],
                            }
                            for item in closing["key_results"]
                        ],
                    }
                    for closing in objective["closings"]
                ],
            }
        )
    return {"version": document["version"], "objectives": objectives}


def _without_times(record):
    """Return ``record`` without the times its row was created and last changed."""
    return {
        name: value for name, value in record.items() if name not in ("created_at", "updated_at")
    }


def test_a_round_trip_keeps_the_content(account, journey, client, auth):
    first = json.loads(account.export().data)
    _, tokens, _ = auth.user()
    other = bearer(tokens["access_token"])
    imported = client.post("/import", headers=other, json=first)
    assert imported.status_code == 201, imported.get_json()
    second = json.loads(client.get("/export", headers=other).data)
    assert same_content(second) == same_content(first)
    # The ids are new ones, and the links follow them.
    first_ids = {item["id"] for item in first["objectives"]}
    second_ids = [item["id"] for item in second["objectives"]]
    assert first_ids.isdisjoint(second_ids)
    assert second["objectives"][1]["copied_from_id"] == second_ids[0]
    new_key_result = second["objectives"][0]["key_results"][0]["id"]
    assert second["objectives"][0]["closings"][1]["key_results"][0]["id"] == new_key_result
    # And the original account still has exactly what it had.
    assert json.loads(account.export().data) == first


def test_the_comparison_sees_a_changed_value(account, journey):
    document = json.loads(account.export().data)
    changed = json.loads(json.dumps(document))
    changed["objectives"][0]["key_results"][0]["check_ins"][1]["value"] = 301.0
    assert same_content(changed) != same_content(document)
    moved = json.loads(json.dumps(document))
    moved["objectives"][1]["copied_from_id"] = moved["objectives"][2]["id"]
    assert same_content(moved) != same_content(document)


def reimported(account, client, auth):
    """Export ``account``, import the document into a new account; return both documents."""
    first = json.loads(account.export().data)
    _, tokens, _ = auth.user()
    other = bearer(tokens["access_token"])
    imported = client.post("/import", headers=other, json=first)
    assert imported.status_code == 201, imported.get_json()
    return first, json.loads(client.get("/export", headers=other).data)


def planned(account, period):
    """Create an objective in ``period`` with a key result stated at 20 before it starts."""
    objective = account.send("POST", "/objectives", {"title": "Plan", "period": period}, 201)
    body = {"objective_id": objective["id"], "title": "Runs", "metric": "n", "current_value": 20}
    key_result = account.send("POST", "/key-results", {**body, "target_value": 50}, 201)
    return objective, key_result


def test_a_planned_value_survives_a_change_of_its_period(account, client, auth):
    objective, _ = planned(account, "2026-Q3")
    account.send("PATCH", f"/objectives/{objective['id']}", {"period": "2026-Q2"})
    first, second = reimported(account, client, auth)
    # Moved with the period's start to that of 2026-Q2, still in the future.
    check_in = first["objectives"][0]["key_results"][0]["check_ins"][0]
    assert check_in["at"] == "2026-04-01T00:00:00+00:00"
    assert same_content(second) == same_content(first)


def test_a_planned_value_survives_a_move_to_another_objective(account, client, auth):
    now = account.send("POST", "/objectives", {"title": "Now", "period": "2026-Q1"}, 201)
    _, key_result = planned(account, "2026-Q3")
    account.send("PATCH", f"/key-results/{key_result['id']}", {"objective_id": now["id"]})
    first, second = reimported(account, client, auth)
    check_in = first["objectives"][0]["key_results"][0]["check_ins"][0]
    assert check_in["at"] == "2026-03-15T12:00:00+00:00"  # now: its new period has begun
    assert same_content(second) == same_content(first)
