"""A parent that rolls up is expected where its key results and its children are.

Its progress counts its children, so its expected progress counts them too, by the same
weights: /stats, the dashboard, the objective's page and its share link alike.
"""

from datetime import UTC, datetime

import pytest
import time_machine

from tests.conftest import bearer
from tests.factories import check_in, create_key_result, create_objective
from tests.web.conftest import WebActions

#: 46 of 2026's 365 days and of Q1's 90 days are over by the end of this day.
ON = datetime(2026, 2, 15, 12, tzinfo=UTC)
JSON = {"Accept": "application/json"}


@pytest.fixture
def frozen():
    """Freeze the clock at ``ON``."""
    with time_machine.travel(ON, tick=False):
        yield


def increase(client, headers, objective_id, value):
    """Create a 0-to-100 key result standing at ``value``."""
    created = create_key_result(client, headers, objective_id, start_value=0, target_value=100)
    if value:
        assert check_in(client, headers, created["id"], value=value).status_code == 201
    return created


def pace_of(client, headers, objective_id, **query):
    """Return the /stats pace entry of ``objective_id``."""
    answer = client.get("/stats", headers=headers, query_string=query)
    assert answer.status_code == 200, answer.get_json()
    return next(item for item in answer.get_json()["pace"] if item["objective_id"] == objective_id)


@pytest.fixture
def year(client, auth, frozen):
    """2026 rolls up: its own key result at 0 (weight 1), Q1 at 51 with child_weight 3.

    Progress (0 + 51 x 3) / 4 = 38.25; expected (12.60 + 51.11 x 3) / 4 = 41.48, where
    12.60 = 46/365 of the year and 51.11 = 46/90 of Q1: on track, 3.23 behind. Its own key
    result alone expects 12.60, which would read it 25.65 ahead.
    """
    _, _, headers = auth.user()
    parent = create_objective(client, headers, title="The year", period="2026", roll_up=True)
    increase(client, headers, parent["id"], 0)
    child = create_objective(
        client,
        headers,
        title="The quarter",
        period="2026-Q1",
        parent_id=parent["id"],
        child_weight=3,
    )
    increase(client, headers, child["id"], 51)
    return headers, parent, child


def test_stats_expect_a_parent_where_its_children_are(client, year):
    headers, parent, child = year
    entry = pace_of(client, headers, parent["id"])
    assert (entry["progress"], entry["expected_progress"]) == (38.25, 41.48)
    assert (entry["delta"], entry["status"]) == (-3.23, "on_track")
    assert pace_of(client, headers, child["id"])["expected_progress"] == 51.11


def test_stats_on_another_day_expect_the_children_on_that_day(client, year):
    headers, parent, _child = year
    # 31 March: Q1 is over (100), 90 of 365 days of the year (24.66): (24.66 + 300) / 4.
    entry = pace_of(client, headers, parent["id"], on="2026-03-31")
    assert entry["expected_progress"] == 81.16
    assert entry["status"] == "at_risk"


def test_a_grandchild_counts_through_a_child_that_rolls_up(client, auth, frozen):
    _, _, headers = auth.user()
    parent = create_objective(client, headers, period="2026", roll_up=True)
    half = create_objective(client, headers, period="2026-H1", parent_id=parent["id"], roll_up=True)
    quarter = create_objective(client, headers, period="2026-Q1", parent_id=half["id"])
    increase(client, headers, quarter["id"], 51)
    # The half has no key result of its own: it is expected where Q1 is, 51.11, and so is
    # the year (not 46/181 of the half, 25.41, nor 46/365 of the year, 12.60).
    assert pace_of(client, headers, half["id"])["expected_progress"] == 51.11
    assert pace_of(client, headers, parent["id"])["expected_progress"] == 51.11
    # Without roll-up on the middle level the year sees the half alone: 46/181 of it.
    patched = client.patch(f"/objectives/{half['id']}", headers=headers, json={"roll_up": False})
    assert patched.status_code == 200
    assert pace_of(client, headers, parent["id"])["expected_progress"] == 25.41


def test_a_closed_child_is_expected_at_its_frozen_progress(client, year):
    """Its outcome is settled: what changes under it since moves its parent's pace no more."""
    headers, parent, child = year
    closed = client.post(
        f"/objectives/{child['id']}/close", headers=headers, json={"outcome": "missed"}
    )
    assert closed.status_code == 200, closed.get_json()
    # (12.60 + 51 x 3) / 4: the quarter counts 51 in progress and expected alike.
    entry = pace_of(client, headers, parent["id"])
    assert (entry["progress"], entry["expected_progress"]) == (38.25, 41.4)
    later = create_key_result(
        client, headers, child["id"], kind="stay_above", threshold=10, current_value=0, weight=9
    )
    assert check_in(client, headers, later["id"], value=0).status_code == 201
    entry = pace_of(client, headers, parent["id"])
    assert (entry["progress"], entry["expected_progress"], entry["status"]) == (
        38.25,
        41.4,
        "on_track",
    )
    link = client.post(f"/objectives/{parent['id']}/share", headers=headers, json={})
    url = "/" + link.get_json()["url"].split("/", 3)[3]
    assert client.get(url, headers=JSON).get_json()["expected_progress"] == 41.4


def test_the_pages_and_the_share_link_take_the_same_figure(client, year):
    headers, parent, _child = year
    link = client.post(f"/objectives/{parent['id']}/share", headers=headers, json={})
    assert link.status_code == 201
    url = "/" + link.get_json()["url"].split("/", 3)[3]
    assert client.get(url, headers=JSON).get_json()["expected_progress"] == 41.48
    assert "41.5 % expected by today" in client.get(url).text
    email = client.get("/auth/me", headers=headers).get_json()["email"]
    assert WebActions(client).login(email).status_code == 303
    for page in (f"/app/objectives/{parent['id']}", "/app?period=2026"):
        text = client.get(page).text
        assert "41.5 % expected by today" in text, page
        assert 'class="badge pace-on_track">On track<' in text, page


def test_a_parent_staying_in_band_with_a_child_in_step_is_on_track(client, auth):
    """The README's example: expected 100 for the stay, 51.11 for Q1, (100 + 51.11) / 2."""
    with time_machine.travel(datetime(2026, 1, 1, 8, tzinfo=UTC), tick=False):
        profile, _, headers = auth.user()
        parent = create_objective(client, headers, period="2026", roll_up=True)
        create_key_result(
            client, headers, parent["id"], kind="stay_below", threshold=3, current_value=2
        )
        child = create_objective(client, headers, period="2026-Q1", parent_id=parent["id"])
        quarter = increase(client, headers, child["id"], 0)
    with time_machine.travel(ON, tick=False):
        headers = bearer(auth.login(profile["email"]).get_json()["access_token"])
        assert check_in(client, headers, quarter["id"], value=51).status_code == 201
        entry = pace_of(client, headers, parent["id"])
    assert (entry["progress"], entry["expected_progress"]) == (75.5, 75.56)
    assert entry["status"] == "on_track"
