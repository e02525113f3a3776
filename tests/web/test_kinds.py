"""Kinds of key result in the web interface: chosen on the forms, a Done box for milestones."""

import re

import time_machine

from tests.web.conftest import etag_of


def _objective(client, web, **row):
    """Create a 2026-Q1 objective with one key result from ``row``; return its page path."""
    web.user()
    objective_id = web.create_objective(
        **{
            "key_results-0-title": "Churn",
            "key_results-0-metric": "%",
            **{f"key_results-0-{name}": value for name, value in row.items()},
        }
    )
    page = client.get(f"/app/objectives/{objective_id}").text
    return re.search(r'href="(/app/key-results/\d+)"', page).group(1), page


def test_a_stay_below_key_result_is_created_from_the_new_objective_form(client, web):
    with time_machine.travel("2026-01-11 00:00:00Z", tick=False):
        # The start and target typed in are not the kind's and are left out.
        path, page = _objective(
            client, web, kind="stay_below", threshold="3", current_value="2.5", target_value="9"
        )
        assert "2.5 %: stay at or below 3" in page
        html = client.get(path).text
    assert "(in band)" in html
    assert 'class="line-target line-threshold"' in html and "Threshold</li>" in html
    assert '<option value="stay_below" selected>' in html
    assert 'name="threshold" type="number" value="3"' in html


def test_a_stay_kind_without_its_value_is_refused_on_the_form(client, web):
    web.user()
    response = web.post(
        "/app/new",
        {
            "title": "Keep it up",
            "period": "2026-Q1",
            "key_results-0-title": "Uptime",
            "key_results-0-metric": "%",
            "key_results-0-kind": "stay_above",
        },
        form_page="/app/new",
    )
    assert response.status_code == 422
    assert "Required for the kind “Stay above a threshold”." in response.text


def test_a_milestone_is_checked_in_with_a_done_box(client, web):
    with time_machine.travel("2026-01-11 00:00:00Z", tick=False):
        path, page = _objective(client, web, kind="milestone", due_on="2026-02-01")
        assert "milestone, not done yet, due 2026-02-01" in page
        html = client.get(path).text
        assert 'type="checkbox" value="true"' in html and " Done</label>" in html
        response = web.post(
            path + "/check-ins", {"milestone": "true", "done": "true"}, form_page=path
        )
        assert response.status_code == 303
        html = client.get(path).text
        assert "Checked in as done." in html
        assert "milestone, done" in html and "100 % done" in html
        assert 'class="done-marker"' in html and 'class="line-due"' in html
        assert 'class="line-expected"' not in html
        response = web.post(path + "/check-ins", {"milestone": "true"}, form_page=path)
        assert response.status_code == 303
        html = client.get(path).text
    assert "milestone, not done yet" in html
    # Done or not in words everywhere: the history, the chart's axis and its summary.
    history = html.split('id="history-heading"', 1)[1]
    assert history.count("<td>done</td>") == 1 and history.count("<td>not done</td>") == 1
    assert ">done</text>" in html and ">not done</text>" in html and ">0.5</text>" not in html
    assert "2 check-ins, the latest not done on" in html


def test_a_refused_milestone_check_in_keeps_the_done_box_as_posted(client, web):
    """A refused "At" brings the form back with the box as sent, not as the milestone stands."""
    box = re.compile(r'<input id="done"[^>]*>')
    with time_machine.travel("2026-01-11 00:00:00Z", tick=False):
        path, _page = _objective(client, web, kind="milestone", due_on="2026-02-01")
        assert "checked" not in box.search(client.get(path).text).group(0)
        for posted, ticked in (({"done": "true"}, True), ({}, False)):
            refused = web.post(
                path + "/check-ins",
                {"milestone": "true", "at": "garbage", **posted},
                form_page=path,
            )
            assert refused.status_code == 422
            assert ("checked" in box.search(refused.text).group(0)) is ticked
            checked_in = web.post(
                path + "/check-ins", {"milestone": "true", **posted}, form_page=path
            )
            assert checked_in.status_code == 303
            # The page drawn afresh shows the milestone as it now stands.
            assert ("checked" in box.search(client.get(path).text).group(0)) is ticked


