"""The /admin/users endpoints."""

import json

import pytest
from sqlalchemy import select

from okr_app.extensions import db
from okr_app.models import AuditRow, AuthSession, User
from tests.admin.conftest import make_admin
from tests.conftest import bearer


def test_non_admins_get_403_everywhere(client, auth):
    profile, _, headers = auth.user()
    url = f"/admin/users/{profile['id']}"
    assert client.get("/admin/users", headers=headers).status_code == 403
    assert client.get(url, headers=headers).status_code == 403
    assert client.patch(url, headers=headers, json={"role": "admin"}).status_code == 403
    assert client.delete(url, headers=headers).status_code == 403
    assert client.get("/auth/me", headers=headers).get_json()["role"] == "user"


def test_anonymous_gets_401(client):
    assert client.get("/admin/users").status_code == 401


def test_list_filters_and_paginates(client, auth, admin):
    _, headers = admin
    for name in ("anna", "bert", "carl"):
        auth.register(f"{name}@example.org")
    response = client.get("/admin/users?q=EXAMPLE.ORG&page_size=2", headers=headers)
    assert response.status_code == 200
    assert [u["email"] for u in response.get_json()] == ["anna@example.org", "bert@example.org"]
    assert json.loads(response.headers["X-Pagination"])["total"] == 3
    admins = client.get("/admin/users?role=admin", headers=headers).get_json()
    assert [u["email"] for u in admins] == ["root@example.com"]
    assert client.get("/admin/users?page_size=101", headers=headers).status_code == 422


@pytest.mark.parametrize("part", ["_", "%", "rst_"])
def test_q_matches_percent_and_underscore_literally(client, auth, admin, part):
    _, headers = admin
    auth.register("first_last@example.org")
    auth.register("firstlast@example.org")
    response = client.get("/admin/users", query_string={"q": part}, headers=headers)
    assert [u["email"] for u in response.get_json()] == (
        [] if part == "%" else ["first_last@example.org"]
    )


@pytest.mark.parametrize("blank", [" ", "   ", "\t"])
def test_q_of_spaces_alone_is_refused_not_a_match_for_everyone(client, auth, admin, blank):
    _, headers = admin
    auth.register("anna@example.org")
    response = client.get("/admin/users", query_string={"q": blank}, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"]["query"]["q"] == [
        "Give part of an e-mail address: spaces alone match nothing."
    ]
    padded = client.get("/admin/users", query_string={"q": " anna "}, headers=headers)
    assert [u["email"] for u in padded.get_json()] == ["anna@example.org"]


def test_get_one_and_404(client, auth, admin):
    _, headers = admin
    profile = auth.register("anna@example.org").get_json()
    body = client.get(f"/admin/users/{profile['id']}", headers=headers).get_json()
    assert body["email"] == "anna@example.org"
    assert body["is_active"] is True
    assert "password_hash" not in body
    assert client.get("/admin/users/999999", headers=headers).status_code == 404


def test_deactivation_revokes_sessions_and_refuses_logins(app, client, auth, admin):
    _, admin_headers = admin
    profile, tokens, headers = auth.user()
    url = f"/admin/users/{profile['id']}"
    response = client.patch(url, headers=admin_headers, json={"is_active": False})
    assert response.status_code == 200
    assert response.get_json()["is_active"] is False
    assert client.get("/auth/me", headers=headers).status_code == 401
    refused = client.post("/auth/refresh", headers=bearer(tokens["refresh_token"]))
    assert refused.status_code == 401
    login = auth.login(profile["email"])
    assert login.status_code == 403
    assert "deactivated" in login.get_json()["message"]
    with app.app_context():
        sessions = db.session.scalars(
            select(AuthSession).where(AuthSession.user_id == profile["id"])
        ).all()
        assert all(session.revoked_at is not None for session in sessions)
    client.patch(url, headers=admin_headers, json={"is_active": True})
    assert auth.login(profile["email"]).status_code == 200


def test_promotion_is_audited_with_old_and_new(app, client, auth, admin):
    _, admin_headers = admin
    profile, _, headers = auth.user()
    client.patch(f"/admin/users/{profile['id']}", headers=admin_headers, json={"role": "admin"})
    assert client.get("/admin/users", headers=headers).status_code == 200
    with app.app_context():
        row = db.session.scalar(select(AuditRow).where(AuditRow.action == "admin.user.updated"))
        assert row.details == {"changes": {"role": {"old": "user", "new": "admin"}}}
        assert row.owner_id == profile["id"]


@pytest.mark.parametrize("change", [{"role": "user"}, {"is_active": False}])
def test_last_active_admin_cannot_demote_or_deactivate_themself(client, admin, change):
    profile, headers = admin
    response = client.patch(f"/admin/users/{profile['id']}", headers=headers, json=change)
    assert response.status_code == 409
    assert client.get("/auth/me", headers=headers).get_json()["role"] == "admin"


def test_an_admin_may_step_down_when_another_remains(app, client, auth, admin):
    profile, headers = admin
    make_admin(app, auth, "second@example.com")
    response = client.patch(f"/admin/users/{profile['id']}", headers=headers, json={"role": "user"})
    assert response.status_code == 200
    assert client.get("/admin/users", headers=headers).status_code == 403


def test_last_admin_cannot_delete_themself(client, admin):
    profile, headers = admin
    assert client.delete(f"/admin/users/{profile['id']}", headers=headers).status_code == 409


def test_role_and_fields_are_validated(client, auth, admin):
    _, headers = admin
    profile = auth.register("anna@example.org").get_json()
    url = f"/admin/users/{profile['id']}"
    assert client.patch(url, headers=headers, json={"role": "root"}).status_code == 422
    assert client.patch(url, headers=headers, json={"email": "x@example.com"}).status_code == 422
    assert client.patch(url, headers=headers, json={"is_active": "maybe"}).status_code == 422


def test_delete_removes_account_and_keeps_audit_rows(app, client, auth, admin):
    _, admin_headers = admin
    profile, _, headers = auth.user()
    response = client.delete(f"/admin/users/{profile['id']}", headers=admin_headers)
    assert response.status_code == 204
    assert client.get("/auth/me", headers=headers).status_code == 401
    assert auth.login(profile["email"]).status_code == 401
    with app.app_context():
        assert db.session.get(User, profile["id"]) is None
        rows = db.session.scalars(select(AuditRow).where(AuditRow.actor_id == profile["id"])).all()
        assert {row.action for row in rows} >= {"auth.registered", "auth.login.succeeded"}
        deleted = db.session.scalar(select(AuditRow).where(AuditRow.action == "admin.user.deleted"))
        assert deleted.details["deleted"]["email"] == profile["email"]
        assert "password_hash" not in deleted.details["deleted"]


def test_admin_operations_are_marked_in_the_openapi_document(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    operations = [
        (path, method, operation)
        for path, methods in paths.items()
        if path.startswith("/admin/")
        for method, operation in methods.items()
        if method != "parameters"
    ]
    assert len(operations) == 4
    for path, method, operation in operations:
        assert operation["description"].endswith("Admins only."), (path, method)
        assert {"401", "403"} <= set(operation["responses"]), (path, method)
        assert operation["security"] == [{"bearerAuth": []}]


def test_an_id_beyond_the_database_is_404(app, client, auth):
    _, headers = make_admin(app, auth, "root@example.com")
    response = client.get("/admin/users/916240403846215013236736", headers=headers)
    assert response.status_code == 404
    assert response.get_json()["message"] == "No such user."
