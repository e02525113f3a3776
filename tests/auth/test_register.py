"""POST /auth/register."""

import threading

import pytest
from sqlalchemy import func, select

from okr_app.extensions import db
from okr_app.models import User
from tests.conftest import PASSWORD


def test_register_returns_profile_without_secrets(client):
    response = client.post(
        "/auth/register",
        json={"email": "  Alice@Example.COM ", "password": PASSWORD, "display_name": " Alice "},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id", "email", "display_name", "role", "created_at"}
    assert body["email"] == "alice@example.com"
    assert body["display_name"] == "Alice"
    assert body["role"] == "user"


def test_password_is_stored_as_argon2id_hash(app, auth):
    auth.register("bob@example.com")
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash))
    assert stored.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in stored
    assert PASSWORD not in stored


def test_duplicate_email_ignoring_case_is_409(auth):
    assert auth.register("carol@example.com").status_code == 201
    response = auth.register(" CAROL@example.com")
    assert response.status_code == 409
    assert response.get_json()["code"] == 409


@pytest.mark.parametrize("field", ["role", "id", "is_active", "password_hash"])
def test_fields_a_client_must_not_set_are_422(auth, field):
    response = auth.register("dave@example.com", **{field: "admin"})
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "at least 12"),
        ("x" * 129, "at most 128"),
        ("password1234", "too common"),
        ("Qwerty123456", "too common"),
        ("my name is erin and more", "name part"),
    ],
)
def test_password_policy(auth, password, reason):
    response = auth.register("erin@example.com", password)
    assert response.status_code == 422
    messages = " ".join(response.get_json()["errors"]["json"]["password"])
    assert reason in messages


def test_any_characters_and_no_truncation(auth):
    password = "ünïcødé pässwörd 🔐 " + "y" * 100
    assert auth.register("frank@example.com", password).status_code == 201
    assert auth.login("frank@example.com", password).status_code == 200
    assert auth.login("frank@example.com", password[:-1]).status_code == 401


@pytest.mark.settings(OKR_PASSWORD_MIN_LENGTH=20)
def test_minimum_length_is_a_setting(auth):
    response = auth.register("gina@example.com", "nineteen characters")
    assert response.status_code == 422
    assert auth.register("gina@example.com", "twenty characters ok").status_code == 201


@pytest.mark.parametrize("email", ["not-an-email", "", "a@", 42, None])
def test_invalid_email_is_422(auth, email):
    response = (
        auth.register(email=email)
        if email
        else auth.client.post("/auth/register", json={"email": email, "password": PASSWORD})
    )
    assert response.status_code == 422


@pytest.mark.concurrent
def test_concurrent_registrations_create_one_account(app):
    statuses = []

    def register():
        with app.test_client() as client:
            response = client.post(
                "/auth/register", json={"email": "race@example.com", "password": PASSWORD}
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=register) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 9
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
