"""Parents and children through closing, copying, export, import and the statistics."""

from datetime import UTC, datetime

import time_machine

from tests.factories import check_in, create_key_result, create_objective


def key_result(client, headers, objective_id, value, weight=1):
    """Create a 0-to-100 key result standing at ``value``."""
    created = create_key_result(
        client, headers, objective_id, start_value=0, target_value=100, weight=weight
    )
    if value:
        assert check_in(client, headers, created["id"], value=value).status_code == 201
    return created


def family(client, headers):
    """A year rolling up over two quarters (one with a month under it); return all four."""
    year = create_objective(client, headers, title="Year", period="2026", roll_up=True)
    key_result(client, headers, year["id"], 20)
    first = create_objective(
        client, headers, title="Q1", period="2026-Q1", parent_id=year["id"], child_weight=2
    )
    key_result(client, headers, first["id"], 50)
    second = create_objective(client, headers, title="Q2", period="2026-Q2", parent_id=year["id"])
    key_result(client, headers, second["id"], 80)
    month = create_objective(
        client, headers, title="April", period="2026-04", parent_id=second["id"]
    )
    return year, first, second, month


def test_closing_a_parent_freezes_the_rolled_up_progress_and_keeps_the_children(client, auth):
    _, _, headers = auth.user()
    year, first, _, _ = family(client, headers)
    # (20 * 1 + 50 * 2 + 80 * 1) / 4 = 50
    closed = client.post(
        f"/objectives/{year['id']}/close", headers=headers, json={"outcome": "missed"}
    )
    assert closed.status_code == 200
    assert closed.get_json()["closing"]["final_progress"] == 50.0
    child = client.get(f"/objectives/{first['id']}", headers=headers).get_json()
    assert child["status"] == "active" and child["parent_id"] == year["id"]


def test_a_closed_child_counts_in_the_roll_up_as_frozen_at_its_closing(client, auth):
    with time_machine.travel(datetime(2026, 2, 5, 10, tzinfo=UTC), tick=False):
        _, _, headers = auth.user()
        year = create_objective(client, headers, title="Year", period="2026", roll_up=True)
        first = create_objective(
            client, headers, title="Q1", period="2026-Q1", parent_id=year["id"]
        )
        measured = key_result(client, headers, first["id"], 50)
        path = f"/objectives/{first['id']}"
        closed = client.post(f"{path}/close", headers=headers, json={"outcome": "missed"})
        assert closed.status_code == 200
        assert check_in(client, headers, measured["id"], value=100).status_code == 201
        single = client.get(f"/objectives/{year['id']}", headers=headers).get_json()
        listed = {item["id"]: item for item in client.get("/objectives", headers=headers).json}
        stats = client.get("/stats", headers=headers).get_json()
        closing = client.post(
            f"/objectives/{year['id']}/close", headers=headers, json={"outcome": "missed"}
        ).get_json()["closing"]
        assert client.post(f"{path}/reopen", headers=headers).status_code == 200
        reopened = client.get(f"/objectives/{year['id']}", headers=headers).get_json()
    # The child itself reads 100 now; its parent counts it at 50, as at its closing.
    assert listed[first["id"]]["progress"] == 100.0
    assert single["progress"] == listed[year["id"]]["progress"] == 50.0
    assert stats["objectives"]["counted_once_average_progress"] == 50.0
    # Expected as it counts, at 50: the year, with nothing else under it, is exactly on track.
    assert [
        (entry["progress"], entry["expected_progress"], entry["status"]) for entry in stats["pace"]
    ] == [(50.0, 50.0, "on_track")]
    assert closing["final_progress"] == 50.0
    # Reopened, the child counts live again.
    assert reopened["progress"] == 100.0


def test_a_copy_leaves_the_children_unless_asked(client, auth):
    _, _, headers = auth.user()
    year, _, _, _ = family(client, headers)
    copy = client.post(f"/objectives/{year['id']}/copy", headers=headers, json={"period": "2027"})
    assert copy.status_code == 201
    assert copy.get_json()["children"] == []
    assert copy.get_json()["roll_up"] is True


def test_a_copy_with_children_moves_every_level_by_the_same_months(client, auth):
    _, _, headers = auth.user()
    year, first, second, month = family(client, headers)
    answer = client.post(
        f"/objectives/{year['id']}/copy",
        headers=headers,
        json={"period": "2027", "with_children": True},
    )
    assert answer.status_code == 201, answer.get_json()
    copy = answer.get_json()
    assert [child["title"] for child in copy["children"]] == ["Q1", "Q2"]
    children = [
        client.get(f"/objectives/{child['id']}", headers=headers).get_json()
        for child in copy["children"]
    ]
    assert [child["period"] for child in children] == ["2027-Q1", "2027-Q2"]
    assert children[0]["child_weight"] == 2.0
    [grandchild] = children[1]["children"]
    moved = client.get(f"/objectives/{grandchild['id']}", headers=headers).get_json()
    assert moved["period"] == "2027-04" and moved["copied_from_id"] == month["id"]
    # The originals keep their own links.
    original = client.get(f"/objectives/{year['id']}", headers=headers).get_json()
    assert [child["id"] for child in original["children"]] == [first["id"], second["id"]]


