"""Logging in, registering, logging out and changing the password through the interface."""

import re
from urllib.parse import quote

import pytest
import time_machine
from sqlalchemy import select

from okr_app.extensions import db
from okr_app.models import AuditRow, User
from tests.conftest import PASSWORD, bearer


def actions(app):
    """Return the audit actions recorded so far, oldest first."""
    with app.app_context():
        return list(db.session.scalars(select(AuditRow.action).order_by(AuditRow.id)))


def test_the_root_leads_to_the_interface_and_a_visitor_to_the_login(client):
    """``/`` redirects to ``/app``, which asks a visitor to log in and then comes back."""
    assert client.get("/").headers["Location"].endswith("/app")
    response = client.get("/app/settings")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/app/login?next=/app/settings")
    page = client.get("/app/login").get_data(as_text=True)
    assert '<label for="email">Email</label>' in page
    assert '<label for="password">Password</label>' in page and ">Log in</button>" in page


def test_registration_applies_the_api_password_policy_next_to_the_field(client, web, app):
    """A refused password shows the API's message beside it, and nothing is created."""
    response = web.post("/app/register", {"email": "ada@example.com", "password": "short"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="password-error">Must be at least 12 characters long', html)
    assert 'aria-invalid="true"' in html and 'value="ada@example.com"' in html
    assert "short" not in re.findall(r'name="password"[^>]*', html)[0]
    web.register("ada@example.com")
    again = web.post("/app/register", {"email": "ADA@example.com", "password": PASSWORD})
    assert again.status_code == 409
    assert "An account with this e-mail already exists." in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.email)) == "ada@example.com"
    assert actions(app) == ["auth.register", "auth.registered", "auth.register"]


def test_login_failure_is_uniform_and_the_lockout_shows_the_time_left(client, web, app):
    """Five wrong passwords lock the account for 5 minutes, the right one included."""
    email = web.register()
    unknown = web.login("nobody@example.com").get_data(as_text=True)
    for _ in range(5):
        wrong = web.login(email, "not the right passphrase")
        assert wrong.status_code == 401
    assert "Wrong e-mail or password." in unknown
    assert "Wrong e-mail or password." in wrong.get_data(as_text=True)
    locked = web.login(email)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 290
    assert re.search(r"Locked for 4 minutes \d+ seconds more|Locked for 5 minutes", locked.text)
    assert "okr_session" not in locked.headers.get("Set-Cookie", "")
    assert actions(app)[-2:] == ["auth.lockout.started", "auth.login.locked"]


def test_a_login_form_sent_with_a_signed_in_cookie_is_not_its_senders_act(client, web, app):
    """A failed login posted by a signed-in browser is nobody's row, not the cookie's owner's."""
    victim = web.register()
    web.user()  # signed in: the cookie goes with the next form
    body = {"email": victim, "password": "not the right passphrase"}
    assert web.post("/app/login", body, form_page="/app/settings").status_code == 401
    with app.app_context():
        row = db.session.scalars(select(AuditRow).order_by(AuditRow.id.desc())).first()
        owner = db.session.scalar(select(User.id).where(User.email == victim))
    assert (row.action, row.actor_id, row.owner_id) == ("auth.login.failed", None, owner)


def test_the_lock_ends_after_five_minutes(client, web):
    """After the lock the right password works again."""
    email = web.register()
    with time_machine.travel("2026-03-01 12:00:00", tick=False) as clock:
        for _ in range(5):
            web.login(email, "not the right passphrase")
        assert web.login(email).status_code == 429
        clock.shift(301)
        assert web.login(email).status_code == 303


def test_logout_ends_the_session_everywhere_the_cookie_goes(client, web, app):
    """The logged-out session's cookie is refused, even replayed."""
    web.user()
    cookie = client.get_cookie("okr_session", path="/app").value
    response = web.post("/app/logout", form_page="/app")
    assert response.status_code == 303
    assert client.get("/app").status_code == 303
    client.set_cookie("okr_session", cookie, path="/app")
    assert client.get("/app").status_code == 303
    assert "auth.logout" in actions(app)