def test_the_edit_form_changes_the_kind(client, web):
    with time_machine.travel("2026-01-11 00:00:00Z", tick=False):
        path, _page = _objective(client, web, target_value="100", current_value="40")
        page = client.get(path)
        response = web.post(
            path + "/edit",
            {
                "etag": etag_of(page),
                "title": "Churn",
                "metric": "%",
                "kind": "stay_in_range",
                "start_value": "0",
                "target_value": "100",
                "range_min": "30",
                "range_max": "50",
                "weight": "1",
            },
            form_page=path,
        )
        assert response.status_code == 303, response.text
        html = client.get(path).text
    assert "40 %: stay from 30 to 50 (in band)" in html
    assert 'class="band"' in html and 'class="line-expected"' not in html
    assert 'name="start_value" type="number" value=""' in html


def test_the_expected_progress_follows_the_kinds(client, web):
    with time_machine.travel("2026-01-11 00:00:00Z", tick=False):
        # A stay kind is expected in band all along: 100 expected on any day.
        _path, page = _objective(client, web, kind="stay_above", threshold="1", current_value="0")
        assert "100 % expected by today" in page
        assert "100 % expected by today" in client.get("/app?period=2026-Q1").text


def test_a_milestones_due_day_is_removed_by_emptying_it(client, web):
    with time_machine.travel("2026-01-11 00:00:00Z", tick=False):
        path, _page = _objective(client, web, kind="milestone", due_on="2026-02-20")
        page = client.get(path)
        assert 'name="due_on" type="date" value="2026-02-20"' in page.text
        form = {"etag": etag_of(page), "title": "Churn", "metric": "%", "weight": "1"}
        response = web.post(
            path + "/edit", {**form, "kind": "milestone", "due_on": ""}, form_page=path
        )
        assert response.status_code == 303, response.text
        assert 'name="due_on" type="date" value=""' in client.get(path).text


def test_clearing_a_value_that_defines_the_kind_is_refused_beside_it(client, web):
    with time_machine.travel("2026-01-11 00:00:00Z", tick=False):
        path, _page = _objective(client, web, target_value="100", current_value="40")
        form = {"etag": etag_of(client.get(path)), "title": "Churn", "metric": "%", "weight": "1"}
        for kind, field, kept in (
            ("increase", "target_value", {"start_value": "0"}),
            ("stay_above", "threshold", {}),
            ("stay_in_range", "range_max", {"range_min": "30"}),
        ):
            sent = {**form, **kept, "kind": kind, field: ""}
            refused = web.post(path + "/edit", sent, form_page=path)
            assert refused.status_code == 422, (kind, refused.status_code)
            assert '-error">Required: enter a number.</p>' in refused.text, field
        assert "Saved." not in client.get(path).text
        assert "40 %: from 0 to 100" in client.get(path).text


def test_stated_values_are_shown_with_all_their_digits(client, web):
    with time_machine.travel("2026-01-11 00:00:00Z", tick=False):
        path, page = _objective(
            client, web, kind="stay_above", threshold="99.999", current_value="99.998"
        )
        assert "stay at or above 99.999" in page
        html = client.get(path).text
    assert "99.998 %: stay at or above 99.999 (out of band)" in html


def test_a_stay_copy_without_its_value_says_so_on_its_page(client, web):
    """The copy's 0 is a placeholder: neither the figures nor the check-in form show it."""
    with time_machine.travel("2026-01-11 00:00:00Z", tick=False):
        _path, page = _objective(client, web, kind="stay_above", threshold="5", current_value="7")
        objective_page = re.search(r'action="(/app/objectives/\d+)/copy"', page).group(1)
        copied = web.post(objective_page + "/copy", {"period": "2026-Q2"}, form_page=objective_page)
        assert copied.status_code == 303
        copy_page = client.get(copied.headers["Location"]).text
        path = re.search(r'href="(/app/key-results/\d+)"', copy_page).group(1)
        html = client.get(path).text
    assert "no value yet: stay at or above 5" in html
    assert "In %; no value yet." in html and "now 0" not in html
