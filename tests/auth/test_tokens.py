"""Forged, expired and otherwise invalid tokens are refused with a JSON 401."""

import base64
import json
import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest
import time_machine

from okr_app import create_app
from okr_app.extensions import db
from tests.conftest import AuthActions, bearer, make_config


def claims_of(token):
    """Return the unverified claims of ``token``."""
    return jwt.decode(token, options={"verify_signature": False})


def b64(data):
    """Encode ``data`` as unpadded URL-safe base64 JSON."""
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.fixture
def claims(auth):
    """The claims of a valid access token of a new user."""
    _, tokens, _ = auth.user()
    return claims_of(tokens["access_token"])


def assert_refused(client, token):
    """Assert that /auth/me refuses ``token`` with a JSON 401."""
    response = client.get("/auth/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.get_json()["code"] == 401


def test_signed_with_another_key(client, claims):
    assert_refused(client, jwt.encode(claims, "another-key-" + "y" * 40, algorithm="HS256"))


def test_alg_none(client, claims):
    token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."
    assert_refused(client, token)


def test_expired(app, client, claims):
    now = int(time.time())
    claims.update(iat=now - 3600, nbf=now - 3600, exp=now - 60)
    assert_refused(client, jwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS256"))


def test_not_yet_valid(app, client, claims):
    now = int(time.time())
    claims.update(nbf=now + 3600, exp=now + 7200)
    assert_refused(client, jwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS256"))


def test_unknown_session(app, client, claims):
    claims["sid"] = "0" * 32
    assert_refused(client, jwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS256"))


def test_other_users_identity_in_own_session(app, client, auth, claims):
    other, _, _ = auth.user()
    claims["sub"] = str(other["id"])
    assert_refused(client, jwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS256"))


@pytest.mark.parametrize("header", ["Bearer", "Bearer not.a.token", "Basic abc", "Token x"])
def test_malformed_headers(client, header):
    response = client.get("/auth/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["code"] == 401


@pytest.mark.settings(OKR_ACCESS_TOKEN_SECONDS=1)
def test_access_token_lifetime_is_a_setting(client, auth):
    # The clock stands still until the token should have expired: a slow machine must not
    # let the second pass between the login and the first request.
    with time_machine.travel(datetime.now(UTC), tick=False) as clock:
        _, tokens, headers = auth.user()
        assert tokens["expires_in"] == 1
        exp = claims_of(tokens["access_token"])["exp"]
        assert exp - claims_of(tokens["access_token"])["iat"] == timedelta(seconds=1).seconds
        assert client.get("/auth/me", headers=headers).status_code == 200
        clock.shift(timedelta(seconds=5))
        assert client.get("/auth/me", headers=headers).status_code == 401


def test_without_identity(app, client, claims):
    del claims["sub"]
    assert_refused(client, jwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS256"))


def test_signed_with_an_algorithm_not_accepted(app, client, claims):
    token = jwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS384")
    assert_refused(client, token)


@pytest.mark.parametrize(
    "header", ["Bearer  {token}", "Basic abc, Bearer {token}", "Bearer {token},", " Bearer {token}"]
)
def test_other_header_shapes_are_read_as_before(client, auth, header):
    user, tokens, _ = auth.user()
    response = client.get(
        "/auth/me", headers={"Authorization": header.format(token=tokens["access_token"])}
    )
    assert response.status_code == 200
    assert response.get_json()["id"] == user["id"]


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "bEaReR  "])
def test_the_scheme_is_read_in_any_case(client, auth, scheme):
    """An authentication scheme is case-insensitive (RFC 9110): access and personal tokens."""
    user, tokens, headers = auth.user()
    personal = client.post(
        "/auth/tokens", headers=headers, json={"name": "cron", "scopes": ["read"]}
    ).get_json()["token"]
    for token in (tokens["access_token"], personal):
        response = client.get("/auth/me", headers={"Authorization": f"{scheme} {token}"})
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["id"] == user["id"]


def test_a_token_carries_no_cookie_csrf_claim(auth):
    _, tokens, _ = auth.user()
    assert "csrf" not in claims_of(tokens["access_token"])
    assert "csrf" not in claims_of(tokens["refresh_token"])


def test_a_token_accepted_once_is_refused_while_its_time_claims_do_not_hold(client, auth):
    # A token whose signature was verified is kept, but its iat, nbf and exp are read
    # against the clock at every request: back before its issue, it is not valid yet.
    issued = datetime.now(UTC)
    with time_machine.travel(issued, tick=False) as clock:
        _, _, headers = auth.user()
        assert client.get("/auth/me", headers=headers).status_code == 200
        clock.move_to(issued - timedelta(hours=1))
        assert client.get("/auth/me", headers=headers).status_code == 401
        clock.move_to(issued)
        assert client.get("/auth/me", headers=headers).status_code == 200


@pytest.mark.concurrent
def test_a_token_accepted_by_one_app_is_refused_by_an_app_with_another_secret(app, client):
    other = create_app(
        make_config(app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY="another-" + "z" * 40)
    )
    try:
        _, _, headers = AuthActions(client).user()
        assert client.get("/auth/me", headers=headers).status_code == 200
        assert other.test_client().get("/auth/me", headers=headers).status_code == 401
    finally:
        with other.app_context():
            db.engine.dispose()
