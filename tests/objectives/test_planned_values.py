"""Values planned for a period's start move with it while that start lies ahead."""

from datetime import UTC, datetime

import pytest

from tests.factories import check_in, create_key_result, create_objective, session_on_jan_1

#: A user on 1 January 2025 with a clock to move.
session = pytest.fixture(session_on_jan_1, name="session")


def history(client, session, key_result_id):
    """Return ``(at, value)`` of a key result's check-ins, oldest first."""
    answer = client.get(f"/key-results/{key_result_id}/check-ins", headers=session.headers)
    return [(item["at"][:16], item["value"]) for item in answer.get_json()]


def test_a_planned_value_moves_when_the_period_moves_earlier(client, session):
    """Planned for 1 April, the period since made the half year: it is 1 January's value."""
    objective = create_objective(client, session.headers, period="2025-Q2")
    stay = create_key_result(
        client, session.headers, objective["id"], kind="stay_above", threshold=10, current_value=12
    )
    assert history(client, session, stay["id"]) == [("2025-04-01T00:00", 12)]
    path = f"/objectives/{objective['id']}"
    moved = client.patch(path, headers=session.headers, json={"period": "2025-H1"})
    assert moved.status_code == 200, moved.get_json()
    assert history(client, session, stay["id"]) == [("2025-01-01T00:00", 12)]
    session.at(datetime(2025, 3, 1, tzinfo=UTC))
    late = check_in(client, session.headers, stay["id"], value=5, at="2025-01-15T00:00Z")
    assert late.status_code == 201
    assert check_in(client, session.headers, stay["id"], value=12).status_code == 201
    shown = client.get(f"/key-results/{stay['id']}", headers=session.headers).get_json()
    # In band from 1 to 15 January, out of it until now, 1 March: 14 of 59 days.
    assert shown["progress"] == round(14 / 59 * 100, 2)
    assert shown["current_value"] == 12
    stats = client.get("/stats", headers=session.headers).get_json()
    (objective_stats,) = [item for item in stats["pace"] if item["objective_id"] == objective["id"]]
    assert objective_stats["progress"] == shown["progress"]


def test_a_planned_value_moves_with_its_key_result_to_another_objective(client, session):
    planned = create_objective(client, session.headers, period="2025-Q3")
    later = create_objective(client, session.headers, period="2025-Q4")
    key_result = create_key_result(client, session.headers, planned["id"], current_value=30)
    assert history(client, session, key_result["id"]) == [("2025-07-01T00:00", 30)]
    body = {"objective_id": later["id"]}
    path = f"/key-results/{key_result['id']}"
    assert client.patch(path, headers=session.headers, json=body).status_code == 200
    assert history(client, session, key_result["id"]) == [("2025-10-01T00:00", 30)]


def test_a_value_of_a_start_that_has_passed_stays_where_it_is(client, session):
    objective = create_objective(client, session.headers, period="2025-Q1")
    key_result = create_key_result(client, session.headers, objective["id"], current_value=30)
    assert history(client, session, key_result["id"]) == [("2025-01-01T00:00", 30)]
    path = f"/objectives/{objective['id']}"
    assert client.patch(path, headers=session.headers, json={"period": "2025"}).status_code == 200
    assert history(client, session, key_result["id"]) == [("2025-01-01T00:00", 30)]
    moved = client.patch(path, headers=session.headers, json={"period": "2025-Q2"})
    assert moved.status_code == 200
    assert history(client, session, key_result["id"]) == [("2025-01-01T00:00", 30)]


def test_moved_into_a_period_under_way_a_planned_value_is_dated_now(client, session):
    """Not at a start that has passed: the value was not true then (a stay counts its days)."""
    session.at(datetime(2025, 2, 15, tzinfo=UTC))
    objective = create_objective(client, session.headers, period="2025-Q2")
    stay = create_key_result(
        client, session.headers, objective["id"], kind="stay_above", threshold=10, current_value=12
    )
    path = f"/objectives/{objective['id']}"
    assert (
        client.patch(path, headers=session.headers, json={"period": "2025-Q1"}).status_code == 200
    )
    assert history(client, session, stay["id"]) == [("2025-02-15T00:00", 12)]


def test_a_planned_value_moved_back_stays_after_the_check_ins_before_it(client, session):
    """Moved earlier than a check-in recorded meanwhile, it would no longer be the current one."""
    session.at(datetime(2025, 2, 1, tzinfo=UTC))
    objective = create_objective(client, session.headers, period="2025-Q1")
    key_result = create_key_result(client, session.headers, objective["id"], current_value=1)
    check_in(client, session.headers, key_result["id"], value=5, at="2025-01-15T00:00Z")
    path = f"/objectives/{objective['id']}"
    kr_path = f"/key-results/{key_result['id']}"
    assert (
        client.patch(path, headers=session.headers, json={"period": "2025-Q2"}).status_code == 200
    )
    stated = client.patch(kr_path, headers=session.headers, json={"current_value": 30})
    assert stated.status_code == 200
    assert history(client, session, key_result["id"])[-1] == ("2025-04-01T00:00", 30)
    assert (
        client.patch(path, headers=session.headers, json={"period": "2025-Q1"}).status_code == 200
    )
    assert history(client, session, key_result["id"])[-1] == ("2025-02-01T00:00", 30)
    assert client.get(kr_path, headers=session.headers).get_json()["current_value"] == 30


def test_a_value_stated_with_a_move_is_dated_in_the_new_period(client, session):
    """The move and the value in one PATCH: the value lies at the new start, after the moved."""
    planned = create_objective(client, session.headers, period="2025-Q3")
    sooner = create_objective(client, session.headers, period="2025-Q2")
    key_result = create_key_result(client, session.headers, planned["id"], current_value=30)
    body = {"objective_id": sooner["id"], "current_value": 40}
    moved = client.patch(f"/key-results/{key_result['id']}", headers=session.headers, json=body)
    assert moved.status_code == 200, moved.get_json()
    assert history(client, session, key_result["id"]) == [
        ("2025-04-01T00:00", 30),
        ("2025-04-01T00:00", 40),
    ]
    assert moved.get_json()["current_value"] == 40
