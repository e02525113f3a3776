"""Objectives in the interface: the dashboard, creating, editing, closing, copying, deleting."""

import re

import time_machine

from tests.web.conftest import etag_of
from tests.web.test_accounts import actions
from tests.web.test_parents import login_headers

KEY_RESULTS = {
    "key_results-0-title": "Subscribers",
    "key_results-0-metric": "people",
    "key_results-0-start_value": "1000",
    "key_results-0-target_value": "5000",
    "key_results-0-weight": "2",
    "key_results-1-title": "Unsubscribe rate",
    "key_results-1-metric": "%",
    "key_results-1-start_value": "3",
    "key_results-1-target_value": "1",
}


def test_the_dashboard_shows_the_current_quarter_and_switches_periods(client, web):
    """By default the current quarter; the switcher lists the user's periods."""
    web.user()
    with time_machine.travel("2026-11-25 12:00:00Z", tick=False):
        web.create_objective("This quarter", "2026-Q4", **KEY_RESULTS)
        web.create_objective("Last quarter", "2026-Q3")
        page = client.get("/app").get_data(as_text=True)
        assert "Objectives of 2026-Q4" in page and ">This quarter</a>" in page
        assert ">Last quarter</a>" not in page
        assert '<option value="2026-Q3">2026-Q3</option>' in page
        assert "0 % done" in page and "60.9 % expected by today" in page
        assert 'class="badge pace-at_risk">At risk<' in page
        other = client.get("/app?period=2026-Q3").get_data(as_text=True)
        assert ">Last quarter</a>" in other and ">This quarter</a>" not in other
        bad = client.get("/app?period=2026-Q9")
        assert bad.status_code == 422
        assert "is not a period" in bad.get_data(as_text=True)


def test_a_new_objective_with_key_results_is_audited_as_created(client, web, app):
    """One form creates the objective and the rows filled in; empty rows are left out."""
    web.user()
    objective_id = web.create_objective(**KEY_RESULTS)
    page = client.get(f"/app/objectives/{objective_id}").get_data(as_text=True)
    assert "Subscribers" in page and "Unsubscribe rate" in page
    assert "1,000 people: from 1,000 to 5,000" in page
    assert actions(app)[-1] == "objective.created"


