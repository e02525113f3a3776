"""An objective's page names its parent and lists its children."""

from tests.conftest import PASSWORD, bearer


def test_the_page_links_parent_and_children(client, web):
    email = web.user()
    year = web.create_objective("The year", period="2026")
    token = client.post("/auth/login", json={"email": email, "password": PASSWORD})
    headers = bearer(token.get_json()["access_token"])
    child = client.post(
        "/objectives",
        headers=headers,
        json={"title": "First quarter", "period": "2026-Q1", "parent_id": year},
    ).get_json()
    parent_page = client.get(f"/app/objectives/{year}").text
    assert f'<a href="/app/objectives/{child["id"]}">First quarter</a>' in parent_page
    child_page = client.get(f"/app/objectives/{child['id']}").text
    assert f'<a href="/app/objectives/{year}">a longer objective</a>' in child_page
