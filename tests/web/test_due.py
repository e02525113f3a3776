"""Cadence in the interface: the "Due" panel, due and late key results, the cadence field."""

import re

import pytest
import time_machine

from tests.conftest import bearer
from tests.web.test_accounts import actions

# The clock moves by days: the browser's session must outlive that.
pytestmark = pytest.mark.settings(
    OKR_ACCESS_TOKEN_SECONDS=365 * 86400, OKR_REFRESH_TOKEN_SECONDS=365 * 86400
)


def _objective(web, title, key_result, cadence=""):
    """Create an objective of 2026-Q1 with one key result and a cadence; return its id."""
    return web.create_objective(
        title,
        check_in_every_days=cadence,
        **{
            "key_results-0-title": key_result,
            "key_results-0-metric": "things",
            "key_results-0-target_value": "10",
        },
    )


def _due_panel(client):
    """Return the text of the dashboard's "Due" panel."""
    page = client.get("/app").text
    return page.split('id="due-heading"', 1)[1].split("</section>", 1)[0]


def test_the_due_panel_lists_due_key_results_soonest_first_with_words(client, web):
    """Overdue and stale are badges with text; each item links to its key result."""
    with time_machine.travel("2026-01-05 10:00:00Z", tick=False) as clock:
        web.user()
        _objective(web, "Weekly", "Weekly signups", "7")
        _objective(web, "Often", "Sales calls", "2")
        _objective(web, "Whenever", "Blog posts")
        assert "Nothing due by this time tomorrow" in _due_panel(client)

        clock.move_to("2026-01-07 10:30:00Z")
        panel = _due_panel(client)
        assert ">Sales calls</a>" in panel and "Weekly signups" not in panel
        assert "due 2026-01-07 10:00 UTC" in panel
        assert '<span class="badge due-overdue">Overdue</span>' in panel

        clock.move_to("2026-01-12 10:30:00Z")
        panel = _due_panel(client)
        titles = re.findall(r'<a href="/app/key-results/\d+">([^<]+)</a>', panel)
        assert titles == ["Sales calls", "Weekly signups"]
        assert panel.index("Stale") < panel.index("Overdue")
        assert "Blog posts" not in panel
        link = re.search(r'<a href="(/app/key-results/\d+)">Weekly signups', panel).group(1)
        page = client.get(link).text
        assert "next check-in due 2026-01-12 10:00 UTC" in page
        assert '<span class="badge due-overdue">Overdue</span>' in page


def test_the_objective_page_shows_the_cadence_and_the_due_key_results(client, web):
    """The objective names its cadence; its key results say when they are due."""
    with time_machine.travel("2026-01-05 10:00:00Z", tick=False) as clock:
        web.user()
        objective_id = _objective(web, "Weekly", "Weekly signups", "7")
        page = client.get(f"/app/objectives/{objective_id}").text
        assert "Check in every 7 days" in page and "due 2026-01-12 10:00 UTC" in page
        assert '<span class="badge pace-stale">' not in page
        clock.move_to("2026-01-16 10:00:00Z")
        page = client.get(f"/app/objectives/{objective_id}").text
        assert '<span class="badge due-stale">Stale</span>' in page
        # The objective's pace is stale too, whatever its progress, as GET /stats says.
        assert '<span class="badge pace-stale">Stale</span>' in page
        assert '<span class="badge pace-stale">Stale</span>' in client.get("/app").text


def test_the_cadence_field_applies_the_api_rules_next_to_the_field(client, web, app):
    """1 to 92 days or empty, on the new objective form and the edit form."""
    web.user()
    for typed, message in (
        ("0", "Must be greater than or equal to 1 and less than or equal to 92."),
        ("93", "Must be greater than or equal to 1 and less than or equal to 92."),
        ("2.5", "Not a valid integer."),
    ):
        refused = web.post(
            "/app/new",
            {"title": "Grow", "period": "2026-Q1", "check_in_every_days": typed},
            form_page="/app/new",
        )
        assert refused.status_code == 422
        assert f'id="check_in_every_days-error">{message}</p>' in refused.text
        assert f'name="check_in_every_days" type="number" value="{typed}"' in refused.text

    objective_id = web.create_objective("Grow", check_in_every_days="14")
    path = f"/app/objectives/{objective_id}"
    assert "Check in every 14 days" in client.get(path).text
    edit = f"{path}/edit"
    form = {"title": "Grow", "period": "2026-Q1", "description": ""}
    page = client.get(path).text
    tag = re.search(r'name="etag" value="([^"]+)"', page).group(1)
    refused = web.post(edit, {**form, "etag": tag, "check_in_every_days": "100"}, form_page=path)
    assert refused.status_code == 422
    assert 'id="edit-check-in-every-days-error">Must be greater than' in refused.text
    saved = web.post(edit, {**form, "etag": tag, "check_in_every_days": "3"}, form_page=path)
    assert saved.status_code == 303
    assert "Check in every 3 days" in client.get(path).text
    tag = re.search(r'name="etag" value="([^"]+)"', client.get(path).text).group(1)
    cleared = web.post(edit, {**form, "etag": tag, "check_in_every_days": ""}, form_page=path)
    assert cleared.status_code == 303
    assert "No check-in cadence" in client.get(path).text
    assert actions(app)[-2:] == ["objective.updated", "objective.updated"]


def test_the_cadence_edit_needs_the_csrf_token_and_the_owner(client, web, app):
    """Without the token the edit is refused; another user's objective answers 404."""
    web.user()
    objective_id = web.create_objective("Mine", check_in_every_days="7")
    edit = f"/app/objectives/{objective_id}/edit"
    form = {"title": "Mine", "period": "2026-Q1", "check_in_every_days": "1"}
    without = client.post(edit, data=form)
    assert without.status_code == 400
    web.user()
    other = web.post(edit, form, form_page="/app")
    assert other.status_code == 404


def test_the_history_shows_where_each_check_in_came_from(client, web, auth):
    """A check-in's ``source`` (a script's name) is a column of the history."""
    email = web.user()
    objective_id = _objective(web, "Fed by scripts", "Steps")
    page = client.get(f"/app/objectives/{objective_id}").text
    path = re.search(r'href="(/app/key-results/(\d+))"', page)
    token = auth.login(email).get_json()["access_token"]
    recorded = client.post(
        "/check-ins",
        headers=bearer(token),
        json={
            "check_ins": [
                {"key_result_id": int(path.group(2)), "value": 4, "source": "home-assistant"}
            ]
        },
    )
    assert recorded.status_code == 201, recorded.get_json()
    history = client.get(path.group(1)).text.split(">History</h2>", 1)[1]
    assert '<th scope="col">Source</th>' in history
    assert "<td>home-assistant</td>" in history


def test_a_due_milestone_reads_as_done_or_not(client, web):
    """The panel says where each key result stands by its kind, never "0 things"."""
    with time_machine.travel("2026-01-05 10:00:00Z", tick=False) as clock:
        web.user()
        web.create_objective(
            "Launch",
            check_in_every_days="2",
            **{
                "key_results-0-title": "Ship it",
                "key_results-0-metric": "things",
                "key_results-0-kind": "milestone",
            },
        )
        clock.move_to("2026-01-07 10:30:00Z")
        panel = _due_panel(client)
    assert ">Ship it</a>" in panel
    assert "milestone, not done yet (0 %)" in panel and "0 things" not in panel
