"""Parents and children: linking rules, roll-up, filters and deletion."""

import pytest

from tests.factories import check_in, create_key_result, create_objective


def objective(client, headers, **fields):
    """Create an objective and return its JSON."""
    return create_objective(client, headers, **fields)


def key_result(client, headers, objective_id, value, weight=1, **fields):
    """Create a 0-to-100 key result standing at ``value`` (its progress in percent)."""
    created = create_key_result(
        client, headers, objective_id, start_value=0, target_value=100, weight=weight, **fields
    )
    if value:
        assert check_in(client, headers, created["id"], value=value).status_code == 201
    return created


def read(client, headers, objective_id):
    """Return GET /objectives/{id}."""
    answer = client.get(f"/objectives/{objective_id}", headers=headers)
    assert answer.status_code == 200
    return answer.get_json()


def listed(client, headers, **query):
    """Return GET /objectives with ``query``, by id."""
    answer = client.get("/objectives", headers=headers, query_string={"page_size": 100, **query})
    assert answer.status_code == 200, answer.get_json()
    return {item["id"]: item for item in answer.get_json()}


def test_a_child_shows_its_parent_and_the_parent_its_children(client, auth):
    _, _, headers = auth.user()
    year = objective(client, headers, title="Year", period="2026")
    first = objective(client, headers, title="Q1", period="2026-Q1", parent_id=year["id"])
    month = objective(client, headers, title="March", period="2026-03", parent_id=first["id"])
    assert first["parent_id"] == year["id"] and month["parent_id"] == first["id"]
    body = read(client, headers, year["id"])
    assert body["parent_id"] is None
    assert body["children"] == [{"id": first["id"], "title": "Q1"}]
    assert body["roll_up"] is False and body["child_weight"] == 1.0
    assert listed(client, headers)[year["id"]]["children"] == body["children"]


def test_filters_by_parent_and_top_level(client, auth):
    _, _, headers = auth.user()
    year = objective(client, headers, period="2026")
    child = objective(client, headers, period="2026-Q2", parent_id=year["id"])
    other = objective(client, headers, period="2026-Q3")
    assert set(listed(client, headers, parent_id=year["id"])) == {child["id"]}
    assert set(listed(client, headers, top_level="true")) == {year["id"], other["id"]}
    assert set(listed(client, headers, top_level="false")) == {child["id"]}


@pytest.mark.parametrize(
    ("parent_period", "child_period"),
    [("2026-Q1", "2026-Q2"), ("2026-Q1", "2026"), ("2026-H1", "2026-07"), ("2025", "2026-Q1")],
)
def test_a_period_not_contained_is_refused(client, auth, parent_period, child_period):
    _, _, headers = auth.user()
    parent = objective(client, headers, period=parent_period)
    answer = client.post(
        "/objectives",
        headers=headers,
        json={"title": "Child", "period": child_period, "parent_id": parent["id"]},
    )
    assert answer.status_code == 422
    assert "parent_id" in answer.get_json()["errors"]["json"]


def test_moving_a_period_out_of_its_parent_or_away_from_its_children_is_refused(client, auth):
    _, _, headers = auth.user()
    year = objective(client, headers, period="2026")
    child = objective(client, headers, period="2026-Q1", parent_id=year["id"])
    moved = client.patch(f"/objectives/{child['id']}", headers=headers, json={"period": "2027-Q1"})
    assert moved.status_code == 422
    assert "period" in moved.get_json()["errors"]["json"]
    shrunk = client.patch(f"/objectives/{year['id']}", headers=headers, json={"period": "2026-H2"})
    assert shrunk.status_code == 422
    assert "period" in shrunk.get_json()["errors"]["json"]


def test_a_cycle_is_refused(client, auth):
    _, _, headers = auth.user()
    top = objective(client, headers, period="2026")
    middle = objective(client, headers, period="2026", parent_id=top["id"])
    bottom = objective(client, headers, period="2026", parent_id=middle["id"])
    for target, parent in ((top, bottom), (top, middle), (top, top)):
        answer = client.patch(
            f"/objectives/{target['id']}", headers=headers, json={"parent_id": parent["id"]}
        )
        assert answer.status_code == 422, answer.get_json()
        assert "parent_id" in answer.get_json()["errors"]["json"]
    assert read(client, headers, top["id"])["parent_id"] is None


def test_depth_is_bounded_at_three_levels(client, auth):
    _, _, headers = auth.user()
    year = objective(client, headers, period="2026")
    half = objective(client, headers, period="2026-H1", parent_id=year["id"])
    quarter = objective(client, headers, period="2026-Q1", parent_id=half["id"])
    answer = client.post(
        "/objectives",
        headers=headers,
        json={"title": "Too deep", "period": "2026-01", "parent_id": quarter["id"]},
    )
    assert answer.status_code == 422
    assert "3 levels" in answer.get_json()["errors"]["json"]["parent_id"][0]
    # A two-level tree cannot go under a two-level one either.
    other = objective(client, headers, period="2026-Q2")
    objective(client, headers, period="2026-04", parent_id=other["id"])
    lifted = client.patch(
        f"/objectives/{other['id']}", headers=headers, json={"parent_id": half["id"]}
    )
    assert lifted.status_code == 422


def test_another_users_objective_cannot_be_a_parent(client, auth):
    _, _, mine = auth.user()
    _, _, theirs = auth.user()
    foreign = objective(client, theirs, period="2026")
    answer = client.post(
        "/objectives",
        headers=mine,
        json={"title": "Mine", "period": "2026-Q1", "parent_id": foreign["id"]},
    )
    assert answer.status_code == 422
    assert answer.get_json()["errors"]["json"]["parent_id"] == ["No such objective."]
    query = {"parent_id": foreign["id"]}
    assert client.get("/objectives", headers=mine, query_string=query).json == []


