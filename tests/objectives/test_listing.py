"""The objective list: sorting, filters, pagination, and a constant number of queries."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from okr_app.extensions import db
from tests.factories import (
    POINTS,
    check_in,
    create_key_result,
    create_objective,
    pagination,
    record_check_ins,
)


def titles(response):
    """Return the titles of a list response."""
    assert response.status_code == 200, response.get_json()
    return [item["title"] for item in response.get_json()]


def test_newest_first_with_key_results_embedded(client, auth):
    _, _, headers = auth.user()
    for number in range(3):
        objective = create_objective(client, headers, title=f"objective {number}")
    create_key_result(client, headers, objective["id"], title="kr a", current_value=50)
    create_key_result(client, headers, objective["id"], title="kr b")
    response = client.get("/objectives", headers=headers)
    assert titles(response) == ["objective 2", "objective 1", "objective 0"]
    newest = response.get_json()[0]
    assert [item["title"] for item in newest["key_results"]] == ["kr a", "kr b"]
    assert newest["progress"] == pytest.approx(25)
    assert response.get_json()[1]["key_results"] == []


def test_same_created_at_is_ordered_by_id(app, client, auth):
    _, _, headers = auth.user()
    ids = [create_objective(client, headers, title=str(n))["id"] for n in range(3)]
    with app.app_context():
        db.session.execute(
            db.text("UPDATE objectives SET created_at = (SELECT MIN(created_at) FROM objectives)")
        )
        db.session.commit()
    listed = [item["id"] for item in client.get("/objectives", headers=headers).get_json()]
    assert listed == sorted(ids, reverse=True)


def test_filters_by_period_status_and_title(client, auth):
    _, _, headers = auth.user()
    create_objective(client, headers, title="Grow Revenue", period="2026-Q1")
    create_objective(client, headers, title="Hire a designer", period="2026-Q1", status="missed")
    create_objective(client, headers, title="grow the team", period="2026-Q2")
    create_objective(client, headers, title="100% uptime", period="2026-Q2")
    create_objective(client, headers, title="1000 users", period="2026-Q2")
    create_objective(client, headers, title="Ünïcödé ÄBC", period="2026-Q3")

    def listed(query):
        return titles(client.get(f"/objectives?{query}", headers=headers))

    assert listed("period=2026-Q1") == ["Hire a designer", "Grow Revenue"]
    assert listed("status=missed") == ["Hire a designer"]
    assert listed("q=GROW") == ["grow the team", "Grow Revenue"]
    assert listed("q=grow&period=2026-Q2") == ["grow the team"]
    assert listed("q=100%25") == ["100% uptime"]
    assert listed("q=_") == []
    # Any alphabet's case, on SQLite as on PostgreSQL.
    for query in ("äbc", "ÜNÏ", "ünïcödé äbc"):
        assert listed(f"q={query}") == ["Ünïcödé ÄBC"], query
    assert listed("period=2026") == []
    for query in ("period=2026-Q5", "status=done", "q=" + "x" * 201):
        response = client.get(f"/objectives?{query}", headers=headers)
        assert response.status_code == 422, query


def test_the_title_search_takes_the_escape_character_literally(client, auth):
    _, _, headers = auth.user()
    create_objective(client, headers, title="CI/CD in a week")
    create_objective(client, headers, title="CI_CD% //done")
    for query, expected in (
        ("CI/CD", ["CI/CD in a week"]),
        ("/", ["CI_CD% //done", "CI/CD in a week"]),
        ("//", ["CI_CD% //done"]),
        ("/%", []),
        ("/_", []),
        ("_CD%", ["CI_CD% //done"]),
    ):
        listed = client.get("/objectives", headers=headers, query_string={"q": query})
        assert titles(listed) == expected, query


def test_pagination_defaults_to_20_with_metadata_in_the_header(client, auth):
    _, _, headers = auth.user()
    for number in range(23):
        create_objective(client, headers, title=f"o{number:02}")
    first = client.get("/objectives", headers=headers)
    assert len(first.get_json()) == 20
    assert pagination(first) == {
        "total": 23,
        "total_pages": 2,
        "first_page": 1,
        "last_page": 2,
        "page": 1,
        "next_page": 2,
    }
    second = client.get("/objectives?page=2", headers=headers)
    assert titles(second) == ["o02", "o01", "o00"]
    assert pagination(second)["previous_page"] == 1
    small = client.get("/objectives?page=3&page_size=5", headers=headers)
    assert titles(small) == ["o12", "o11", "o10", "o09", "o08"]
    beyond = client.get("/objectives?page=9", headers=headers)
    assert beyond.get_json() == []


def test_page_size_is_at_most_100(client, auth):
    _, _, headers = auth.user()
    assert client.get("/objectives?page_size=100", headers=headers).status_code == 200
    for query in ("page_size=101", "page_size=0", "page=0", "page=x"):
        response = client.get(f"/objectives?{query}", headers=headers)
        assert response.status_code == 422, query


@contextmanager
def counted_selects():
    """Count the SELECT statements sent to the database inside the block."""
    statements = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def selects_for_listing(app, client, headers):
    """Return how many SELECTs ``GET /objectives?page_size=100`` sends."""
    with app.app_context(), counted_selects() as statements:
        response = client.get("/objectives?page_size=100", headers=headers)
    assert response.status_code == 200
    return len(statements), response.get_json()


def test_listing_runs_a_constant_number_of_queries(app, client, auth):
    _, _, few_headers = auth.user()
    objective = create_objective(client, few_headers)
    create_key_result(client, few_headers, objective["id"])
    _, _, many_headers = auth.user()
    for number in range(50):
        objective = create_objective(client, many_headers)
        for _ in range(3):
            key_result = create_key_result(client, many_headers, objective["id"], current_value=10)
            check_in(client, many_headers, key_result["id"], value=4, at="2026-01-02T00:00:00Z")
        if number % 2:
            client.post(
                f"/objectives/{objective['id']}/close",
                headers=many_headers,
                json={"outcome": "missed"},
            )

    few, few_body = selects_for_listing(app, client, few_headers)
    many, many_body = selects_for_listing(app, client, many_headers)
    assert len(few_body) == 1 and len(many_body) == 50
    assert all(len(item["key_results"]) == 3 for item in many_body)
    assert all(item["forecast"] for body in many_body for item in body["key_results"])
    assert sum(item["closing"] is not None for item in many_body) == 25
    # The token check, the count, the page, its key results and their closings: the
    # forecasts come from the key results' stored trend sums, no check-in is read.
    assert few == many == 5
    # A page holding a parent adds one for its children's titles. (Parents that roll up add
    # at most three more: two levels below them and their key results.)
    year = create_objective(client, many_headers, title="The year", period="2026")
    create_objective(client, many_headers, title="A quarter of it", parent_id=year["id"])
    with_parent, body = selects_for_listing(app, client, many_headers)
    assert with_parent == 6
    (parent,) = [item for item in body if item["id"] == year["id"]]
    assert [child["title"] for child in parent["children"]] == ["A quarter of it"]


def test_listed_objectives_answer_what_each_objective_answers(client, auth):
    """The list is read as rows; each item must equal the objective's own GET body."""
    _, _, headers = auth.user()
    create_objective(client, headers, title="empty")
    described = create_objective(client, headers, title="described", description="why")
    rising = create_key_result(client, headers, described["id"], target_value=1000)
    record_check_ins(client, headers, rising["id"], POINTS)
    falling = create_key_result(
        client, headers, described["id"], start_value=50, target_value=10, weight=3
    )
    record_check_ins(client, headers, falling["id"], POINTS[:1])
    create_key_result(client, headers, described["id"], current_value=100)
    closed = create_objective(client, headers, title="closed, reopened, closed")
    create_key_result(client, headers, closed["id"], current_value=30)
    path = f"/objectives/{closed['id']}"
    steps = (("close", {"outcome": "missed"}), ("reopen", None)) * 2
    for step, body in (*steps, ("close", {"outcome": "achieved"})):
        assert client.post(f"{path}/{step}", headers=headers, json=body).status_code == 200
    copy = client.post(
        f"/objectives/{described['id']}/copy?carry_values=true",
        headers=headers,
        json={"period": "2026-Q2"},
    )
    assert copy.status_code == 201

    listed = client.get("/objectives", headers=headers).get_json()
    assert [item["title"] for item in listed] == [
        "described",
        "closed, reopened, closed",
        "described",
        "empty",
    ]
    assert listed[0]["copied_from_id"] == described["id"]
    assert listed[1]["closing"]["outcome"] == "achieved"
    assert listed[2]["projected_progress"] is not None
    for item in listed:
        own = client.get(f"/objectives/{item['id']}", headers=headers).get_json()
        assert item == own
