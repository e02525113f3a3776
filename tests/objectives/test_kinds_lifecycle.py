"""Every kind of key result through /stats, closing with grades, and copying."""

from datetime import UTC, datetime

import pytest

from okr_app.extensions import db
from okr_app.stats import queries
from tests.factories import (
    check_in,
    create_every_kind,
    create_key_result,
    create_objective,
    session_on_jan_1,
)

#: A user on 1 January 2025 with a clock to move.
session = pytest.fixture(session_on_jan_1, name="session")


@pytest.fixture
def every_kind(client, session):
    """A 2025-Q1 objective with one key result of each kind, read on 21 January 2025."""
    objective = create_objective(client, session.headers, period="2025-Q1")
    key_results = create_every_kind(client, session.headers, objective["id"])
    session.at(datetime(2025, 1, 21, tzinfo=UTC))
    # stay_below: out of band from Jan 11 (10 of 20 days in band).
    check_in(
        client, session.headers, key_results["stay_below"]["id"], value=4, at="2025-01-11T00:00Z"
    )
    # stay_in_range: in band from Jan 16 (5 of 20 days).
    check_in(
        client,
        session.headers,
        key_results["stay_in_range"]["id"],
        value=1.5,
        at="2025-01-16T00:00Z",
    )
    return objective, key_results


EXPECTED = {
    "increase": 20.0,
    "decrease": 50.0,
    "stay_above": 100.0,
    "stay_below": 50.0,
    "stay_in_range": 25.0,
    "milestone": 0.0,
}


def test_every_kind_reads_the_same_in_the_list_the_read_and_the_statistics(
    app, client, session, every_kind
):
    objective, key_results = every_kind
    single = session.get(f"/objectives/{objective['id']}")
    listed = next(item for item in session.get("/objectives") if item["id"] == objective["id"])
    assert listed == single
    progress = {item["kind"]: item["progress"] for item in single["key_results"]}
    assert progress == pytest.approx(EXPECTED)
    assert single["progress"] == round(sum(EXPECTED.values()) / 6, 2)
    with app.app_context():
        user_id = session.get("/auth/me")["id"]
        (row,) = queries.objective_rows(queries.objective_filter(user_id, {}))
        db.session.remove()
    assert round(row.weighted / row.weight, 2) == single["progress"]
    stats = session.get("/stats")
    assert stats["key_results"]["by_kind"] == {kind: 1 for kind in EXPECTED}
    assert stats["key_results"]["average_progress"] == pytest.approx(
        round(sum(EXPECTED.values()) / 6, 2)
    )
    # The milestone was due on Jan 15 and is not done.
    assert stats["key_results"]["at_risk"] == 1
    (pace,) = stats["pace"]
    # 21 of 90 days for increase and decrease, 100 for the stays and the late milestone.
    assert pace["expected_progress"] == pytest.approx(round((2 * 21 / 90 * 100 + 400) / 6, 2))
    milestone = key_results["milestone"]
    check_in(client, session.headers, milestone["id"], done=True)
    assert session.get("/stats")["key_results"]["at_risk"] == 0


def test_closing_freezes_every_kind_and_grades_them(client, session, every_kind):
    objective, key_results = every_kind
    response = client.post(
        f"/objectives/{objective['id']}/close", headers=session.headers, json={"outcome": "missed"}
    )
    assert response.status_code == 200, response.get_json()
    closing = response.get_json()["closing"]
    frozen = {item["kind"]: item for item in closing["key_results"]}
    assert set(frozen) == set(EXPECTED)
    assert frozen["stay_above"]["threshold"] == 10
    assert frozen["stay_above"]["start_value"] is None
    assert frozen["stay_in_range"]["range_min"] == 1
    assert frozen["stay_in_range"]["in_band"] is True
    assert frozen["milestone"]["due_on"] == "2025-01-15"
    assert frozen["decrease"]["start_value"] == 10
    assert {kind: item["progress"] for kind, item in frozen.items()} == pytest.approx(EXPECTED)
    assert closing["grade"] == round(sum(EXPECTED.values()) / 6 / 100, 2)
    # Later edits of the key result leave the closing as it was.
    path = f"/key-results/{key_results['stay_above']['id']}"
    client.patch(path, headers=session.headers, json={"threshold": 50})
    again = session.get(f"/objectives/{objective['id']}")["closing"]
    assert {item["kind"]: item for item in again["key_results"]}["stay_above"]["threshold"] == 10


