"""Two tabs editing one objective or key result: nothing saved over the other's change.

An edit form carries the version it was drawn from (its tag) and the values it showed
(``drawn``). A save refused with 412 shows the current value of every field left as it was
and keeps the fields typed, so that saving again applies both tabs' changes.
"""

import json
import re

from tests.conftest import PASSWORD
from tests.web.conftest import TOKEN
from tests.web.test_accounts import actions
from tests.web.test_key_results import _key_result


def _edit_form(page):
    """Return the Edit form's hidden fields as a browser posts them, and its drawn values."""
    html = page.get_data(as_text=True)
    section = html[html.index('aria-labelledby="edit-heading"') :]
    drawn = re.search(r"name=\"drawn\" value='([^']*)'", section).group(1)
    hidden = {
        "csrf_token": TOKEN.search(html).group(1),
        "etag": re.search(r'name="etag" value="([^"]+)"', section).group(1),
        "drawn": drawn,
    }
    return hidden, json.loads(drawn)


def _save(client, path, form):
    """Post ``form`` to the Edit form of the page at ``path``; return the answer."""
    return client.post(path + "/edit", data=form)


def _objective(client, web):
    """Create an objective with a description; return its page's path."""
    web.user()
    objective_id = web.create_objective(description="First words")
    return f"/app/objectives/{objective_id}"


def test_saving_again_keeps_the_other_tabs_change_to_another_field(client, web, app):
    """Tab one changes the description, tab two the title: after the 412, both are kept."""
    path = _objective(client, web)
    hidden, drawn = _edit_form(client.get(path))
    assert drawn == {
        "title": "Grow the newsletter",
        "period": "2026-Q1",
        "description": "First words",
        "check_in_every_days": "",
        "parent_id": "",
    }
    one = _save(client, path, {**hidden, **drawn, "description": "From tab one"})
    assert one.status_code == 303
    # The browser sends a textarea's line breaks as CRLF: the description still reads as
    # left untouched by tab two.
    two = {**drawn, "title": "From tab two", "description": "First words\r\n"}
    refused = _save(client, path, {**hidden, **two})
    assert refused.status_code == 412
    html = refused.text
    assert (
        "This objective was changed elsewhere (in another tab or window) after you opened this "
        "form, so nothing was saved. Changed there: Description; the form shows the new values. "
        "Your changes (Title) are kept: save again to apply them."
    ) in html
    assert 'value="From tab two"' in html and ">From tab one</textarea>" in html
    assert 'aria-invalid="true"' not in html  # no field was changed on both sides
    hidden, drawn = _edit_form(refused)
    assert drawn["description"] == "From tab one" and drawn["title"] == "Grow the newsletter"
    again = _save(
        client, path, {**hidden, **drawn, "title": "From tab two"}
    )  # the fields as the refused page shows them
    assert again.status_code == 303
    page = client.get(path).text
    assert "<h1>From tab two</h1>" in page and "From tab one" in page
    assert actions(app)[-3:] == ["objective.updated"] * 3


def test_a_field_changed_in_both_tabs_says_what_the_other_tab_saved(client, web):
    """The typed title stays, with the other tab's title beside it; saving again keeps it."""
    path = _objective(client, web)
    hidden, drawn = _edit_form(client.get(path))
    assert _save(client, path, {**hidden, **drawn, "title": "Tab one's"}).status_code == 303
    refused = _save(client, path, {**hidden, **drawn, "title": "Tab two's"})
    assert refused.status_code == 412
    assert (
        'id="edit-title-error">Changed elsewhere to “Tab one&#39;s”; saving again keeps the '
        "value shown here.</p>"
    ) in refused.text
    assert 'value="Tab two&#39;s"' in refused.text
    hidden, drawn = _edit_form(refused)
    assert _save(client, path, {**hidden, **drawn, "title": "Tab two's"}).status_code == 303
    assert "<h1>Tab two&#39;s</h1>" in client.get(path).text