def test_roll_up_is_off_by_default(client, auth):
    _, _, headers = auth.user()
    year = objective(client, headers, period="2026")
    key_result(client, headers, year["id"], 40)
    child = objective(client, headers, period="2026-Q1", parent_id=year["id"])
    key_result(client, headers, child["id"], 100)
    assert read(client, headers, year["id"])["progress"] == 40.0


def test_roll_up_takes_the_weighted_mean_of_key_results_and_children(client, auth):
    _, _, headers = auth.user()
    year = objective(client, headers, period="2026", roll_up=True)
    key_result(client, headers, year["id"], 40, weight=2)
    first = objective(client, headers, period="2026-Q1", parent_id=year["id"], child_weight=3)
    key_result(client, headers, first["id"], 100)
    second = objective(client, headers, period="2026-Q2", parent_id=year["id"])
    key_result(client, headers, second["id"], 10, weight=1)
    key_result(client, headers, second["id"], 30, weight=3)
    # second: (10 * 1 + 30 * 3) / 4 = 25; year: (40 * 2 + 100 * 3 + 25 * 1) / (2 + 3 + 1) = 67.5
    assert read(client, headers, second["id"])["progress"] == 25.0
    assert read(client, headers, year["id"])["progress"] == 67.5
    assert listed(client, headers)[year["id"]]["progress"] == 67.5


def test_roll_up_with_mixed_key_results_counts_each_child_once(client, auth):
    _, _, headers = auth.user()
    year = objective(client, headers, period="2026", roll_up=True)
    half = objective(client, headers, period="2026-H1", parent_id=year["id"], roll_up=True)
    quarter = objective(client, headers, period="2026-Q1", parent_id=half["id"], child_weight=2)
    # A decreasing key result: from 80 down to 60, standing at 70, is half done.
    decreasing = create_key_result(client, headers, quarter["id"], start_value=80, target_value=60)
    assert check_in(client, headers, decreasing["id"], value=70).status_code == 201
    key_result(client, headers, half["id"], 80)
    # quarter 50; half (80 * 1 + 50 * 2) / 3 = 60; year: half only, counted once = 60.
    assert read(client, headers, quarter["id"])["progress"] == 50.0
    assert read(client, headers, half["id"])["progress"] == 60.0
    assert read(client, headers, year["id"])["progress"] == 60.0
    everything = listed(client, headers)
    assert [everything[item["id"]]["progress"] for item in (quarter, half, year)] == [50, 60, 60]
    # Without roll-up on the middle level the quarter no longer reaches the year.
    client.patch(f"/objectives/{half['id']}", headers=headers, json={"roll_up": False})
    assert read(client, headers, year["id"])["progress"] == 80.0
    assert listed(client, headers)[year["id"]]["progress"] == 80.0


def test_deleting_a_parent_detaches_its_children(client, auth):
    _, _, headers = auth.user()
    year = objective(client, headers, period="2026")
    child = objective(client, headers, period="2026-Q1", parent_id=year["id"])
    key_result(client, headers, child["id"], 30)
    assert client.delete(f"/objectives/{year['id']}", headers=headers).status_code == 204
    body = read(client, headers, child["id"])
    assert body["parent_id"] is None
    assert body["progress"] == 30.0
    [row] = [
        row
        for row in client.get("/audit", headers=headers).get_json()
        if row["action"] == "objective.deleted"
    ]
    assert row["details"]["detached_children"] == [child["id"]]


def test_child_weight_must_be_positive(client, auth):
    _, _, headers = auth.user()
    answer = client.post(
        "/objectives", headers=headers, json={"title": "x", "period": "2026", "child_weight": 0}
    )
    assert answer.status_code == 422
    assert "child_weight" in answer.get_json()["errors"]["json"]


def test_a_cycle_made_behind_the_apis_back_still_reads(app, client, auth):
    """Two concurrent edits could link two objectives to each other: reads stay bounded."""
    from sqlalchemy import update

    from okr_app.extensions import db
    from okr_app.models import Objective

    _, _, headers = auth.user()
    first = objective(client, headers, period="2026", roll_up=True)
    second = objective(client, headers, period="2026", roll_up=True, parent_id=first["id"])
    key_result(client, headers, first["id"], 40)
    key_result(client, headers, second["id"], 80)
    with app.app_context():
        db.session.execute(
            update(Objective).where(Objective.id == first["id"]).values(parent_id=second["id"])
        )
        db.session.commit()
    single = read(client, headers, first["id"])
    assert listed(client, headers)[first["id"]]["progress"] == single["progress"]


def test_roll_up_reads_each_kind_of_key_result_by_its_own_rule(client, auth):
    _, _, headers = auth.user()
    year = objective(client, headers, period="2026", roll_up=True)
    # A decreasing key result, from 80 down to 60, standing at 70: 50 %.
    falling = create_key_result(client, headers, year["id"], start_value=80, target_value=60)
    assert check_in(client, headers, falling["id"], value=70).status_code == 201
    quarter = objective(client, headers, period="2026-Q1", parent_id=year["id"], child_weight=3)
    milestone = create_key_result(
        client, headers, quarter["id"], kind="milestone", due_on="2026-02-01"
    )
    done = client.post(
        f"/key-results/{milestone['id']}/check-ins", headers=headers, json={"done": True}
    )
    assert done.status_code == 201
    # quarter: the milestone done, 100; year: (50 * 1 + 100 * 3) / 4 = 87.5
    assert read(client, headers, quarter["id"])["progress"] == 100.0
    assert read(client, headers, year["id"])["progress"] == 87.5
    assert listed(client, headers)[year["id"]]["progress"] == 87.5
