"""Check-ins: recording values, late updates, the history window and validation."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import bearer
from tests.factories import check_in, create_key_result, create_objective, create_token, pagination


@pytest.fixture
def key_result(client, auth):
    """A key result from 0 to 200 of a fresh user: ``(headers, key_result)``."""
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    return headers, create_key_result(client, headers, objective["id"], target_value=200)


def at(days_ago, hour=12):
    """Return an ISO timestamp ``days_ago`` days before now, at ``hour`` UTC."""
    moment = datetime.now(UTC) - timedelta(days=days_ago)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0).isoformat()


def current(client, headers, key_result_id):
    """Return the key result's current value and progress."""
    body = client.get(f"/key-results/{key_result_id}", headers=headers).get_json()
    return body["current_value"], body["progress"]


def test_check_in_updates_the_key_result(client, key_result):
    headers, item = key_result
    response = check_in(client, headers, item["id"], value=50, confidence=0.7, note=" on track ")
    assert response.status_code == 201
    body = response.get_json()
    assert (body["value"], body["progress"], body["confidence"]) == (50, 25, 0.7)
    assert body["note"] == "on track"
    assert body["key_result_id"] == item["id"]
    assert body["key_result"]["current_value"] == 50
    assert datetime.fromisoformat(body["at"]) <= datetime.now(UTC)
    assert current(client, headers, item["id"]) == (50, 25)


def test_check_in_by_progress(client, key_result):
    headers, item = key_result
    body = check_in(client, headers, item["id"], progress=40).get_json()
    assert body["value"] == pytest.approx(80)
    assert current(client, headers, item["id"]) == (pytest.approx(80), pytest.approx(40))


def test_the_latest_check_in_by_at_is_current(client, key_result):
    headers, item = key_result
    assert check_in(client, headers, item["id"], value=30, at=at(2)).status_code == 201
    assert current(client, headers, item["id"])[0] == 30
    # A late update for an earlier day joins the history only.
    assert check_in(client, headers, item["id"], value=10, at=at(5)).status_code == 201
    assert current(client, headers, item["id"])[0] == 30
    assert check_in(client, headers, item["id"], value=60, at=at(1)).status_code == 201
    assert current(client, headers, item["id"])[0] == 60
    # Equal ``at``: the last recorded wins.
    assert check_in(client, headers, item["id"], value=70, at=at(1)).status_code == 201
    assert current(client, headers, item["id"])[0] == 70
    history = client.get(f"/key-results/{item['id']}/check-ins", headers=headers).get_json()
    assert [entry["value"] for entry in history] == [10, 30, 60, 70]


def test_at_in_the_future_is_422(client, key_result):
    headers, item = key_result
    future = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    response = check_in(client, headers, item["id"], value=5, at=future)
    assert response.status_code == 422
    assert "at" in response.get_json()["errors"]["json"]
    assert current(client, headers, item["id"])[0] == 0


def test_naive_and_offset_times_are_utc(client, key_result):
    headers, item = key_result
    naive = check_in(client, headers, item["id"], value=1, at="2026-01-05T10:00:00").get_json()
    assert naive["at"] == "2026-01-05T10:00:00+00:00"
    offset = check_in(client, headers, item["id"], value=2, at="2026-01-05T10:00:00+02:00")
    assert offset.get_json()["at"] == "2026-01-05T08:00:00+00:00"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"note": "no value"},
        {"value": 1, "progress": 1},
        {"value": "x"},
        {"value": 1e16},
        {"progress": 150},
        {"value": 1, "confidence": 1.5},
        {"value": 1, "confidence": -0.1},
        {"value": 1, "note": "n" * 2001},
        {"value": 1, "at": "yesterday"},
        {"value": 1, "at": "0001-01-01T00:00:00+05:00"},
        {"value": 1, "at": "9999-12-31T23:00:00-05:00"},
        {"value": 1, "key_result_id": 3},
    ],
)
def test_bad_check_ins_are_422_and_change_nothing(client, key_result, body):
    headers, item = key_result
    response = check_in(client, headers, item["id"], **body)
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]
    assert client.get(f"/key-results/{item['id']}/check-ins", headers=headers).get_json() == []


def test_a_value_too_large_says_the_bounds_as_people_write_them(client, key_result):
    headers, item = key_result
    response = check_in(client, headers, item["id"], value=-1e16)
    assert response.get_json()["errors"]["json"] == {"value": ["Must lie between -1e15 and 1e15."]}


