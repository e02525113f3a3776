"""What ends a personal access token, and what no token may ever do."""

from sqlalchemy import select

from okr_app.extensions import db
from okr_app.models import PersonalToken
from tests.admin.conftest import make_admin
from tests.conftest import PASSWORD, bearer
from tests.factories import create_objective, create_token

NEW_PASSWORD = "another long passphrase"


def change_password(client, headers):
    """Change the password of ``headers``' account; return the new session's headers."""
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    changed = client.post("/auth/change-password", headers=headers, json=body)
    assert changed.status_code == 200
    return bearer(changed.get_json()["access_token"])


def revoked(client, headers):
    """Return what the account's latest password change revoked: its audit row's details."""
    rows = client.get("/audit?action=auth.password_changed", headers=headers).get_json()
    return rows[0]["details"]


def test_a_password_change_revokes_every_token_in_the_same_request(client, auth):
    _, _, headers = auth.user()
    tokens = [create_token(client, headers, name=name)["token"] for name in ("a", "b")]
    fresh = change_password(client, headers)
    for token in tokens:
        assert client.get("/auth/me", headers=bearer(token)).status_code == 401
    assert client.get("/auth/tokens", headers=fresh).get_json() == []
    assert revoked(client, fresh) == {
        "personal_access_revoked": 2,
        "share_links_revoked": 0,
        "calendar_feed_revoked": False,
    }


def test_a_password_change_revokes_the_calendar_feed_and_every_share_link(client, auth):
    _, _, headers = auth.user()
    other_user = auth.user("other@example.com")[2]
    urls = [client.post("/calendar/feed", headers=headers).get_json()["url"]]
    others = [client.post("/calendar/feed", headers=other_user).get_json()["url"]]
    for owner, kept in ((headers, urls), (headers, urls), (other_user, others)):
        objective = create_objective(client, owner)
        link = client.post(f"/objectives/{objective['id']}/share", headers=owner, json={})
        kept.append(link.get_json()["url"])
    fresh = change_password(client, headers)
    for url in urls:
        assert client.get(url.removeprefix("http://localhost")).status_code == 404
    for url in others:  # another account's stay
        assert client.get(url.removeprefix("http://localhost")).status_code == 200
    assert revoked(client, fresh) == {
        "personal_access_revoked": 0,
        "share_links_revoked": 2,
        "calendar_feed_revoked": True,
    }


def test_an_admin_deactivation_revokes_every_token(app, client, auth):
    _, admin_headers = make_admin(app, auth, "root@example.com")
    profile, _, headers = auth.user()
    token = create_token(client, headers)["token"]
    response = client.patch(
        f"/admin/users/{profile['id']}", headers=admin_headers, json={"is_active": False}
    )
    assert response.status_code == 200
    assert client.get("/auth/me", headers=bearer(token)).status_code == 401
    client.patch(f"/admin/users/{profile['id']}", headers=admin_headers, json={"is_active": True})
    assert client.get("/auth/me", headers=bearer(token)).status_code == 401
    with app.app_context():
        assert db.session.scalars(select(PersonalToken)).all() == []


ACCOUNT_AND_ADMIN_ROUTES = [
    ("GET", "/auth/tokens"),
    ("POST", "/auth/tokens"),
    ("DELETE", "/auth/tokens/{token_id}"),
    ("POST", "/auth/change-password"),
    ("POST", "/auth/logout"),
    ("POST", "/auth/refresh"),
    ("GET", "/admin/users"),
    ("GET", "/admin/users/{user_id}"),
    ("PATCH", "/admin/users/{user_id}"),
    ("DELETE", "/admin/users/{user_id}"),
]


def test_no_token_reaches_the_account_or_admin_endpoints(app, client, auth):
    admin, headers = make_admin(app, auth, "root@example.com")
    token = create_token(client, headers)
    body = {"name": "again", "scopes": ["read"]}
    for method, template in ACCOUNT_AND_ADMIN_ROUTES:
        path = template.format(token_id=token["id"], user_id=admin["id"])
        sent = None if method == "GET" else body
        response = client.open(path, method=method, headers=bearer(token["token"]), json=sent)
        assert response.status_code == 403, (method, path, response.get_json())
    assert client.get("/auth/tokens", headers=headers).get_json()[0]["id"] == token["id"]
    assert client.get(f"/admin/users/{admin['id']}", headers=headers).status_code == 200


def test_an_admins_token_has_no_admin_powers(app, client, auth):
    _, headers = make_admin(app, auth, "root@example.com")
    other, _, _ = auth.user()
    token = bearer(create_token(client, headers)["token"])
    assert client.get(f"/audit?user_id={other['id']}", headers=headers).status_code == 200
    assert client.get(f"/audit?user_id={other['id']}", headers=token).status_code == 403
    assert client.get(f"/stats?user_id={other['id']}", headers=headers).status_code == 200
    assert client.get(f"/stats?user_id={other['id']}", headers=token).status_code == 403
    assert client.get("/metrics", headers=token).status_code == 403