def test_a_password_change_ends_every_other_session_and_token(client, web, auth, app):
    """The browser stays in with a new session; the old API token and cookie stop working."""
    email = web.user()
    old_cookie = client.get_cookie("okr_session", path="/app").value
    token = auth.login(email).get_json()["access_token"]
    assert client.get("/objectives", headers=bearer(token)).status_code == 200
    feed = client.post("/calendar/feed", headers=bearer(token)).get_json()["url"]
    wrong = web.post(
        "/app/settings/password",
        {"current_password": "not the right one!", "new_password": "another long passphrase"},
        form_page="/app/settings",
    )
    assert wrong.status_code == 403
    assert 'id="current_password-error">Wrong password.' in wrong.get_data(as_text=True)
    weak = web.post(
        "/app/settings/password",
        {"current_password": PASSWORD, "new_password": "password1234"},
        form_page="/app/settings",
    )
    assert weak.status_code == 422
    assert "Is too common" in weak.get_data(as_text=True)
    changed = web.post(
        "/app/settings/password",
        {"current_password": PASSWORD, "new_password": "another long passphrase"},
        form_page="/app/settings",
    )
    assert changed.status_code == 303
    settings = client.get("/app/settings").get_data(as_text=True)
    assert "every API token, share link and the calendar feed revoked." in settings
    assert client.get("/objectives", headers=bearer(token)).status_code == 401
    assert client.get(feed.removeprefix("http://localhost")).status_code == 404
    other = app.test_client()
    other.set_cookie("okr_session", old_cookie, path="/app")
    assert other.get("/app").status_code == 303
    assert actions(app).count("auth.password_changed") == 1


def test_a_deactivated_account_is_signed_out_and_cannot_log_in(client, web, app):
    """Deactivation ends the browser's session and refuses the login with 403."""
    email = web.user()
    with app.app_context():
        db.session.scalar(select(User).where(User.email == email)).is_active = False
        db.session.commit()
    assert client.get("/app").status_code == 303
    refused = web.login(email)
    assert refused.status_code == 403
    assert "deactivated" in refused.get_data(as_text=True)


@pytest.mark.settings(OKR_API_RATE_LIMIT="5 per minute")
def test_the_rate_limit_has_a_page_of_the_interface(client):
    """Beyond the limit a page says so, with Retry-After, as HTML."""
    for _ in range(5):
        client.get("/app/login")
    refused = client.get("/app/login")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"]
    assert "Too many requests" in refused.get_data(as_text=True)
    assert refused.mimetype == "text/html"
    assert client.get("/app/static/app.css").status_code == 200  # assets are not counted


def test_a_request_without_the_cookie_is_a_visitor_in_a_shared_app_context(app, client, web):
    web.user()
    with app.app_context():  # one application context, so one ``g``, for both requests
        assert client.get("/app").status_code == 200
        client.delete_cookie("okr_session", path="/app")
        assert client.get("/app").status_code == 303


def test_a_form_sent_after_the_session_ended_says_so_and_leads_back(client, web):
    web.user()
    objective_id = web.create_objective(
        **{"key_results-0-title": "Readers", "key_results-0-metric": "n"}
    )
    page = client.get(f"/app/objectives/{objective_id}").text
    path = re.search(r'href="(/app/key-results/\d+)"', page).group(1)
    token = web.token(path)
    # Logged out in another tab; this tab's form is sent afterwards.
    assert client.post("/app/logout", data={"csrf_token": token}).status_code == 303
    sent = client.post(
        path + "/check-ins",
        data={"csrf_token": token, "value": "4"},
        headers={"Referer": f"http://localhost{path}"},
    )
    assert sent.status_code == 401
    assert "Your session has ended" in sent.text and "was not saved" in sent.text
    assert f'href="/app/login?next={quote(path)}"' in sent.text
    # A page elsewhere is not where the login leads.
    away = client.post(
        path + "/check-ins",
        data={"csrf_token": token, "value": "4"},
        headers={"Referer": "https://elsewhere.example/app/settings"},
    )
    assert 'href="/app/login"' in away.text


def test_a_forms_address_opened_later_leads_to_its_page(client, web):
    web.user()
    objective_id = web.create_objective(
        **{"key_results-0-title": "Readers", "key_results-0-metric": "n"}
    )
    page = client.get(f"/app/objectives/{objective_id}").text
    key_result = re.search(r'href="(/app/key-results/\d+)"', page).group(1)
    # Where a refused form is shown: opened again, the address leads to the form's page.
    for address, form_page in (
        (f"/app/objectives/{objective_id}/edit", f"/app/objectives/{objective_id}"),
        (f"/app/objectives/{objective_id}/copy", f"/app/objectives/{objective_id}"),
        (f"{key_result}/check-ins", key_result),
        ("/app/settings/tokens", "/app/settings"),
    ):
        for method in (client.get, client.head):
            answer = method(address)
            assert (answer.status_code, answer.headers.get("Location")) == (303, form_page)
    # Nothing else under a page is taken for a form's address.
    for address in (f"/app/objectives/{objective_id}/nothing", "/app/nothing/edit"):
        assert client.get(address).status_code == 404, address
