"""A change of kind over HTTP: what the history then says, and a milestone's value."""

from datetime import UTC, datetime

import pytest

from tests.factories import check_in, create_key_result, create_objective, session_on_jan_1
from tests.key_results.test_kinds_api import assert_list_and_read_agree

#: A user on 1 January 2025 with a clock to move.
session = pytest.fixture(session_on_jan_1, name="session")


def test_a_key_result_made_a_milestone_is_done_only_once_a_check_in_says_so(client, session):
    objective = create_objective(client, session.headers, period="2025-Q1")
    key_result = create_key_result(client, session.headers, objective["id"], current_value=100)
    assert key_result["progress"] == 100.0  # the increase reached its target
    path = f"/key-results/{key_result['id']}"
    response = client.patch(path, headers=session.headers, json={"kind": "milestone"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["done"], body["progress"]) == (False, 0.0)
    assert assert_list_and_read_agree(session, objective["id"])["progress"] == 0.0
    session.at(datetime(2025, 4, 1, tzinfo=UTC))  # after the period: past due, not done
    assert session.get(path)["pace_status"] == "at_risk"
    stats = session.get("/stats")
    assert stats["key_results"]["at_risk"] == 1
    assert stats["key_results"]["completed"] == 0
    check_in(client, session.headers, key_result["id"], done=True, at="2025-03-31T12:00Z")
    body = session.get(path)
    assert (body["done"], body["progress"], body["pace_status"]) == (True, 100.0, "done")
    assert session.get("/stats")["key_results"]["at_risk"] == 0
    assert_list_and_read_agree(session, objective["id"])


@pytest.mark.parametrize(
    ("fields", "history"),
    [
        ({"current_value": 1, "target_value": 10}, [1.0, 0.0]),  # checked in at 1
        ({"start_value": 1, "target_value": 10}, []),  # never checked in: 1 is its start
        ({"kind": "stay_above", "threshold": 0, "current_value": 1}, [1.0, 0.0]),
    ],
)
def test_a_value_of_exactly_1_before_the_change_is_not_done(client, session, fields, history):
    """1, a milestone's "done", reached as another kind is not done: the value becomes 0.

    With check-ins the change records one of 0, audited with the change; without, the
    placeholder becomes a milestone's 0.
    """
    objective = create_objective(client, session.headers, period="2025-Q1")
    key_result = create_key_result(client, session.headers, objective["id"], **fields)
    assert key_result["current_value"] == 1.0
    path = f"/key-results/{key_result['id']}"
    response = client.patch(path, headers=session.headers, json={"kind": "milestone"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["done"], body["progress"], body["current_value"]) == (False, 0.0, 0.0)
    assert assert_list_and_read_agree(session, objective["id"])["progress"] == 0.0
    assert session.get("/stats")["key_results"]["completed"] == 0
    recorded = session.get(path + "/check-ins")
    assert [item["value"] for item in recorded] == history
    details = session.get("/audit?action=key_result.updated")[0]["details"]
    assert details["changes"]["current_value"] == {"old": 1.0, "new": 0.0}
    assert check_in(client, session.headers, key_result["id"], done=True).status_code == 201
    assert session.get(path)["done"] is True


def test_a_value_stated_after_the_period_moved_earlier_is_the_current_one(client, session):
    """A value stated in advance lies at the period's start, and moves earlier with it.

    A value stated afterwards (a change into a milestone's 0, or a current_value) is
    recorded no earlier than it, so that it is the current value.
    """
    objective = create_objective(client, session.headers, period="2025-Q2")
    fields = {"current_value": 1, "target_value": 10}
    key_result = create_key_result(client, session.headers, objective["id"], **fields)
    path = f"/key-results/{key_result['id']}"
    moved = client.patch(
        f"/objectives/{objective['id']}", headers=session.headers, json={"period": "2025-Q1"}
    )
    assert moved.status_code == 200, moved.get_json()
    body = client.patch(path, headers=session.headers, json={"kind": "milestone"}).get_json()
    assert (body["done"], body["progress"], body["current_value"]) == (False, 0.0, 0.0)
    details = session.get("/audit?action=key_result.updated")[0]["details"]
    assert details["changes"]["current_value"] == {"old": 1.0, "new": 0.0}
    stated = client.patch(path, headers=session.headers, json={"current_value": 1})
    assert (stated.get_json()["done"], stated.get_json()["current_value"]) == (True, 1.0)
    history = session.get(path + "/check-ins")
    assert {item["at"] for item in history} == {"2025-01-01T00:00:00+00:00"}


def test_a_change_of_kind_recomputes_from_the_history(client, session):
    objective = create_objective(client, session.headers, period="2025-Q1")
    key_result = create_key_result(client, session.headers, objective["id"], current_value=2)
    session.at(datetime(2025, 1, 21, tzinfo=UTC))
    check_in(client, session.headers, key_result["id"], value=4, at="2025-01-11T00:00Z")
    path = f"/key-results/{key_result['id']}"
    response = client.patch(path, headers=session.headers, json={"kind": "stay_below"})
    assert response.status_code == 422
    assert "threshold" in response.get_json()["errors"]["json"]
    response = client.patch(
        path, headers=session.headers, json={"kind": "stay_below", "threshold": 3}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["kind"], body["start_value"], body["target_value"]) == ("stay_below", None, None)
    assert body["progress"] == pytest.approx(50.0)  # 2 held 10 of 20 days
    response = client.patch(path, headers=session.headers, json={"threshold": 5})
    assert response.get_json()["progress"] == pytest.approx(100.0)
    response = client.patch(path, headers=session.headers, json={"start_value": 1})
    assert response.status_code == 422
    assert "start_value" in response.get_json()["errors"]["json"]
    response = client.patch(path, headers=session.headers, json={"kind": "increase"})
    assert response.status_code == 422
    assert "start_value" in response.get_json()["errors"]["json"]
    body = {"objective_id": objective["id"], "title": "t", "metric": "m", "target_value": 8}
    response = client.put(path, headers=session.headers, json=body)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["kind"] == "increase"
    assert response.get_json()["threshold"] is None
    assert response.get_json()["progress"] == pytest.approx(50.0)
    assert_list_and_read_agree(session, objective["id"])