@pytest.mark.parametrize("carry", [False, True])
def test_a_copy_keeps_the_kind_and_its_fields(client, session, every_kind, carry):
    objective, _key_results = every_kind
    query = "?carry_values=true" if carry else ""
    response = client.post(
        f"/objectives/{objective['id']}/copy{query}",
        headers=session.headers,
        json={"period": "2025-Q2"},
    )
    assert response.status_code == 201, response.get_json()
    copies = {item["kind"]: item for item in response.get_json()["key_results"]}
    assert set(copies) == set(EXPECTED)
    assert copies["stay_above"]["threshold"] == 10
    assert (copies["stay_in_range"]["range_min"], copies["stay_in_range"]["range_max"]) == (1, 2)
    assert (copies["decrease"]["start_value"], copies["decrease"]["target_value"]) == (10, 0)
    # Due two weeks into the period, as the original was.
    assert copies["milestone"]["due_on"] == "2025-04-15"
    if carry:
        assert copies["stay_below"]["current_value"] == 4
        assert copies["stay_below"]["in_band"] is False
        assert copies["stay_in_range"]["in_band"] is True
    else:
        assert copies["stay_below"]["in_band"] is None
        assert copies["stay_below"]["progress"] == 0.0
        assert copies["milestone"]["done"] is False
        # Its 0 is a placeholder: nothing to add a delta to until a value is stated.
        session.at(datetime(2025, 4, 2, tzinfo=UTC))
        path = f"/key-results/{copies['stay_in_range']['id']}/check-ins"
        added = client.post(path, headers=session.headers, json={"delta": 3})
        assert added.status_code == 422
        assert added.get_json()["errors"]["json"] == {
            "delta": ["This key result has no value yet to add to: send value."]
        }
        stated = client.post(path, headers=session.headers, json={"value": 1.5})
        assert stated.status_code == 201
        assert client.post(path, headers=session.headers, json={"delta": 0.25}).status_code == 201


def test_a_new_period_moves_a_milestones_due_day_with_it(client, session):
    """As a copy does: as far into the new period as before, at most to its last day."""
    objective = create_objective(client, session.headers, period="2025-Q1")
    path = f"/objectives/{objective['id']}"
    milestone = create_key_result(
        client, session.headers, objective["id"], kind="milestone", due_on="2025-02-15"
    )
    undated = create_key_result(client, session.headers, objective["id"], kind="milestone")

    def due_days():
        read = client.get(path, headers=session.headers).get_json()
        return {item["id"]: item["due_on"] for item in read["key_results"]}

    moved = client.patch(path, headers=session.headers, json={"period": "2025-Q2"})
    assert moved.status_code == 200, moved.get_json()
    assert due_days() == {milestone["id"]: "2025-05-16", undated["id"]: None}
    shrunk = client.patch(path, headers=session.headers, json={"period": "2025-04"})
    assert shrunk.status_code == 200, shrunk.get_json()
    assert due_days() == {milestone["id"]: "2025-04-30", undated["id"]: None}
    retitled = client.patch(path, headers=session.headers, json={"title": "Same period"})
    assert retitled.status_code == 200
    assert due_days()[milestone["id"]] == "2025-04-30"


def test_a_longer_period_counts_more_days_in_band(client, session):
    """The days in band run up to the period's end: a new end alone recomputes them."""
    objective = create_objective(client, session.headers, period="2025-01")
    band = create_key_result(
        client, session.headers, objective["id"], kind="stay_above", threshold=5, current_value=10
    )
    session.at(datetime(2025, 2, 15, 12, tzinfo=UTC))
    # In band from Jan 1, out on Feb 10 (a late update, after January's end).
    check_in(client, session.headers, band["id"], value=1, at="2025-02-10T00:00Z")
    path = f"/key-results/{band['id']}"
    assert session.get(path)["progress"] == pytest.approx(100.0)  # 31 of 31 days of January
    stretched = client.patch(
        f"/objectives/{objective['id']}", headers=session.headers, json={"period": "2025-Q1"}
    )
    assert stretched.status_code == 200, stretched.get_json()
    # 40 days in band of the 45.5 measured (Jan 1 to Feb 15, 12:00), read and listed alike.
    assert session.get(path)["progress"] == pytest.approx(87.91, abs=0.01)
    assert session.get("/key-results")[0]["progress"] == pytest.approx(87.91, abs=0.01)
    (paced,) = session.get("/stats")["pace"]
    assert paced["progress"] == pytest.approx(87.91, abs=0.01)