def test_a_copy_with_children_needs_a_period_of_the_same_length(client, auth):
    _, _, headers = auth.user()
    year, _, _, _ = family(client, headers)
    answer = client.post(
        f"/objectives/{year['id']}/copy",
        headers=headers,
        json={"period": "2027-Q1", "with_children": True},
    )
    assert answer.status_code == 422
    assert "period" in answer.get_json()["errors"]["json"]


def test_a_copied_child_stays_under_its_parent_only_inside_its_period(client, auth):
    _, _, headers = auth.user()
    year, first, _, _ = family(client, headers)
    inside = client.post(
        f"/objectives/{first['id']}/copy", headers=headers, json={"period": "2026-Q3"}
    ).get_json()
    outside = client.post(
        f"/objectives/{first['id']}/copy", headers=headers, json={"period": "2027-Q1"}
    ).get_json()
    assert inside["parent_id"] == year["id"]
    assert outside["parent_id"] is None


def test_export_and_import_keep_the_links(client, auth):
    _, _, headers = auth.user()
    year, first, _, _ = family(client, headers)
    document = client.get("/export", headers=headers).get_json()
    records = {record["id"]: record for record in document["objectives"]}
    assert records[first["id"]]["parent_id"] == year["id"]
    assert records[year["id"]]["roll_up"] is True
    assert records[first["id"]]["child_weight"] == 2.0
    _, _, other = auth.user()
    imported = client.post("/import", headers=other, json=document)
    assert imported.status_code == 201, imported.get_json()
    new_ids = imported.get_json()["objective_ids"]
    by_title = {}
    for new_id in new_ids:
        body = client.get(f"/objectives/{new_id}", headers=other).get_json()
        by_title[body["title"]] = body
    assert by_title["Q1"]["parent_id"] == by_title["Year"]["id"]
    assert by_title["April"]["parent_id"] == by_title["Q2"]["id"]
    assert by_title["Year"]["progress"] == 50.0


def test_an_import_refuses_a_cycle_an_uncontained_period_and_an_unknown_parent(client, auth):
    _, _, headers = auth.user()

    def record(number, period, parent_id):
        return {
            "id": number,
            "title": f"O{number}",
            "period": period,
            "status": "active",
            "parent_id": parent_id,
        }

    document = {
        "version": 1,
        "objectives": [
            record(1, "2026", 2),
            record(2, "2026", 1),
            record(3, "2026-Q1", 4),
            record(4, "2026-Q2", None),
            record(5, "2026-Q1", 99),
        ],
    }
    answer = client.post("/import", headers=headers, json=document)
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]["json"]  # nested fields named by their path
    assert set(errors) == {f"objectives.{index}.parent_id" for index in (0, 1, 2, 4)}


def test_stats_count_top_level_objectives_and_roll_ups_once(client, auth):
    _, _, headers = auth.user()
    family(client, headers)
    standalone = create_objective(client, headers, title="Alone", period="2026-Q3")
    key_result(client, headers, standalone["id"], 10)
    totals = client.get("/stats", headers=headers).get_json()["objectives"]
    assert totals["total"] == 5
    assert totals["top_level"] == 2
    assert totals["roll_ups"] == 1
    # Year (50, its quarters inside) and Alone (10); the quarters and the month are not
    # counted again: Q2 does not roll up, so April counts on its own.
    assert totals["counted_once"] == 3
    assert totals["counted_once_average_progress"] == round((50 + 10 + 0) / 3, 2)


def test_stats_count_an_objective_once_through_a_parent_left_out(client, auth):
    """Year > archived Q4 > November, each rolling up: November counts inside Year only."""
    _, _, headers = auth.user()
    year = create_objective(client, headers, title="Year", period="2026", roll_up=True)
    quarter = create_objective(
        client, headers, title="Q4", period="2026-Q4", parent_id=year["id"], roll_up=True
    )
    month = create_objective(
        client, headers, title="Nov", period="2026-11", parent_id=quarter["id"]
    )
    key_result(client, headers, month["id"], 80)
    path = f"/objectives/{quarter['id']}"
    assert client.patch(path, headers=headers, json={"status": "archived"}).status_code == 200
    totals = client.get("/stats", headers=headers).get_json()["objectives"]
    assert totals["total"] == 2  # Year and November; the archived quarter is left out
    assert totals["counted_once"] == 1
    assert totals["counted_once_average_progress"] == 80.0  # Year's, November inside it
