"""A key result's page: the chart, check-ins (late ones too), editing and deleting."""

import re

import time_machine

from tests.web.conftest import etag_of
from tests.web.test_accounts import actions


def _key_result(client, web, target="100"):
    """Create an objective in 2026-Q1 with one key result; return the key result's page path."""
    web.user()
    objective_id = web.create_objective(
        **{
            "key_results-0-title": "Signups",
            "key_results-0-metric": "people",
            "key_results-0-target_value": target,
        }
    )
    page = client.get(f"/app/objectives/{objective_id}").text
    return re.search(r'href="(/app/key-results/\d+)"', page).group(1)


def test_check_ins_move_the_value_the_bar_and_the_chart(client, web, app):
    """Each check-in shows in the figures, the bar, the chart's steps and the history."""
    with time_machine.travel("2026-02-01 12:00:00Z", tick=False) as clock:
        path = _key_result(client, web)
        before = client.get(path).text
        assert "No check-ins yet." in before and 'class="line-values"' not in before
        assert web.post(path + "/check-ins", {"value": "20"}, form_page=path).status_code == 303
        clock.shift(86400 * 2)
        response = web.post(
            path + "/check-ins",
            {"value": "40", "confidence": "0.7", "note": "Good week"},
            form_page=path,
        )
        assert response.status_code == 303
        html = client.get(path).text
    assert "40 people: from 0 to 100" in html and "40 % done" in html
    assert 'width="40.00"' in html  # the bar
    assert html.count('class="point"') == 2 and 'class="line-values"' in html
    assert 'class="line-forecast"' in html and "Forecast: " in html
    assert '<title id="chart-title-1">Signups: value over 2026-Q1</title>' in html
    assert "2 check-ins, the latest 40 on 2026-02-03 12:00 UTC" in html
    assert '<td class="text">Good week</td>' in html and "<td>0.7</td>" in html
    assert actions(app)[-2:] == ["check_in.created", "check_in.created"]


def test_a_late_check_in_joins_the_history_without_changing_the_value(client, web):
    """ "At" records a value observed earlier; the latest one stays current."""
    path = _key_result(client, web)
    web.post(path + "/check-ins", {"value": "30"}, form_page=path)
    late = web.post(path + "/check-ins", {"value": "10", "at": "2026-01-15T09:30"}, form_page=path)
    assert late.status_code == 303
    html = client.get(path).text
    assert "30 people: from 0 to 100" in html
    assert "<td>2026-01-15 09:30 UTC</td><td>10</td>" in html


def test_check_in_refusals_show_the_api_messages(client, web):
    """A future moment, a confidence above 1 or no value is refused next to the field."""
    path = _key_result(client, web)
    response = web.post(
        path + "/check-ins",
        {"value": "", "confidence": "3", "at": "2999-01-01T00:00"},
        form_page=path,
    )
    assert response.status_code == 422
    html = response.text
    assert (
        'id="confidence-error">Must be greater than or equal to 0 and less than or equal to 1.'
        in html
    )
    assert 'id="at-error">Must not lie in the future.' in html
    # The form's words, not the API's list of body fields it does not show.
    empty = web.post(path + "/check-ins", {"value": ""}, form_page=path)
    assert 'id="value-error">Enter a value.' in empty.text
    assert "No check-ins yet." in html


def test_a_key_result_edit_from_a_stale_tab_is_refused(client, web, app):
    """The key result's form carries its version as well."""
    path = _key_result(client, web)
    tab = client.get(path)
    token = re.search(r'csrf_token" value="([^"]+)', tab.text).group(1)
    fields = {
        "csrf_token": token,
        "etag": etag_of(tab),
        "title": "Signups",
        "metric": "people",
        "start_value": "0",
        "target_value": "200",
        "weight": "1",
    }
    assert client.post(path + "/edit", data=fields).status_code == 303
    refused = client.post(path + "/edit", data={**fields, "target_value": "300"})
    assert refused.status_code == 412
    assert "changed elsewhere" in refused.text and 'value="300"' in refused.text
    assert "from 0 to 200" in refused.text


def test_a_key_result_is_deleted_after_confirmation(client, web, app):
    """The confirmation page says what goes; the delete is audited like the API's."""
    path = _key_result(client, web)
    web.post(path + "/check-ins", {"value": "5"}, form_page=path)
    confirm = client.get(path + "/delete")
    assert "Its one check-in goes with it." in confirm.text
    deleted = web.post(path + "/delete", {"etag": etag_of(confirm)}, form_page=path)
    assert deleted.status_code == 303
    assert client.get(path).status_code == 404
    assert actions(app)[-1] == "key_result.deleted"


def test_a_stale_delete_of_a_key_result_is_refused_on_its_page(client, web, app):
    """Confirmed from a page drawn before a check-in: 412 with why, nothing deleted."""
    path = _key_result(client, web)
    confirm = client.get(path + "/delete")
    web.post(path + "/check-ins", {"value": "5"}, form_page=path)
    refused = web.post(path + "/delete", {"etag": etag_of(confirm)}, form_page=path)
    assert refused.status_code == 412
    assert "changed elsewhere" in refused.text
    assert client.get(path).status_code == 200
    assert "key_result.deleted" not in actions(app)[:-1]


def test_a_check_in_is_confirmed_with_all_its_digits(client, web):
    """1312345.678 is confirmed as stated, never as 1.31235e+06."""
    path = _key_result(client, web, target="2000000")
    response = web.post(path + "/check-ins", {"value": "1312345.678"}, form_page=path)
    assert response.status_code == 303
    html = client.get(path).text
    assert "Checked in 1,312,345.678." in html
    assert "1,312,345.678 people: from 0 to 2,000,000" in html
