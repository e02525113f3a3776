"""An objective's page names its parent and lists its children."""

from tests.conftest import PASSWORD, bearer
from tests.web.conftest import etag_of


def test_the_page_links_parent_and_children(client, web):
    email = web.user()
    year = web.create_objective("The year", period="2026")
    headers = login_headers(client, email)
    child = client.post(
        "/objectives",
        headers=headers,
        json={"title": "First quarter", "period": "2026-Q1", "parent_id": year},
    ).get_json()
    parent_page = client.get(f"/app/objectives/{year}").text
    assert f'<a href="/app/objectives/{child["id"]}">First quarter</a>' in parent_page
    child_page = client.get(f"/app/objectives/{child['id']}").text
    assert f'<a href="/app/objectives/{year}">a longer objective</a>' in child_page


def login_headers(client, email):
    """Return the API headers of a fresh login of ``email``."""
    token = client.post("/auth/login", json={"email": email, "password": PASSWORD})
    return bearer(token.get_json()["access_token"])


def parent_of(client, headers, objective_id):
    """Return the objective's ``parent_id`` as the API answers it to its owner."""
    return client.get(f"/objectives/{objective_id}", headers=headers).get_json()["parent_id"]


def test_a_new_objective_is_placed_under_a_parent_chosen_on_the_form(client, web):
    web.user()
    web.create_objective("Somebody else's year", period="2026")
    web.post("/app/logout", form_page="/app")
    email = web.user()
    year = web.create_objective("The year", period="2026")
    form = client.get("/app/new").text
    assert f'<option value="{year}">The year (2026)</option>' in form
    assert "Somebody else" not in form
    child = web.create_objective("First quarter", period="2026-Q1", parent_id=str(year))
    assert parent_of(client, login_headers(client, email), child) == year
    assert (
        f'<a href="/app/objectives/{child}">First quarter</a>'
        in client.get(f"/app/objectives/{year}").text
    )


def test_a_parent_that_cannot_hold_the_objective_is_refused_beside_the_field(client, web):
    web.user()
    others = web.create_objective("Another account's year", period="2026")
    web.post("/app/logout", form_page="/app")
    web.user()
    quarter = web.create_objective("A quarter", period="2026-Q1")
    for parent, message in (
        (quarter, "The parent&#39;s period (2026-Q1) must contain the objective&#39;s (2026)."),
        (others, "No such objective."),
        ("x", "Not a valid integer."),
    ):
        refused = web.post(
            "/app/new",
            {"title": "The year", "period": "2026", "parent_id": str(parent)},
            form_page="/app/new",
        )
        assert refused.status_code == 422
        html = refused.text
        assert f'id="parent_id-error">{message}</p>' in html, html
        assert 'value="The year"' in html
    assert ">The year</a>" not in client.get("/app?period=2026").text


def test_the_edit_form_moves_an_objective_under_a_parent_and_back_to_the_top(client, web):
    headers = login_headers(client, web.user())
    year = web.create_objective("The year", period="2026")
    web.create_objective("Another year", period="2027")
    quarter = web.create_objective("A quarter", period="2026-Q1")
    path = f"/app/objectives/{quarter}"
    page = client.get(path).text
    assert f'<option value="{year}">The year (2026)</option>' in page
    assert "Another year" not in page  # its period cannot contain this one's
    assert f'<option value="{quarter}">' not in page
    fields = {"title": "A quarter", "period": "2026-Q1"}
    moved = web.post(
        path + "/edit", {**fields, "parent_id": str(year), "etag": etag_of(client.get(path))}, path
    )
    assert moved.status_code == 303
    assert parent_of(client, headers, quarter) == year
    assert f'<option value="{year}" selected>' in client.get(path).text
    archived = client.patch(f"/objectives/{year}", json={"status": "archived"}, headers=headers)
    assert archived.status_code == 200
    # An archived parent is offered no more, except to the objectives under it.
    assert f'<option value="{year}" selected>' in client.get(path).text
    assert f'<option value="{year}">' not in client.get("/app/new").text
    kept = web.post(path + "/edit", {**fields, "etag": etag_of(client.get(path))}, path)
    assert kept.status_code == 303  # a form without the field leaves the parent as it is
    assert parent_of(client, headers, quarter) == year
    top = web.post(
        path + "/edit", {**fields, "parent_id": "", "etag": etag_of(client.get(path))}, path
    )
    assert top.status_code == 303
    assert parent_of(client, headers, quarter) is None
    wider = web.post(
        f"/app/objectives/{year}/edit",
        {
            "title": "The year",
            "period": "2026",
            "parent_id": str(quarter),
            "etag": etag_of(client.get(f"/app/objectives/{year}")),
        },
        f"/app/objectives/{year}",
    )
    assert wider.status_code == 422  # not offered, and refused when sent all the same
    assert 'id="edit-parent-id-error">The parent&#39;s period (2026-Q1) must contain' in wider.text


def test_an_objective_is_never_offered_its_own_children_as_parent(client, web):
    """Children and grandchildren of the same period would be refused: they are not offered."""
    headers = login_headers(client, web.user())
    year = web.create_objective("The year", period="2026")
    middle = client.post(
        "/objectives",
        headers=headers,
        json={"title": "Middle", "period": "2026", "parent_id": year},
    ).get_json()["id"]
    client.post(
        "/objectives",
        headers=headers,
        json={"title": "Bottom", "period": "2026", "parent_id": middle},
    )
    sibling = web.create_objective("Beside", period="2026")
    page = client.get(f"/app/objectives/{year}").text
    offered = page.split('name="parent_id"', 1)[1].split("</select>", 1)[0]
    assert "Middle (2026)" not in offered and "Bottom (2026)" not in offered
    assert f'<option value="{sibling}">Beside (2026)</option>' in offered


def test_a_cycle_made_behind_the_apis_back_still_draws_the_page(app, client, web):
    """Two concurrent edits could link two objectives to each other: the page still answers."""
    from sqlalchemy import update

    from okr_app.extensions import db
    from okr_app.models import Objective

    email = web.user()
    first = web.create_objective("The year", period="2026")
    web.create_objective("Another year", period="2026")  # offered, so the walk is read whole
    headers = login_headers(client, email)
    second = client.post(
        "/objectives", headers=headers, json={"title": "Too", "period": "2026", "parent_id": first}
    ).get_json()["id"]
    with app.app_context():
        db.session.execute(update(Objective).where(Objective.id == first).values(parent_id=second))
        db.session.commit()
    assert client.get(f"/app/objectives/{second}").status_code == 200
    page = client.get(f"/app/objectives/{first}")
    assert page.status_code == 200
    assert ">Too</a>" in page.text  # its child, linked
