"""Two users' objectives, key results and check-ins are invisible to each other."""

import pytest

from tests.factories import check_in, create_key_result, create_objective

AREAS = ("objectives.", "key-results.")


@pytest.fixture
def intruder_and_victim(client, auth):
    """Two users; the victim owns an objective with a key result and a check-in."""
    _, _, intruder = auth.user()
    _, _, victim = auth.user()
    objective = create_objective(client, victim, title="Private")
    key_result = create_key_result(client, victim, objective["id"], title="Secret")
    check_in(client, victim, key_result["id"], value=42)
    own_objective = create_objective(client, intruder, title="Mine")
    own_key_result = create_key_result(client, intruder, own_objective["id"])
    return {
        "intruder": intruder,
        "victim": victim,
        "objective": objective,
        "key_result": key_result,
        "own_key_result": own_key_result,
    }


def victim_state(client, setup):
    """Return everything the victim can read about their data."""
    headers = setup["victim"]
    objective_id, key_result_id = setup["objective"]["id"], setup["key_result"]["id"]
    return (
        client.get(f"/objectives/{objective_id}", headers=headers).get_json(),
        client.get(f"/key-results/{key_result_id}", headers=headers).get_json(),
        client.get(f"/key-results/{key_result_id}/check-ins", headers=headers).get_json(),
    )


def foreign_requests(setup):
    """Return ``(method, path, body, expected status)`` for every route of the area."""
    objective_id = setup["objective"]["id"]
    key_result_id = setup["key_result"]["id"]
    own_id = setup["own_key_result"]["id"]
    objective_body = {"title": "Hijacked", "period": "2026"}
    key_result_body = {"objective_id": objective_id, "title": "Hijacked", "metric": "m"}
    return [
        ("GET", f"/objectives/{objective_id}", None, 404),
        ("PUT", f"/objectives/{objective_id}", objective_body, 404),
        ("PATCH", f"/objectives/{objective_id}", {"title": "Hijacked"}, 404),
        ("DELETE", f"/objectives/{objective_id}", None, 404),
        ("POST", f"/objectives/{objective_id}/close", {"outcome": "achieved"}, 404),
        ("POST", f"/objectives/{objective_id}/reopen", None, 404),
        ("GET", f"/objectives/{objective_id}/closings", None, 404),
        ("POST", f"/objectives/{objective_id}/copy", {"period": "2027"}, 404),
        ("GET", f"/key-results/{key_result_id}", None, 404),
        ("PUT", f"/key-results/{key_result_id}", key_result_body, 404),
        ("PATCH", f"/key-results/{key_result_id}", {"current_value": 99}, 404),
        ("DELETE", f"/key-results/{key_result_id}", None, 404),
        ("GET", f"/key-results/{key_result_id}/check-ins", None, 404),
        ("POST", f"/key-results/{key_result_id}/check-ins", {"value": 99}, 404),
        # Attaching to or moving under someone else's objective names objective_id.
        ("POST", "/key-results", key_result_body, 422),
        ("PUT", f"/key-results/{own_id}", key_result_body, 422),
        ("PATCH", f"/key-results/{own_id}", {"objective_id": objective_id}, 422),
    ]


def test_every_route_answers_as_if_the_data_did_not_exist(client, intruder_and_victim):
    setup = intruder_and_victim
    before = victim_state(client, setup)
    for method, path, body, expected in foreign_requests(setup):
        response = client.open(path, method=method, headers=setup["intruder"], json=body)
        assert response.status_code == expected, (method, path)
        if expected == 404:
            assert "Private" not in response.get_data(as_text=True)
        else:
            assert "objective_id" in response.get_json()["errors"]["json"]
    assert victim_state(client, setup) == before


def test_lists_show_only_own_data(client, intruder_and_victim):
    setup = intruder_and_victim
    intruder = setup["intruder"]
    assert [item["title"] for item in client.get("/objectives", headers=intruder).get_json()] == [
        "Mine"
    ]
    key_results = client.get("/key-results", headers=intruder).get_json()
    assert [item["id"] for item in key_results] == [setup["own_key_result"]["id"]]
    foreign = client.get(f"/key-results?objective_id={setup['objective']['id']}", headers=intruder)
    assert foreign.status_code == 200
    assert foreign.get_json() == []
    assert '"total": 0' in foreign.headers["X-Pagination"]


def test_every_route_with_an_id_is_tried_against_the_other_users_data(app, intruder_and_victim):
    adapter = app.url_map.bind("localhost")
    tried = {
        (method, adapter.match(path, method=method)[0])
        for method, path, _, _ in foreign_requests(intruder_and_victim)
    }
    routes = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(AREAS) and rule.arguments
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert len(routes) == 14
    assert routes <= tried


def test_tokens_are_required_everywhere(client, intruder_and_victim):
    for method, path, body, _ in foreign_requests(intruder_and_victim):
        assert client.open(path, method=method, json=body).status_code == 401, (method, path)
    assert client.get("/objectives").status_code == 401
    assert client.post("/objectives", json={"title": "x", "period": "2026"}).status_code == 401
    assert client.get("/key-results").status_code == 401
