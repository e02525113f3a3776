"""Key result bodies the API refuses with 422, naming the field at fault."""

import pytest

from tests.factories import create_key_result, raw_json


def test_progress_and_current_value_together_are_422(client, owner):
    headers, objective = owner
    body = {"objective_id": objective["id"], "title": "t", "metric": "m"}
    both = {"progress": 10, "current_value": 10}
    response = client.post("/key-results", headers=headers, json={**body, **both})
    assert response.status_code == 422
    assert "progress" in response.get_json()["errors"]["json"]
    key_result = create_key_result(client, headers, objective["id"])
    for method in ("PUT", "PATCH"):
        response = client.open(
            f"/key-results/{key_result['id']}",
            method=method,
            headers=headers,
            json={**body, **both},
        )
        assert response.status_code == 422, method


def test_start_equal_to_target_is_422(client, owner):
    headers, objective = owner
    body = {"objective_id": objective["id"], "title": "t", "metric": "m"}
    response = client.post(
        "/key-results", headers=headers, json={**body, "start_value": 5, "target_value": 5}
    )
    assert response.status_code == 422
    assert "target_value" in response.get_json()["errors"]["json"]
    response = client.post("/key-results", headers=headers, json={**body, "start_value": 100})
    assert "target_value" in response.get_json()["errors"]["json"]
    key_result = create_key_result(client, headers, objective["id"], target_value=50)
    path = f"/key-results/{key_result['id']}"
    response = client.patch(path, headers=headers, json={"start_value": 50})
    assert response.status_code == 422
    assert "start_value" in response.get_json()["errors"]["json"]
    response = client.patch(path, headers=headers, json={"target_value": 0})
    assert "target_value" in response.get_json()["errors"]["json"]
    assert client.get(path, headers=headers).get_json() == key_result


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start_value", 1e16),
        ("target_value", -1.5e15),
        ("current_value", "lots"),
        ("current_value", [1]),
        ("weight", 0),
        ("weight", -1),
        ("weight", 1001),
        ("progress", 101),
        ("progress", -1),
        ("title", "x" * 201),
        ("title", ""),
        ("metric", "m" * 101),
        ("metric", None),
        ("objective_id", "1"),
        ("objective_id", 2**31),
        ("objective_id", 1.5),
        ("version", 3),
    ],
)
def test_bad_fields_are_422_naming_the_field(client, owner, field, value):
    headers, objective = owner
    body = {"objective_id": objective["id"], "title": "t", "metric": "m", field: value}
    response = client.post("/key-results", headers=headers, json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400", "1" + "0" * 400])
def test_special_and_absurd_numbers_are_422(client, owner, literal):
    headers, objective = owner
    text = (
        f'{{"objective_id": {objective["id"]}, "title": "t", "metric": "m", '
        f'"current_value": {literal}}}'
    )
    response = raw_json(client, "POST", "/key-results", headers, text)
    assert response.status_code == 422
    assert "current_value" in response.get_json()["errors"]["json"]
    key_result = create_key_result(client, headers, objective["id"])
    response = raw_json(
        client, "PATCH", f"/key-results/{key_result['id']}", headers, f'{{"weight": {literal}}}'
    )
    assert response.status_code == 422
    assert "weight" in response.get_json()["errors"]["json"]