def test_history_window_and_pagination(client, key_result):
    headers, item = key_result
    for value, day in ((1, "01"), (2, "02"), (3, "03"), (4, "04")):
        check_in(client, headers, item["id"], value=value, at=f"2026-01-{day}T12:00:00Z")
    path = f"/key-results/{item['id']}/check-ins"

    def values(query):
        response = client.get(f"{path}?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return [entry["value"] for entry in response.get_json()]

    assert values("since=2026-01-02T12:00:00Z") == [2, 3, 4]
    assert values("until=2026-01-02T12:00:00Z") == [1, 2]
    assert values("since=2026-01-02&until=2026-01-03T23:59:59") == [2, 3]
    assert values("page=2&page_size=3") == [4]
    assert pagination(client.get(f"{path}?page_size=3", headers=headers))["total"] == 4
    for query in ("since=soon", "since=2026-01-03&until=2026-01-02", "page_size=101"):
        assert client.get(f"{path}?{query}", headers=headers).status_code == 422, query


def test_check_ins_of_a_missing_key_result_are_404(client, key_result):
    headers, _ = key_result
    assert check_in(client, headers, 999999, value=1).status_code == 404
    assert client.get("/key-results/999999/check-ins", headers=headers).status_code == 404
    assert client.get("/key-results/99999999999/check-ins", headers=headers).status_code == 404


def test_a_delta_adds_to_the_current_value(client, key_result):
    headers, item = key_result
    check_in(client, headers, item["id"], value=40, at=at(3))
    response = check_in(client, headers, item["id"], delta=2.5)
    assert response.status_code == 201
    assert response.get_json()["value"] == 42.5
    assert check_in(client, headers, item["id"], delta=-12.5).get_json()["value"] == 30
    assert current(client, headers, item["id"])[0] == 30


def test_deltas_add_as_the_numbers_are_written(client, auth):
    """Ten deltas of 0.1 reach a target of 1: done, counted complete, in every figure."""
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    item = create_key_result(client, headers, objective["id"], start_value=0, target_value=1)
    for _ in range(10):
        answer = check_in(client, headers, item["id"], delta=0.1)
    assert answer.get_json()["value"] == 1
    body = client.get(f"/key-results/{item['id']}", headers=headers).get_json()
    assert (body["current_value"], body["progress"], body["pace_status"]) == (1, 100, "done")
    stats = client.get("/stats", headers=headers).get_json()
    assert stats["key_results"]["completed"] == 1
    # A progress stands for the value it names: 50 % from 0.1 to 0.7 is 0.4.
    other = create_key_result(client, headers, objective["id"], start_value=0.1, target_value=0.7)
    assert check_in(client, headers, other["id"], progress=50).get_json()["value"] == 0.4


def test_exactly_one_of_value_progress_and_delta(client, key_result):
    headers, item = key_result
    bodies = [
        {},
        {"value": 1, "delta": 1},
        {"progress": 1, "delta": 1},
        {"value": 1, "progress": 1},
    ]
    for body in bodies:
        response = check_in(client, headers, item["id"], **body)
        assert response.status_code == 422, body
        assert "value" in response.get_json()["errors"]["json"], body


def test_a_delta_may_not_predate_the_latest_check_in(client, key_result):
    headers, item = key_result
    check_in(client, headers, item["id"], value=40, at=at(2))
    response = check_in(client, headers, item["id"], delta=1, at=at(3))
    assert response.status_code == 422
    assert "at" in response.get_json()["errors"]["json"]
    assert check_in(client, headers, item["id"], delta=1, at=at(1)).get_json()["value"] == 41


def test_a_delta_beyond_the_number_range_is_refused(client, key_result):
    headers, item = key_result
    check_in(client, headers, item["id"], value=1e15)
    response = check_in(client, headers, item["id"], delta=1)
    assert response.status_code == 422
    assert "delta" in response.get_json()["errors"]["json"]


def test_source_is_kept_shown_and_audited(client, auth, key_result):
    headers, item = key_result
    assert check_in(client, headers, item["id"], value=1).get_json()["source"] is None
    sent = check_in(client, headers, item["id"], value=2, source=" home-assistant ")
    assert sent.get_json()["source"] == "home-assistant"
    token = create_token(client, headers, name="Shortcuts on my phone")["token"]
    by_token = check_in(client, bearer(token), item["id"], value=3)
    assert by_token.get_json()["source"] == "Shortcuts on my phone"
    named = check_in(client, bearer(token), item["id"], value=4, source="n8n")
    assert named.get_json()["source"] == "n8n"
    too_long = check_in(client, headers, item["id"], value=5, source="x" * 101)
    assert "source" in too_long.get_json()["errors"]["json"]
    history = client.get(f"/key-results/{item['id']}/check-ins", headers=headers).get_json()
    assert [entry["source"] for entry in history] == [
        None,
        "home-assistant",
        "Shortcuts on my phone",
        "n8n",
    ]
    rows = client.get("/audit?action=check_in.created&outcome=success", headers=headers)
    assert [row["details"]["source"] for row in rows.get_json()][:2] == [
        "n8n",
        "Shortcuts on my phone",
    ]


def test_a_change_of_value_through_a_token_carries_its_name(client, key_result):
    headers, item = key_result
    token = bearer(create_token(client, headers, name="sync")["token"])
    assert client.patch(f"/key-results/{item['id']}", headers=token, json={"current_value": 9})
    history = client.get(f"/key-results/{item['id']}/check-ins", headers=headers).get_json()
    assert [(entry["value"], entry["source"]) for entry in history] == [(9, "sync")]
