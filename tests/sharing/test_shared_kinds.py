"""What a share link shows of each kind of key result, and the progress expected by kind."""

import re
from datetime import UTC, datetime

import time_machine

from tests.factories import create_key_result, create_objective
from tests.sharing.test_share_links import JSON, path_of


def test_every_kind_of_key_result_is_shown_with_its_chart(client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers, title="Kinds")
    create_key_result(
        client,
        headers,
        objective["id"],
        title="Uptime",
        kind="stay_above",
        threshold=10,
        current_value=12,
    )
    create_key_result(
        client, headers, objective["id"], title="Launch", kind="milestone", due_on="2026-02-01"
    )
    link = client.post(f"/objectives/{objective['id']}/share", headers=headers, json={})
    url = path_of(link.get_json()["url"])
    page = client.get(url)
    assert page.status_code == 200
    assert page.text.count('class="chart"') == 2
    ids = re.findall(r'\bid="([^"]+)"', page.text)
    assert len(ids) == len(set(ids)), ids  # each chart labels itself, not the first one
    body = client.get(url, headers=JSON).get_json()
    kinds = [(item["title"], item["kind"]) for item in body["key_results"]]
    assert kinds == [("Uptime", "stay_above"), ("Launch", "milestone")]
    # Start and target are null for these kinds, as the owner's own answer shows them.
    own = client.get(f"/objectives/{objective['id']}", headers=headers).get_json()
    for shown, item in zip(body["key_results"], own["key_results"], strict=True):
        assert (shown["start_value"], shown["target_value"]) == (None, None)
        assert (item["start_value"], item["target_value"]) == (None, None)
    # The goal by kind, as the owner's answer states it.
    goal = ("threshold", "range_min", "range_max", "due_on", "in_band", "done")
    for shown, item in zip(body["key_results"], own["key_results"], strict=True):
        assert {name: shown[name] for name in goal} == {name: item[name] for name in goal}
    assert (body["key_results"][0]["threshold"], body["key_results"][1]["due_on"]) == (
        10,
        "2026-02-01",
    )
    assert "stay at or above 10" in page.text and "milestone, not done yet" in page.text
    assert "from - to -" not in page.text


def test_the_progress_expected_by_today_is_the_owners_by_kind(client, auth):
    with time_machine.travel(datetime(2026, 2, 15, 12, tzinfo=UTC), tick=False):
        _, _, headers = auth.user()
        objective = create_objective(client, headers, title="Kinds", period="2026-Q1")
        create_key_result(client, headers, objective["id"], start_value=0, target_value=10)
        create_key_result(
            client, headers, objective["id"], kind="stay_above", threshold=10, current_value=12
        )
        link = client.post(f"/objectives/{objective['id']}/share", headers=headers, json={})
        url = path_of(link.get_json()["url"])
        shown = client.get(url, headers=JSON).get_json()["expected_progress"]
        stats = client.get("/stats", headers=headers).get_json()
        page = client.get(url).text
    # 46 of Q1's 90 days elapsed for the increase, 100 for the stay_above: (51.11 + 100) / 2.
    (pace,) = stats["pace"]
    assert shown == pace["expected_progress"] == 75.56
    assert "75.6 % expected by today" in page