def test_validation_errors_show_the_api_message_next_to_the_field(client, web, app):
    """A bad period or an equal start and target is refused where it was typed."""
    web.user()
    response = web.post(
        "/app/new",
        {
            "title": "Grow",
            "period": "2026-Q5",
            "key_results-0-title": "Flat",
            "key_results-0-metric": "x",
            "key_results-0-start_value": "5",
            "key_results-0-target_value": "5",
        },
        form_page="/app/new",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="period-error">&#39;2026-Q5&#39; is not a period. Use one of', html)
    assert 'id="key_results-0-target_value-error">Must differ from “Start value”.' in html
    assert 'value="Grow"' in html
    assert ">Grow</a>" not in client.get("/app?period=2026-Q1").get_data(as_text=True)


def test_an_edit_over_a_change_made_in_another_tab_is_refused_and_kept(client, web, app):
    """Two tabs hold the same version: the second save is refused and its values stay."""
    web.user()
    objective_id = web.create_objective()
    path = f"/app/objectives/{objective_id}"
    first_tab = client.get(path)
    token, tag = (
        re.search(r'csrf_token" value="([^"]+)', first_tab.text).group(1),
        etag_of(first_tab),
    )
    saved = client.post(
        path + "/edit",
        data={"csrf_token": token, "etag": tag, "title": "From tab one", "period": "2026-Q1"},
    )
    assert saved.status_code == 303
    refused = client.post(
        path + "/edit",
        data={"csrf_token": token, "etag": tag, "title": "From tab two", "period": "2026-Q1"},
    )
    assert refused.status_code == 412
    html = refused.get_data(as_text=True)
    assert "changed elsewhere" in html and 'value="From tab two"' in html
    assert "<h1>From tab one</h1>" in html
    again = client.post(
        path + "/edit",
        data={
            "csrf_token": token,
            "etag": etag_of(refused),
            "title": "From tab two",
            "period": "2026-Q1",
        },
    )
    assert again.status_code == 303
    assert "<h1>From tab two</h1>" in client.get(path).text
    assert actions(app)[-3:] == ["objective.updated"] * 3


def test_close_grade_reopen_copy_and_delete(client, web, app):
    """The objective's life through its page, each step audited like the API's."""
    web.user()
    objective_id = web.create_objective(**KEY_RESULTS)
    path = f"/app/objectives/{objective_id}"
    key_result = re.search(r'href="/app/key-results/(\d+)"', client.get(path).text).group(1)
    page = f"/app/key-results/{key_result}"
    assert web.post(page + "/check-ins", {"value": "2600"}, form_page=page).status_code == 303
    html = client.get(path).text
    # The progress beside the grade as the grade takes it, to 2 decimals: 26.67, not 26.7.
    assert "grades this objective <strong>0.27</strong> (progress 26.67 %)" in html
    closed = web.post(
        path + "/close",
        {"etag": etag_of(client.get(path)), "outcome": "missed", "retrospective": "Late."},
        form_page=path,
    )
    assert closed.status_code == 303
    html = client.get(path).text
    assert "Closed: missed, grade 0.27" in html and ">Reopen</button>" in html
    again = web.post(
        path + "/close", {"etag": etag_of(client.get(path)), "outcome": "missed"}, form_page=path
    )
    assert again.status_code == 409
    assert "The objective is closed already" in again.text
    reopened = web.post(path + "/reopen", {"etag": etag_of(client.get(path))}, form_page=path)
    assert reopened.status_code == 303
    assert "History of closings" in client.get(path).text
    copied = web.post(path + "/copy", {"period": "2026-Q2", "carry_values": "true"}, form_page=path)
    assert copied.status_code == 303
    copy_path = copied.headers["Location"]
    assert "2,600 people: from 1,000 to 5,000" in client.get(copy_path).text
    confirm = client.get(path + "/delete")
    assert "Its 2 key results and all their check-ins go with it." in confirm.text
    deleted = web.post(path + "/delete", {"etag": etag_of(confirm)}, form_page=path)
    assert deleted.status_code == 303
    assert client.get(path).status_code == 404
    assert actions(app)[-6:] == [
        "check_in.created",
        "objective.closed",
        "objective.closed",  # the refused second close, denied
        "objective.reopened",
        "objective.copied",
        "objective.deleted",
    ]


def test_a_key_result_is_added_from_the_objective_page(client, web):
    """The add form takes the API's fields and messages."""
    web.user()
    objective_id = web.create_objective()
    path = f"/app/objectives/{objective_id}"
    refused = web.post(path + "/key-results", {"title": "Signups", "metric": ""}, form_page=path)
    assert refused.status_code == 422
    assert 'id="new-kr-metric-error">Required.' in refused.text
    added = web.post(
        path + "/key-results",
        {"title": "Signups", "metric": "people", "target_value": "50"},
        form_page=path,
    )
    assert added.status_code == 303
    assert "0 people: from 0 to 50" in client.get(path).text


def test_the_add_form_shows_the_rules_of_a_kind_beside_their_fields(client, web):
    """Refusals the schema cannot state (the period, a kind's value) come back on the form."""
    web.user()
    objective_id = web.create_objective()
    path = f"/app/objectives/{objective_id}"
    late = {"title": "Ship", "metric": "done", "kind": "milestone", "due_on": "2027-01-01"}
    refused = web.post(path + "/key-results", late, form_page=path)
    assert refused.status_code == 422
    assert 'id="new-kr-due-on-error">Must lie in the period, 2026-01-01 to 2026-03-31.' in (
        refused.text
    )
    assert 'value="2027-01-01"' in refused.text
    unstated = {"title": "Uptime", "metric": "%", "kind": "stay_above", "threshold": "99"}
    refused = web.post(path + "/key-results", unstated, form_page=path)
    assert refused.status_code == 422
    assert (
        'id="new-kr-current-error">Required for the kind “Stay above a threshold”' in refused.text
    )
    assert "Uptime" not in client.get(path).text.split("<form")[0]


def test_a_key_result_row_refused_by_a_rule_keeps_the_new_objective_form(client, web, app):
    """A rule the schema cannot state marks the row's field; nothing of the form is saved."""
    web.user()
    created = len(actions(app))
    typed = {
        "title": "Ship",
        "period": "2026-Q1",
        "key_results-0-title": "Signups",
        "key_results-0-metric": "people",
        "key_results-1-title": "Launch",
        "key_results-1-metric": "done",
        "key_results-1-kind": "milestone",
        "key_results-1-due_on": "2027-05-01",
    }
    refused = web.post("/app/new", typed, form_page="/app/new")
    assert refused.status_code == 422
    assert 'id="key_results-1-due_on-error">Must lie in the period, 2026-01-01 to 2026-03-31.' in (
        refused.text
    )
    assert 'value="Ship"' in refused.text and 'value="2027-05-01"' in refused.text
    assert "Ship" not in client.get("/app").text
    assert actions(app)[created:] == ["objective.created"]  # the refusal, denied


def test_a_stale_delete_is_refused_on_the_page(client, web, app):
    """Deleting from a page drawn before a change: 412 with why, nothing deleted or audited."""
    web.user()
    objective_id = web.create_objective()
    path = f"/app/objectives/{objective_id}"
    tag = etag_of(client.get(path + "/delete"))
    changed = {"etag": tag, "title": "Changed", "period": "2026-Q1"}
    assert web.post(path + "/edit", changed, form_page=path).status_code == 303
    refused = web.post(path + "/delete", {"etag": tag}, form_page=path)
    assert refused.status_code == 412
    assert "changed elsewhere" in refused.text
    assert client.get(path).status_code == 200
    assert "objective.deleted" not in actions(app)[:-1]


def test_clearing_a_field_that_always_holds_a_value_is_refused(client, web):
    """An emptied title is refused beside the field, not saved as the old one."""
    web.user()
    objective_id = web.create_objective("Keep me")
    path = f"/app/objectives/{objective_id}"
    cleared = {"etag": etag_of(client.get(path)), "title": "", "period": "2026-Q1"}
    refused = web.post(path + "/edit", cleared, form_page=path)
    assert refused.status_code == 422
    assert 'aria-invalid="true"' in refused.text
    assert "Keep me" in client.get(path).text


def test_a_refused_copy_keeps_the_final_values_box_as_posted(client, web):
    """A refused period brings the copy form back with the box ticked only if it was."""
    web.user()
    path = f"/app/objectives/{web.create_objective()}"
    box = re.compile(r'<input type="checkbox" name="carry_values"[^>]*>')
    assert "checked" not in box.search(client.get(path).text).group(0)
    for posted, ticked in (({"carry_values": "true"}, True), ({}, False)):
        refused = web.post(path + "/copy", {"period": "2026-Q9", **posted}, form_page=path)
        assert refused.status_code == 422
        assert ("checked" in box.search(refused.text).group(0)) is ticked


def test_a_refused_close_keeps_the_version_it_was_drawn_from(client, web):
    """Sent back for a field's error, the close form still stands for the version first seen."""
    web.user()
    objective_id = web.create_objective(**KEY_RESULTS)
    path = f"/app/objectives/{objective_id}"
    seen = re.search(r'name="etag" value="([^"]+)"', close_form(client.get(path).text)).group(1)
    edited = {"etag": seen, "title": "Renamed elsewhere", "period": "2026-Q1"}
    assert web.post(path + "/edit", edited, form_page=path).status_code == 303
    too_long = {"etag": seen, "outcome": "missed", "retrospective": "x" * 2_001}
    refused = web.post(path + "/close", too_long, form_page=path)
    assert refused.status_code == 422
    kept = re.search(r'name="etag" value="([^"]+)"', close_form(refused.text)).group(1)
    assert kept == seen
    stale = web.post(path + "/close", {"etag": kept, "outcome": "missed"}, form_page=path)
    assert stale.status_code == 412
    assert "Closed: missed" not in client.get(path).text


def close_form(html):
    """Return the close form of an objective page."""
    return re.search(r'<form[^>]*action="[^"]*/close".*?</form>', html, re.S).group(0)


def test_a_copy_s_pages_have_titles_of_their_own(client, web):
    """A window's title tells a copy from its original: the period is in it."""
    email = web.user()
    original = web.create_objective("Grow", "2026-Q1", **KEY_RESULTS)
    headers = login_headers(client, email)
    copy = client.post(f"/objectives/{original}/copy", headers=headers, json={"period": "2026-Q2"})
    assert copy.status_code == 201
    key_results = {
        objective["period"]: objective["key_results"][0]["id"]
        for objective in client.get("/objectives", headers=headers).get_json()
    }
    titles = {
        period: [
            re.search(r"<title>(.*)</title>", client.get(path).text).group(1)
            for path in (
                f"/app/objectives/{objective_id}",
                f"/app/key-results/{key_results[period]}",
                f"/app/objectives/{objective_id}/share",
            )
        ]
        for period, objective_id in (("2026-Q1", original), ("2026-Q2", copy.get_json()["id"]))
    }
    assert titles["2026-Q1"] == [
        "Grow (2026-Q1) · okr-tracker",
        "Subscribers · Grow (2026-Q1) · okr-tracker",
        "Share Grow (2026-Q1) · okr-tracker",
    ]
    assert titles["2026-Q2"][0] == "Grow (2026-Q2) · okr-tracker"
    link = client.post(f"/objectives/{original}/share", headers=headers, json={}).get_json()
    shared = client.get("/" + link["url"].split("/", 3)[3]).text
    assert "<title>Grow (2026-Q1), shared · okr-tracker</title>" in shared
