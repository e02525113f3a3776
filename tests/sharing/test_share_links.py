"""Share links: a secret URL showing one objective read-only, its badge, and their limits."""

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
import time_machine

from tests.factories import check_in, create_key_result, create_objective

NOTE = "private note about my health"
JSON = {"Accept": "application/json"}


def parsed_svg(answer):
    """Return the root element of an SVG answer (the app's own output, parsed strictly)."""
    return ElementTree.fromstring(answer.get_data())  # noqa: S314  (our own answer)


def path_of(url):
    """Return the path of a share URL (the test client has no host)."""
    return url.removeprefix("http://localhost")


@pytest.fixture
def shared(client, auth):
    """A user with two objectives, one shared; return the user, its headers, ids and the URL."""
    profile, _, headers = auth.user()
    objective = create_objective(
        client, headers, title="Run a marathon", description="Secret description text"
    )
    other = create_objective(client, headers, title="Other secret objective")
    key_result = create_key_result(
        client,
        headers,
        objective["id"],
        title="Weekly kilometres",
        start_value=0,
        target_value=40,
    )
    assert check_in(client, headers, key_result["id"], value=10, note=NOTE).status_code == 201
    created = client.post(f"/objectives/{objective['id']}/share", headers=headers, json={})
    assert created.status_code == 201, created.get_json()
    return {
        "profile": profile,
        "headers": headers,
        "objective": objective,
        "other": other,
        "key_result": key_result,
        "link": created.get_json(),
    }


def test_a_link_shows_the_objective_as_json_and_nothing_else(client, shared):
    link = shared["link"]
    assert link["url"].startswith("http://localhost/s/")
    assert link["expires_at"] is None
    answer = client.get(path_of(link["url"]), headers=JSON)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["title"] == "Run a marathon"
    assert body["period"] == "2026-Q1"
    assert body["progress"] == 25.0
    [key_result] = body["key_results"]
    assert key_result["title"] == "Weekly kilometres"
    assert key_result["progress"] == 25.0
    assert key_result["pace_status"] in {"stale", "done", "ahead", "on_track", "at_risk"}
    assert [point["value"] for point in key_result["check_ins"]] == [10.0]
    text = answer.get_data(as_text=True)
    for secret in (
        NOTE,
        shared["profile"]["email"],
        "Secret description text",
        "Other secret objective",
        f'"id": {shared["other"]["id"]}',
        '"id"',
        "user_id",
    ):
        assert secret not in text


def test_the_page_shows_title_progress_key_results_and_charts_only(client, shared):
    answer = client.get(path_of(shared["link"]["url"]), headers={"Accept": "text/html"})
    assert answer.status_code == 200
    assert answer.mimetype == "text/html"
    page = answer.get_data(as_text=True)
    assert "Run a marathon" in page and "Weekly kilometres" in page
    assert "25 %" in page
    assert 'class="chart"' in page
    for secret in (
        NOTE,
        shared["profile"]["email"],
        "Secret description text",
        "Other secret objective",
        f"/objectives/{shared['other']['id']}",
        f"/app/objectives/{shared['objective']['id']}",
        "<script",
        "style=",
    ):
        assert secret not in page
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert answer.headers["X-Robots-Tag"] == "noindex"
    assert "script-src" not in answer.headers["Content-Security-Policy"]
    assert answer.headers["Cache-Control"] == "no-store"


def test_the_page_is_the_default_without_an_accept_header(client, shared):
    answer = client.get(path_of(shared["link"]["url"]))
    assert answer.mimetype == "text/html"


def test_the_badge_is_valid_svg_cacheable_for_a_minute(client, shared):
    answer = client.get(path_of(shared["link"]["url"]) + "/badge.svg")
    assert answer.status_code == 200
    assert answer.mimetype == "image/svg+xml"
    assert answer.headers["Cache-Control"] == "public, max-age=60"
    assert answer.headers["X-Robots-Tag"] == "noindex"
    root = parsed_svg(answer)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [element.text for element in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["Run a marathon", "25 %"]
    # The figure (11 px, baseline 14) lies on the light part: the green bar runs below it.
    rects = [element.attrib for element in root.iter("{http://www.w3.org/2000/svg}rect")]
    [bar] = [rect for rect in rects if rect["fill"] == "#2e7d32"]
    assert float(bar.get("y", 0)) >= 15 and float(bar["width"]) > 0


def test_the_badge_escapes_the_title(client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers, title='<b>"Tom & Jerry"</b>')
    link = client.post(f"/objectives/{objective['id']}/share", headers=headers, json={})
    answer = client.get(path_of(link.get_json()["url"]) + "/badge.svg")
    root = parsed_svg(answer)
    assert root.find("{http://www.w3.org/2000/svg}title").text == '<b>"Tom & Jerry"</b>: 0 %'


def test_a_revoked_link_is_gone_at_once(client, shared):
    url = path_of(shared["link"]["url"])
    objective_id = shared["objective"]["id"]
    listed = client.get(f"/objectives/{objective_id}/share", headers=shared["headers"])
    assert [item["id"] for item in listed.get_json()] == [shared["link"]["id"]]
    assert "url" not in listed.get_json()[0]
    revoked = client.delete(
        f"/objectives/{objective_id}/share/{shared['link']['id']}", headers=shared["headers"]
    )
    assert revoked.status_code == 204
    assert client.get(url, headers=JSON).status_code == 404
    assert client.get(url).status_code == 404
    assert client.get(url + "/badge.svg").status_code == 404
    again = client.delete(
        f"/objectives/{objective_id}/share/{shared['link']['id']}", headers=shared["headers"]
    )
    assert again.status_code == 404
    assert client.get(f"/objectives/{objective_id}/share", headers=shared["headers"]).json == []


def test_an_expired_link_answers_404(client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    expires = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    link = client.post(
        f"/objectives/{objective['id']}/share", headers=headers, json={"expires_at": expires}
    ).get_json()
    assert link["expires_at"] is not None
    url = path_of(link["url"])
    assert client.get(url, headers=JSON).status_code == 200
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=2)):
        missing = client.get(url, headers=JSON)
        assert missing.status_code == 404
        assert missing.get_json()["message"].startswith("No such share link")


