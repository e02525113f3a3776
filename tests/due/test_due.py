"""Cadence through the API: due_at, overdue and stale by a frozen clock, GET /due and /stats."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.factories import check_in, create_key_result, create_objective

CREATED = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
# The clock moves by weeks: tokens must outlive that.
pytestmark = pytest.mark.settings(
    OKR_ACCESS_TOKEN_SECONDS=365 * 86400, OKR_REFRESH_TOKEN_SECONDS=365 * 86400
)


@pytest.fixture
def clock():
    """A frozen clock at the creation moment, moved by the test."""
    with time_machine.travel(CREATED, tick=False) as traveller:
        yield traveller


def read(client, headers, key_result_id):
    """Return a key result as GET answers it, and as the objective list shows it."""
    single = client.get(f"/key-results/{key_result_id}", headers=headers).get_json()
    listed = [
        item
        for objective in client.get("/objectives", headers=headers).get_json()
        for item in objective["key_results"]
        if item["id"] == key_result_id
    ]
    assert listed == [single]
    return single


def state(item):
    """Return the cadence fields of a key result."""
    return item["due_at"], item["overdue"], item["stale"], item["pace_status"]


def test_due_overdue_and_stale_move_with_the_clock_and_check_ins(client, auth, clock):
    _, _, headers = auth.user()
    objective = create_objective(client, headers, check_in_every_days=7)
    assert objective["check_in_every_days"] == 7
    key_result = create_key_result(client, headers, objective["id"], current_value=10)

    clock.move_to(datetime(2026, 1, 12, 9, 59, tzinfo=UTC))
    # The value stated on creation is the first check-in: due a week after it.
    assert state(read(client, headers, key_result["id"])) == (
        "2026-01-12T10:00:00+00:00",
        False,
        False,
        "on_track",
    )
    clock.move_to(datetime(2026, 1, 12, 10, 1, tzinfo=UTC))
    assert state(read(client, headers, key_result["id"]))[1:3] == (True, False)
    clock.move_to(datetime(2026, 1, 15, 10, 1, tzinfo=UTC))
    assert state(read(client, headers, key_result["id"]))[1:] == (True, True, "stale")

    stats = client.get("/stats", headers=headers).get_json()
    assert (stats["key_results"]["overdue"], stats["key_results"]["stale"]) == (1, 1)
    assert [entry["status"] for entry in stats["pace"]] == ["stale"]

    response = check_in(client, headers, key_result["id"], value=20)
    assert response.status_code == 201
    assert state(response.get_json()["key_result"]) == (
        "2026-01-22T10:01:00+00:00",
        False,
        False,
        "ahead",  # 20 % done, 15 of 90 days (16.67 %) gone
    )
    stats = client.get("/stats", headers=headers).get_json()
    assert (stats["key_results"]["overdue"], stats["key_results"]["stale"]) == (0, 0)
    assert [entry["status"] for entry in stats["pace"]] == ["ahead"]

    # A late check-in with an earlier `at` does not move the due date.
    late = check_in(client, headers, key_result["id"], value=15, at="2026-01-14T00:00:00Z")
    assert late.get_json()["key_result"]["due_at"] == "2026-01-22T10:01:00+00:00"


def test_nothing_is_due_without_a_current_active_cadence(client, auth, clock):
    _, _, headers = auth.user()
    plain = create_objective(client, headers)
    later = create_objective(client, headers, period="2026-Q2", check_in_every_days=1)
    closed = create_objective(client, headers, check_in_every_days=1)
    ids = [
        create_key_result(client, headers, objective["id"])["id"]
        for objective in (plain, later, closed)
    ]
    close = client.post(
        f"/objectives/{closed['id']}/close", headers=headers, json={"outcome": "missed"}
    )
    assert close.status_code == 200
    clock.move_to(datetime(2026, 3, 1, tzinfo=UTC))
    for key_result_id in ids:
        assert state(read(client, headers, key_result_id))[:3] == (None, False, False)
    assert client.get("/due?until=2027-01-01T00:00:00Z", headers=headers).get_json() == []


def test_due_lists_the_callers_due_key_results_soonest_first(client, auth, clock):
    _, _, headers = auth.user()
    weekly = create_objective(client, headers, title="Weekly", check_in_every_days=7)
    daily = create_objective(client, headers, title="Daily", check_in_every_days=1)
    first = create_key_result(client, headers, weekly["id"], title="weekly kr")
    second = create_key_result(client, headers, daily["id"], title="daily kr", current_value=5)
    create_objective(client, headers, title="No cadence")
    _, _, other = auth.user()
    other_objective = create_objective(client, other, check_in_every_days=1)
    create_key_result(client, other, other_objective["id"])

    clock.move_to(datetime(2026, 1, 6, 9, 0, tzinfo=UTC))
    due = client.get("/due", headers=headers)
    assert due.status_code == 200
    assert [item["id"] for item in due.get_json()] == [second["id"]]
    item = due.get_json()[0]
    assert item == {
        "id": second["id"],
        "title": "daily kr",
        "metric": "people",
        "objective_id": daily["id"],
        "objective_title": "Daily",
        "due_at": "2026-01-06T10:00:00+00:00",
        "overdue": False,
        "stale": False,
        "current_value": 5.0,
        "kind": "increase",
        "target_value": 100.0,
        "progress": 5.0,
        "pace_status": "on_track",
    }
    until = client.get("/due?until=2026-01-12T10:00:00Z", headers=headers).get_json()
    assert [item["id"] for item in until] == [second["id"], first["id"]]
    clock.move_to(datetime(2026, 1, 20, tzinfo=UTC))
    overdue = client.get("/due", headers=headers).get_json()
    assert [(item["id"], item["overdue"], item["stale"]) for item in overdue] == [
        (second["id"], True, True),
        (first["id"], True, True),
    ]
    assert client.get("/due?until=soon", headers=headers).status_code == 422
    assert client.get("/due").status_code == 401


def test_a_check_in_due_after_the_period_is_never_listed(client, auth, clock):
    _, _, headers = auth.user()
    clock.move_to(datetime(2026, 3, 20, 10, 0, tzinfo=UTC))
    objective = create_objective(client, headers, period="2026-Q1", check_in_every_days=30)
    key_result = create_key_result(client, headers, objective["id"], current_value=10)
    monthly = create_objective(client, headers, period="2026-03", check_in_every_days=11)
    in_period = create_key_result(client, headers, monthly["id"], current_value=10)
    # Due on April 19 and March 31: only the second falls within its period.
    assert read(client, headers, key_result["id"])["due_at"] == "2026-04-19T10:00:00+00:00"
    listed = client.get("/due?until=2026-05-01T00:00:00Z", headers=headers).get_json()
    assert [(item["id"], item["due_at"]) for item in listed] == [
        (in_period["id"], "2026-03-31T10:00:00+00:00")
    ]
    clock.move_to(datetime(2026, 4, 20, 10, 0, tzinfo=UTC))
    assert state(read(client, headers, key_result["id"]))[:3] == (None, False, False)


def test_a_key_result_created_in_advance_is_due_from_the_period_start(client, auth, clock):
    _, _, headers = auth.user()
    objective = create_objective(client, headers, period="2026-Q2", check_in_every_days=7)
    key_result = create_key_result(client, headers, objective["id"])

    def counted():
        stats = client.get("/stats", headers=headers).get_json()
        pace = [entry["status"] for entry in stats["pace"]]
        return stats["key_results"]["overdue"], stats["key_results"]["stale"], pace

    clock.move_to(datetime(2026, 4, 1, 0, 1, tzinfo=UTC))
    assert state(read(client, headers, key_result["id"])) == (
        "2026-04-08T00:00:00+00:00",
        False,
        False,
        "on_track",
    )
    assert counted() == (0, 0, ["on_track"])
    clock.move_to(datetime(2026, 4, 11, 0, 1, tzinfo=UTC))
    assert state(read(client, headers, key_result["id"]))[1:] == (True, True, "stale")
    assert counted() == (1, 1, ["stale"])


@pytest.mark.parametrize("days", [0, 93, -1, 1.5, "7"])
def test_cadence_is_one_to_92_days(client, auth, days):
    _, _, headers = auth.user()
    response = client.post(
        "/objectives",
        headers=headers,
        json={"title": "x", "period": "2026-Q1", "check_in_every_days": days},
    )
    assert response.status_code == 422
    assert "check_in_every_days" in response.get_json()["errors"]["json"]


def test_cadence_can_be_set_and_removed(client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    assert objective["check_in_every_days"] is None
    path = f"/objectives/{objective['id']}"
    patched = client.patch(path, headers=headers, json={"check_in_every_days": 14})
    assert patched.get_json()["check_in_every_days"] == 14
    cleared = client.patch(path, headers=headers, json={"check_in_every_days": None})
    assert cleared.get_json()["check_in_every_days"] is None
    copy = client.post(
        f"/objectives/{objective['id']}/copy", headers=headers, json={"period": "2026-Q2"}
    )
    assert copy.get_json()["check_in_every_days"] is None


@pytest.mark.parametrize("microsecond", [600, 999_600])
def test_stats_count_overdue_to_the_microsecond_as_the_key_result_shows(
    client, auth, clock, microsecond
):
    _, _, headers = auth.user()
    objective = create_objective(client, headers, check_in_every_days=7)
    key_result = create_key_result(client, headers, objective["id"])
    checked = datetime(2026, 1, 6, 9, 0, 0, microsecond, tzinfo=UTC)
    clock.move_to(checked)
    assert check_in(client, headers, key_result["id"], value=1).status_code == 201
    # 200 microseconds after the due moment: within the millisecond it was checked in.
    due = checked + timedelta(days=7)
    clock.move_to(due + timedelta(microseconds=200))
    shown = read(client, headers, key_result["id"])
    assert (shown["due_at"], shown["overdue"]) == (due.isoformat(), True)
    assert client.get("/stats", headers=headers).get_json()["key_results"]["overdue"] == 1


def test_a_milestone_done_is_never_due_until_checked_in_as_not_done(client, auth, clock):
    """Done, it has nothing more to report: no due moment, no reminder, no stale pace."""
    _, _, headers = auth.user()
    objective = create_objective(client, headers, check_in_every_days=7)
    milestone = create_key_result(client, headers, objective["id"], kind="milestone")
    feed = client.post("/calendar/feed", headers=headers, json={}).get_json()["url"]
    feed = "/" + feed.split("/", 3)[3]
    clock.move_to(datetime(2026, 1, 20, tzinfo=UTC))  # 15 days on: overdue and stale
    assert state(read(client, headers, milestone["id"]))[1:] == (True, True, "stale")
    assert [item["id"] for item in client.get("/due", headers=headers).get_json()] == [
        milestone["id"]
    ]
    unfolded = client.get(feed).text.replace("\r\n ", "")
    assert "SUMMARY:Check in\\, overdue: Reach subscribers" in unfolded  # "," escaped

    done = check_in(client, headers, milestone["id"], done=True)
    assert done.status_code == 201
    clock.move_to(datetime(2026, 2, 20, tzinfo=UTC))  # a month later, nothing is asked of it
    assert state(read(client, headers, milestone["id"])) == (None, False, False, "done")
    assert client.get("/due?until=2026-03-31T00:00:00Z", headers=headers).get_json() == []
    stats = client.get("/stats", headers=headers).get_json()
    assert (stats["key_results"]["overdue"], stats["key_results"]["stale"]) == (0, 0)
    assert [entry["status"] for entry in stats["pace"]] == ["done"]
    assert "SUMMARY:Check in" not in client.get(feed).text

    undone = check_in(client, headers, milestone["id"], done=False)
    assert undone.status_code == 201
    assert undone.get_json()["key_result"]["due_at"] == "2026-02-27T00:00:00+00:00"
