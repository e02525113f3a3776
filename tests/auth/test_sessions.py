"""Refresh rotation, logout and change-password revocation."""

from datetime import timedelta

from sqlalchemy import select, update

from okr_app.extensions import db
from okr_app.models import AuthSession
from okr_app.models.types import utcnow
from tests.conftest import PASSWORD, bearer


def refresh(client, token):
    """Call /auth/refresh with ``token``."""
    return client.post("/auth/refresh", headers=bearer(token))


def test_refresh_rotates_the_pair(client, auth):
    _, tokens, _ = auth.user()
    response = refresh(client, tokens["refresh_token"])
    assert response.status_code == 200
    fresh = response.get_json()
    assert fresh["refresh_token"] != tokens["refresh_token"]
    assert client.get("/auth/me", headers=bearer(fresh["access_token"])).status_code == 200
    assert refresh(client, fresh["refresh_token"]).status_code == 200


def test_reused_refresh_token_revokes_the_whole_session(client, auth):
    _, tokens, headers = auth.user()
    fresh = refresh(client, tokens["refresh_token"]).get_json()
    reused = refresh(client, tokens["refresh_token"])
    assert reused.status_code == 401
    assert "already used" in reused.get_json()["message"]
    assert refresh(client, fresh["refresh_token"]).status_code == 401
    assert client.get("/auth/me", headers=bearer(fresh["access_token"])).status_code == 401
    assert client.get("/auth/me", headers=headers).status_code == 401


def test_access_token_is_not_a_refresh_token_and_back(client, auth):
    _, tokens, headers = auth.user()
    assert refresh(client, tokens["access_token"]).status_code == 401
    assert client.get("/auth/me", headers=bearer(tokens["refresh_token"])).status_code == 401
    assert client.get("/auth/me", headers=headers).status_code == 200


def test_logout_ends_access_and_refresh_tokens(client, auth):
    _, tokens, headers = auth.user()
    response = client.post("/auth/logout", headers=headers)
    assert response.status_code == 204
    assert client.get("/auth/me", headers=headers).status_code == 401
    assert refresh(client, tokens["refresh_token"]).status_code == 401
    assert client.post("/auth/logout", headers=headers).status_code == 401


def test_logout_is_durable_in_the_database(app, client, auth):
    _, _, headers = auth.user()
    client.post("/auth/logout", headers=headers)
    with app.app_context():
        session = db.session.scalar(select(AuthSession))
        assert session.revoked_at is not None
        assert session.revoked_reason == "logout"
    # A second app on the same database (another worker, or after a restart) refuses it too.
    assert app.test_client().get("/auth/me", headers=headers).status_code == 401


def test_logout_leaves_other_sessions_alone(client, auth):
    profile, _, first = auth.user()
    second = bearer(auth.login(profile["email"]).get_json()["access_token"])
    client.post("/auth/logout", headers=first)
    assert client.get("/auth/me", headers=second).status_code == 200


def test_change_password_revokes_every_earlier_token(client, auth):
    profile, first_tokens, first = auth.user()
    second_tokens = auth.login(profile["email"]).get_json()
    response = client.post(
        "/auth/change-password",
        headers=first,
        json={"current_password": PASSWORD, "new_password": "an entirely new passphrase"},
    )
    assert response.status_code == 200
    fresh = response.get_json()
    for old in (first_tokens, second_tokens):
        assert client.get("/auth/me", headers=bearer(old["access_token"])).status_code == 401
        assert refresh(client, old["refresh_token"]).status_code == 401
    assert client.get("/auth/me", headers=bearer(fresh["access_token"])).status_code == 200
    assert refresh(client, fresh["refresh_token"]).status_code == 200
    assert auth.login(profile["email"]).status_code == 401
    assert auth.login(profile["email"], "an entirely new passphrase").status_code == 200


def test_change_password_with_wrong_current_is_403_and_counts(client, auth):
    profile, _, headers = auth.user()
    body = {"current_password": "not my password", "new_password": "an entirely new passphrase"}
    answers = [client.post("/auth/change-password", headers=headers, json=body) for _ in range(5)]
    assert [answer.status_code for answer in answers] == [403] * 5
    assert answers[0].get_json()["errors"] == {
        "json": {"current_password": ["The current password is wrong."]}
    }
    assert "e-mail" not in answers[0].get_json()["message"]
    assert client.get("/auth/me", headers=headers).status_code == 200
    assert auth.login(profile["email"]).status_code == 429
    assert client.get("/auth/me", headers=headers).status_code == 200


def test_change_password_applies_the_policy(client, auth):
    _, _, headers = auth.user()
    response = client.post(
        "/auth/change-password",
        headers=headers,
        json={"current_password": PASSWORD, "new_password": "short"},
    )
    assert response.status_code == 422
    assert "new_password" in response.get_json()["errors"]["json"]
    assert client.get("/auth/me", headers=headers).status_code == 200


def test_me_requires_a_token(client):
    response = client.get("/auth/me")
    assert response.status_code == 401
    body = response.get_json()
    assert body["code"] == 401
    assert body["status"] == "Unauthorized"
    assert "message" in body


def test_expired_sessions_are_purged(app, auth, runner):
    profile, _, headers = auth.user()
    auth.login(profile["email"])
    with app.app_context():
        db.session.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    result = runner.invoke(args=["auth", "purge-sessions"])
    assert result.exit_code == 0
    assert "Deleted 2 expired sessions" in result.output
    with app.app_context():
        assert db.session.scalar(select(AuthSession)) is None
    assert auth.client.get("/auth/me", headers=headers).status_code == 401


def test_a_login_purges_the_users_own_expired_sessions(app, auth):
    profile, _, _ = auth.user()
    with app.app_context():
        db.session.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    auth.login(profile["email"])
    with app.app_context():
        assert len(db.session.scalars(select(AuthSession)).all()) == 1