def test_a_refused_field_keeps_the_version_the_form_was_drawn_from(client, web):
    """A 422 page carries the tag it was posted with: a save after it is still checked."""
    path = _objective(client, web)
    hidden, drawn = _edit_form(client.get(path))
    assert _save(client, path, {**hidden, **drawn, "title": "Tab one's"}).status_code == 303
    invalid = _save(client, path, {**hidden, **drawn, "title": " "})
    assert invalid.status_code == 422
    kept, kept_drawn = _edit_form(invalid)
    assert kept["etag"] == hidden["etag"] and kept_drawn == drawn
    fixed = _save(client, path, {**kept, **drawn, "period": "2026-Q2"})
    assert fixed.status_code == 412  # not saved over tab one's title
    assert "<h1>Tab one&#39;s</h1>" in fixed.text
    assert "Changed there: Title" in fixed.text and "Your changes (Period) are kept" in fixed.text


def test_a_key_result_edit_keeps_a_check_in_and_the_other_tabs_weight(client, web):
    """A check-in moves the version too; tab one's weight and tab two's target both stay."""
    path = _key_result(client, web)
    hidden, drawn = _edit_form(client.get(path))
    assert drawn["target_value"] == "100" and drawn["weight"] == "1"
    assert web.post(path + "/check-ins", {"value": "20"}, form_page=path).status_code == 303
    refused = _save(client, path, {**hidden, **drawn, "target_value": "300"})
    assert refused.status_code == 412
    assert "Changed there" not in refused.text  # a check-in changes none of the form's fields
    assert "Your changes (Target value) are kept" in refused.text
    assert _save(client, path, {**hidden, **drawn, "weight": "3"}).status_code == 412
    one, one_drawn = _edit_form(client.get(path))
    assert _save(client, path, {**one, **one_drawn, "weight": "3"}).status_code == 303
    hidden, drawn = _edit_form(refused)
    again = _save(client, path, {**hidden, **drawn, "target_value": "300"})
    assert again.status_code == 412  # the weight changed since the refused page was drawn
    assert "Changed there: Weight" in again.text and 'value="300"' in again.text
    hidden, drawn = _edit_form(again)
    assert drawn["weight"] == "3"
    saved = _save(client, path, {**hidden, **drawn, "target_value": "300"})
    assert saved.status_code == 303
    html = client.get(path).text
    assert (
        "from 0 to 300" in html and 'id="edit-weight" name="weight" type="number" value="3"' in html
    )


def test_a_value_typed_for_one_kind_stays_with_it_when_another_kind_was_chosen_elsewhere(
    client, web
):
    """Tab one makes the key result a milestone; tab two's target keeps its kind, said so."""
    path = _key_result(client, web)
    hidden, drawn = _edit_form(client.get(path))
    made = _save(client, path, {**hidden, **drawn, "kind": "milestone"})
    assert made.status_code == 303
    refused = _save(client, path, {**hidden, **drawn, "target_value": "300"})
    assert refused.status_code == 412
    assert (
        'id="edit-kind-error">Changed elsewhere to “Milestone: done or not”; saving again '
        "keeps the value shown here.</p>"
    ) in refused.text
    assert '<option value="increase" selected>' in refused.text and 'value="300"' in refused.text
    hidden, drawn = _edit_form(refused)
    assert drawn["kind"] == "milestone"
    again = {**hidden, **drawn, "kind": "increase", "start_value": "0", "target_value": "300"}
    assert _save(client, path, again).status_code == 303
    assert "from 0 to 300" in client.get(path).text


def test_a_form_with_unknown_drawn_values_keeps_every_typed_field(client, web):
    """Without drawn values (a page from before, a tampered post) a 412 undoes nothing."""
    path = _objective(client, web)
    hidden, drawn = _edit_form(client.get(path))
    older = {"csrf_token": hidden["csrf_token"], "etag": hidden["etag"]}
    invalid = _save(client, path, {**older, **drawn, "title": " ", "period": "2026-Q2"})
    assert invalid.status_code == 422
    kept, kept_drawn = _edit_form(invalid)
    assert kept_drawn is None and kept["etag"] == hidden["etag"]
    tab_one = {**hidden, **drawn, "description": "From tab one"}
    assert _save(client, path, tab_one).status_code == 303
    fixed = {**kept, **drawn, "title": "Fixed", "period": "2026-Q2"}
    refused = _save(client, path, fixed)
    assert refused.status_code == 412
    assert 'value="2026-Q2"' in refused.text and 'value="Fixed"' in refused.text
    assert "Changed there" not in refused.text  # nothing known to compare with


