"""Personal access tokens in the settings: created and shown once, refused, revoked."""

import re

from tests.conftest import bearer
from tests.web.test_accounts import actions

SHOWN = re.compile(r'id="tokens-shown-once" type="text" readonly value="(okr_pat_[^"]+)"')


def _create(web, **fields):
    """Post the new token form; return the response."""
    data = {"name": "home-assistant", "scopes": ["read", "write"], **fields}
    return web.post("/app/settings/tokens", data, form_page="/app/settings")


def test_a_token_is_shown_once_works_on_the_api_and_is_revoked(client, web, app):
    """Created: shown this once with "copy it now", listed by prefix; revoked: refused."""
    web.user()
    created = _create(web)
    assert created.status_code == 201
    token = SHOWN.search(created.text).group(1)
    assert "Copy it now:" in created.text
    assert client.get("/objectives", headers=bearer(token)).status_code == 200
    listed = client.get("/app/settings").text
    assert token not in listed
    assert f"<code>{token[:12]}…</code>" in listed and "<td>read, write</td>" in listed
    assert actions(app)[-1] == "auth.token.created"

    token_id = re.search(r'action="/app/settings/tokens/(\d+)/revoke"', listed).group(1)
    revoked = web.post(f"/app/settings/tokens/{token_id}/revoke", form_page="/app/settings")
    assert revoked.status_code == 303
    assert client.get("/objectives", headers=bearer(token)).status_code == 401
    assert "No tokens yet." in client.get("/app/settings").text
    assert actions(app)[-1] == "auth.token.revoked"


def test_a_read_only_token_restricted_to_a_key_result(client, web):
    """The scopes, the expiry and the key results chosen are the token's."""
    web.user()
    objective_id = web.create_objective(
        **{
            "key_results-0-title": "Steps",
            "key_results-0-metric": "steps",
            "key_results-0-target_value": "10000",
        }
    )
    page = client.get(f"/app/objectives/{objective_id}").text
    key_result_id = re.search(r'href="/app/key-results/(\d+)"', page).group(1)
    created = _create(
        web, scopes=["read"], expires_at="2999-01-01T00:00", key_result_ids=[key_result_id]
    )
    # The largest expiry is a year ahead: the API's message stands beside the field.
    assert created.status_code == 422
    assert 'id="token-expires-at-error">Must lie at most 365 days ahead.</p>' in created.text
    created = _create(web, scopes=["read"], key_result_ids=[key_result_id])
    assert created.status_code == 201
    token = SHOWN.search(created.text).group(1)
    assert client.get(f"/key-results/{key_result_id}", headers=bearer(token)).status_code == 200
    assert client.get("/objectives", headers=bearer(token)).status_code == 403
    check_in = {"key_result_id": int(key_result_id), "value": 5}
    refused = client.post("/check-ins", headers=bearer(token), json={"check_ins": [check_in]})
    assert refused.status_code == 403


def test_refused_tokens_show_the_api_message_next_to_the_field(client, web, app):
    """No scope, an expiry in the past, another user's key result: 422 where it was typed."""
    web.user()
    objective_id = web.create_objective(
        **{
            "key_results-0-title": "Theirs",
            "key_results-0-metric": "things",
            "key_results-0-target_value": "10",
        }
    )
    page = client.get(f"/app/objectives/{objective_id}").text
    others = re.search(r'href="/app/key-results/(\d+)"', page).group(1)
    web.user()
    before = actions(app)
    for fields, field, message in (
        ({"scopes": []}, "token-scopes", "Choose read, write or both."),
        ({"scopes": ["admin"]}, "token-scopes", "Must be one of: read, write."),
        ({"name": " "}, "token-name", "Length must be between 1 and 100."),
        ({"expires_at": "2001-01-01T00:00"}, "token-expires-at", "Must lie in the future."),
        ({"key_result_ids": [others]}, "token-key-results", f"No such key result: [{others}]."),
    ):
        refused = _create(web, **fields)
        assert refused.status_code == 422, fields
        assert f'id="{field}-error">{message}</p>' in refused.text, fields
        assert not SHOWN.search(refused.text)
        if field == "token-scopes":  # each box of the group is marked and names the error
            boxes = re.findall(r'<input type="checkbox" name="scopes"[^>]*>', refused.text)
            assert len(boxes) == 2
            assert all(
                'aria-invalid="true" aria-describedby="token-scopes-error"' in box for box in boxes
            )
    assert "No tokens yet." in client.get("/app/settings").text
    assert actions(app)[len(before) :] == ["auth.token.created"] * 5  # each refusal recorded


def test_token_forms_need_the_csrf_token_and_the_owner(client, web):
    """Without the CSRF token nothing is created; another user's token answers 404."""
    web.user()
    without = client.post("/app/settings/tokens", data={"name": "x", "scopes": ["read"]})
    assert without.status_code == 400
    assert "No tokens yet." in client.get("/app/settings").text
    _create(web)
    listed = client.get("/app/settings").text
    token_id = re.search(r'action="/app/settings/tokens/(\d+)/revoke"', listed).group(1)
    no_csrf = client.post(f"/app/settings/tokens/{token_id}/revoke")
    assert no_csrf.status_code == 400
    web.user()
    other = web.post(f"/app/settings/tokens/{token_id}/revoke", form_page="/app/settings")
    assert other.status_code == 404
