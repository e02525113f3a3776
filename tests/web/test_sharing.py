"""Share links through the interface: create one, see its URL once, revoke it."""

import re

import time_machine

from tests.web.test_accounts import actions

URL = re.compile(r'<a href="(http://localhost/s/[^"]+)">')


def test_create_show_once_and_revoke_a_share_link(client, web, app):
    web.user()
    objective_id = web.create_objective("Shared goal")
    page = client.get(f"/app/objectives/{objective_id}")
    assert f"/app/objectives/{objective_id}/share" in page.text
    share_page = f"/app/objectives/{objective_id}/share"
    created = web.post(share_page, {"expires_at": ""}, form_page=share_page)
    assert created.status_code == 201
    url = URL.search(created.text).group(1)
    assert "shown only this once" in created.text
    # Focus moves to the new link, shown this once, as to a secret in the settings.
    assert 'aria-labelledby="new-link-heading" tabindex="-1" autofocus' in created.text
    assert client.get(url.removeprefix("http://localhost")).status_code == 200
    listed = client.get(share_page)
    assert "never expires" in listed.text and url not in listed.text
    share_id = re.search(r"/share/(\d+)/revoke", listed.text).group(1)
    revoked = web.post(f"{share_page}/{share_id}/revoke", form_page=share_page)
    assert revoked.status_code == 303
    assert client.get(url.removeprefix("http://localhost")).status_code == 404
    assert actions(app)[-2:] == ["share_link.created", "share_link.revoked"]


def test_a_past_expiry_is_refused_next_to_its_field(client, web):
    web.user()
    objective_id = web.create_objective()
    share_page = f"/app/objectives/{objective_id}/share"
    refused = web.post(share_page, {"expires_at": "2020-01-01T00:00"}, form_page=share_page)
    assert refused.status_code == 422
    assert "Must lie in the future." in refused.text


def test_another_users_objective_has_no_share_page(client, web):
    web.user()
    objective_id = web.create_objective()
    web.user()
    assert client.get(f"/app/objectives/{objective_id}/share").status_code == 404


def test_revoking_a_link_id_beyond_the_databases_range_says_it_is_gone(client, web):
    web.user()
    objective_id = web.create_objective()
    share_page = f"/app/objectives/{objective_id}/share"
    revoked = web.post(f"{share_page}/{10**20}/revoke", form_page=share_page)
    assert revoked.status_code == 303
    assert "That link was revoked already." in client.get(share_page).text


def test_links_are_numbered_and_an_expired_one_says_so(client, web):
    """Two links of the same minute have buttons of their own; a lapsed one reads expired."""
    with time_machine.travel("2026-02-01 12:00:00Z", tick=False) as clock:
        web.user()
        objective_id = web.create_objective()
        share_page = f"/app/objectives/{objective_id}/share"
        for expires_at in ("2026-02-01T13:00", ""):
            web.post(share_page, {"expires_at": expires_at}, form_page=share_page)
        listed = client.get(share_page).text
        assert "Link 1: created 2026-02-01 12:00 UTC, expires 2026-02-01 13:00 UTC" in listed
        assert "Link 2: created 2026-02-01 12:00 UTC, never expires" in listed
        buttons = re.findall(r'aria-label="(Revoke link [^"]+)"', listed)
        assert len(set(buttons)) == 2
        clock.move_to("2026-02-01 13:30:00Z")
        listed = client.get(share_page).text
    assert (
        "Link 1: created 2026-02-01 12:00 UTC, <strong>expired</strong> 2026-02-01 13:00" in listed
    )