def test_drawn_values_that_are_not_an_object_of_strings_count_as_unknown(client, web):
    """Nested past Python's limit, a list, numbers: read as absent, never a 500."""
    path = _objective(client, web)
    hidden, drawn = _edit_form(client.get(path))
    for tampered in ("[" * 5000, "[]", '{"title": 1}', "not json"):
        answer = _save(client, path, {**hidden, **drawn, "title": " ", "drawn": tampered})
        assert answer.status_code == 422, tampered
        assert _edit_form(answer)[1] is None
    new = client.post(
        "/app/new", data={"csrf_token": hidden["csrf_token"], "title": "", "drawn": "[" * 5000}
    )
    assert new.status_code == 422


def test_a_parent_shown_after_a_refusal_stays_offered_even_archived_or_deleted(client, web, app):
    """The select keeps showing the parent typed, so saving never makes it top-level quietly."""
    email = web.user()
    parent_id = web.create_objective("Year", period="2026")
    archived_id = web.create_objective("Old year", period="2026")
    path = f"/app/objectives/{web.create_objective()}"
    hidden, drawn = _edit_form(client.get(path))
    assert f'<option value="{archived_id}">' in client.get(path).text
    login = client.post("/auth/login", json={"email": email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
    archived = client.patch(
        f"/objectives/{archived_id}", json={"status": "archived"}, headers=headers
    )
    assert archived.status_code == 200, archived.get_json()
    assert client.delete(f"/objectives/{parent_id}", headers=headers).status_code == 204
    for typed, label in (
        (archived_id, "Old year (2026)"),
        (parent_id, "An objective no longer there"),
    ):
        refused = _save(client, path, {**hidden, **drawn, "title": " ", "parent_id": str(typed)})
        assert refused.status_code == 422
        assert f'<option value="{typed}" selected>{label}</option>' in refused.text
    new = web.post(
        "/app/new",
        {"title": "", "period": "2026-Q1", "parent_id": str(archived_id)},
        form_page="/app/new",
    )
    assert f'<option value="{archived_id}" selected>Old year (2026)</option>' in new.text
    gone = _save(client, path, {**hidden, **drawn, "parent_id": str(parent_id)})
    assert gone.status_code == 422  # refused beside the field, not saved as top-level
    assert 'id="edit-parent-id-error"' in gone.text


def test_a_second_click_on_save_says_the_values_are_saved(client, web):
    """The second post of the same edit finds its values stored: not "changed elsewhere"."""
    path = _objective(client, web)
    hidden, drawn = _edit_form(client.get(path))
    form = {**hidden, **drawn, "title": "Clicked twice"}
    assert _save(client, path, form).status_code == 303
    second = _save(client, path, form)
    assert second.status_code == 412
    assert "already holds every value of this form" in second.text
    assert "was changed elsewhere" not in second.text


def test_a_parent_changed_in_both_tabs_is_named_by_its_title(client, web):
    """The note beside the parent says which objective the other tab chose, not its id."""
    web.user()
    year = web.create_objective("The year", period="2026")
    half = web.create_objective("The half", period="2026-H1")
    path = f"/app/objectives/{web.create_objective()}"
    hidden, drawn = _edit_form(client.get(path))
    one = _save(client, path, {**hidden, **drawn, "parent_id": str(year)})
    assert one.status_code == 303
    two = _save(client, path, {**hidden, **drawn, "parent_id": str(half)})
    assert two.status_code == 412
    assert "Changed elsewhere to “The year (2026)”" in two.text