def test_expires_at_must_lie_in_the_future(client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    answer = client.post(
        f"/objectives/{objective['id']}/share",
        headers=headers,
        json={"expires_at": "2020-01-01T00:00:00Z"},
    )
    assert answer.status_code == 422
    assert "expires_at" in answer.get_json()["errors"]["json"]


def test_nobody_shares_or_revokes_another_users_objective(client, auth, shared):
    _, _, stranger = auth.user()
    objective_id = shared["objective"]["id"]
    share = client.post(f"/objectives/{objective_id}/share", headers=stranger, json={})
    assert share.status_code == 404
    assert client.get(f"/objectives/{objective_id}/share", headers=stranger).status_code == 404
    revoke = f"/objectives/{objective_id}/share/{shared['link']['id']}"
    assert client.delete(revoke, headers=stranger).status_code == 404
    assert client.get(path_of(shared["link"]["url"]), headers=JSON).status_code == 200


def test_ids_beyond_the_databases_range_answer_404(client, shared):
    headers = shared["headers"]
    huge = 10**20  # beyond 64 bits: no row can have it, and the database cannot compare it
    objective_id, share_id = shared["objective"]["id"], shared["link"]["id"]
    for objective, share in ((huge, share_id), (objective_id, huge), (huge, huge)):
        revoked = client.delete(f"/objectives/{objective}/share/{share}", headers=headers)
        assert (revoked.status_code, revoked.get_json()["message"]) == (404, "No such share link.")
    assert client.get(f"/objectives/{huge}/share", headers=headers).status_code == 404
    assert client.post(f"/objectives/{huge}/share", headers=headers, json={}).status_code == 404
    assert client.get(path_of(shared["link"]["url"]), headers=JSON).status_code == 200


def test_an_unknown_token_is_404_in_either_form(client):
    assert client.get("/s/nothing-here", headers=JSON).get_json()["code"] == 404
    page = client.get("/s/nothing-here")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert client.get("/s/" + "x" * 500, headers=JSON).status_code == 404


def test_creating_and_revoking_are_audited(client, shared):
    headers = shared["headers"]
    objective_id = shared["objective"]["id"]
    client.delete(f"/objectives/{objective_id}/share/{shared['link']['id']}", headers=headers)
    rows = client.get("/audit", headers=headers).get_json()
    actions = {(row["action"], row["resource_id"]) for row in rows}
    assert ("share_link.created", str(shared["link"]["id"])) in actions
    assert ("share_link.revoked", str(shared["link"]["id"])) in actions


def test_the_token_is_stored_as_a_keyed_hash_only(app, shared):
    from okr_app.extensions import db
    from okr_app.models import ShareLink

    token = shared["link"]["url"].rsplit("/", 1)[1]
    with app.app_context():
        [stored] = db.session.scalars(db.select(ShareLink.token_hash)).all()
    assert token not in stored and len(stored) == 64


@pytest.mark.settings(OKR_SHARE_RATE_LIMIT="2 per minute")
def test_share_pages_are_rate_limited(client, shared):
    url = path_of(shared["link"]["url"])
    assert client.get(url, headers=JSON).status_code == 200
    assert client.get(url + "/badge.svg").status_code == 200
    refused = client.get(url, headers=JSON)
    assert refused.status_code == 429 and refused.get_json()["code"] == 429
    page = client.get(url, headers={"Accept": "text/html"})
    assert page.status_code == 429 and page.mimetype == "text/html"
    assert "<h1>Too many requests</h1>" in page.text
    assert int(page.headers["Retry-After"]) >= 1


def test_a_shared_parent_names_none_of_its_children(client, auth):
    _, _, headers = auth.user()
    parent = create_objective(client, headers, title="The year", period="2026", roll_up=True)
    child = create_objective(
        client, headers, title="Hidden child", period="2026-Q1", parent_id=parent["id"]
    )
    item = create_key_result(client, headers, child["id"], start_value=0, target_value=10)
    assert check_in(client, headers, item["id"], value=5).status_code == 201
    link = client.post(f"/objectives/{parent['id']}/share", headers=headers, json={})
    url = path_of(link.get_json()["url"])
    body = client.get(url, headers=JSON)
    assert body.get_json()["progress"] == 50.0  # the child's progress rolls up
    for answer in (body, client.get(url)):
        text = answer.get_data(as_text=True)
        assert "Hidden child" not in text
        assert f"/objectives/{child['id']}" not in text
