"""What each kind of key result accepts: its defining fields, its check-ins, its documentation."""

import pytest

from tests.factories import create_key_result, create_objective, session_on_jan_1

#: A user on 1 January 2025 with a clock to move.
session = pytest.fixture(session_on_jan_1, name="session")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "increase", "threshold": 5}, "threshold"),
        ({"kind": "increase", "start_value": 10, "target_value": 5}, "target_value"),
        ({"kind": "decrease", "start_value": 5, "target_value": 10}, "target_value"),
        ({"start_value": 5, "target_value": 5}, "target_value"),
        ({"kind": "stay_above", "current_value": 1}, "threshold"),
        (
            {"kind": "stay_above", "threshold": 1, "start_value": 0, "current_value": 1},
            "start_value",
        ),
        ({"kind": "stay_below", "threshold": 1}, "current_value"),
        (
            {"kind": "stay_in_range", "range_min": 5, "range_max": 4, "current_value": 1},
            "range_max",
        ),
        ({"kind": "stay_in_range", "range_min": 5, "current_value": 1}, "range_max"),
        ({"kind": "milestone", "target_value": 1}, "target_value"),
        ({"kind": "milestone", "due_on": "2025-07-01"}, "due_on"),
        ({"kind": "milestone", "current_value": 3}, "current_value"),
        ({"kind": "milestone", "progress": 50}, "progress"),
        ({"kind": "stay_above", "threshold": 1, "progress": 50}, "progress"),
        ({"kind": "sideways"}, "kind"),
        ({"due_on": "2025-02-01"}, "due_on"),
    ],
)
def test_wrong_fields_for_the_kind_are_422_naming_them(client, session, fields, field):
    objective = create_objective(client, session.headers, period="2025-Q1")
    body = {"objective_id": objective["id"], "title": "t", "metric": "m", **fields}
    response = client.post("/key-results", headers=session.headers, json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["json"]


def test_a_milestone_progress_other_than_0_or_100_is_422_naming_progress(client, session):
    objective = create_objective(client, session.headers, period="2025-Q1")
    milestone = create_key_result(client, session.headers, objective["id"], kind="milestone")
    path = f"/key-results/{milestone['id']}"
    response = client.patch(path, headers=session.headers, json={"progress": 50})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == ["progress"]
    response = client.patch(path, headers=session.headers, json={"progress": 100})
    assert response.status_code == 200
    assert response.get_json()["done"] is True


def test_a_request_without_kind_works_as_before(client, session):
    objective = create_objective(client, session.headers, period="2025-Q1")
    rising = create_key_result(client, session.headers, objective["id"], current_value=25)
    falling = create_key_result(
        client, session.headers, objective["id"], start_value=10, target_value=0, current_value=4
    )
    assert (rising["kind"], rising["progress"]) == ("increase", 25.0)
    assert (falling["kind"], falling["progress"]) == ("decrease", 60.0)
    path = f"/key-results/{falling['id']}"
    response = client.patch(path, headers=session.headers, json={"target_value": 20})
    assert response.get_json()["kind"] == "increase"


def test_a_stay_kind_takes_values_and_deltas_not_progress(client, session):
    objective = create_objective(client, session.headers, period="2025-Q1")
    key_result = create_key_result(
        client, session.headers, objective["id"], kind="stay_above", threshold=10, current_value=9
    )
    path = f"/key-results/{key_result['id']}/check-ins"
    response = client.post(path, headers=session.headers, json={"progress": 50})
    assert response.status_code == 422
    assert "progress" in response.get_json()["errors"]["json"]
    response = client.post(path, headers=session.headers, json={"done": True})
    assert response.status_code == 422
    assert "done" in response.get_json()["errors"]["json"]
    response = client.post(path, headers=session.headers, json={"delta": 1})
    assert response.status_code == 201
    body = response.get_json()
    assert body["value"] == 10 and body["progress"] == 100.0  # the threshold is in band
    assert body["key_result"]["in_band"] is True


def test_the_openapi_document_describes_each_kind(client):
    document = client.get("/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    write = schemas["KeyResultWrite"]["properties"]
    assert write["kind"]["enum"] == [
        "increase",
        "decrease",
        "stay_above",
        "stay_below",
        "stay_in_range",
        "milestone",
    ]
    for kind in write["kind"]["enum"]:
        assert f"`{kind}`" in write["kind"]["description"]
    for name in ("threshold", "range_min", "range_max", "due_on", "start_value", "target_value"):
        assert write[name]["description"], name
    assert "stay_in_range" in write["range_min"]["description"]
    assert schemas["KeyResult"]["properties"]["in_band"]["description"]
    assert "done" in schemas["CheckInWrite"]["properties"]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"range_min": 60}, "range_min"), ({"range_max": 10}, "range_max")],
)
def test_a_band_turned_inside_out_names_the_end_that_was_sent(client, session, change, field):
    objective = create_objective(client, session.headers, period="2025-Q1")
    band = {"kind": "stay_in_range", "range_min": 20, "range_max": 50, "current_value": 30}
    key_result = create_key_result(client, session.headers, objective["id"], **band)
    refused = client.patch(f"/key-results/{key_result['id']}", headers=session.headers, json=change)
    assert refused.status_code == 422
    assert list(refused.get_json()["errors"]["json"]) == [field]
