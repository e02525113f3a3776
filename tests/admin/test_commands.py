"""flask users create-admin."""

from sqlalchemy import select

from okr_app.extensions import db
from okr_app.models import AuditRow, User
from tests.conftest import PASSWORD


def invoke(runner, *args, stdin=None):
    """Run ``flask users create-admin``."""
    return runner.invoke(args=["users", "create-admin", *args], input=stdin)


def test_creates_an_admin_from_stdin(app, runner, auth):
    result = invoke(runner, " Root@Example.com ", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Created admin root@example.com" in result.output
    assert auth.login("root@example.com").status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "root@example.com"))
        assert user.role == "admin"
        row = db.session.scalar(select(AuditRow).where(AuditRow.action == "admin.user.created"))
        assert row.resource_id == str(user.id)


def test_prompts_for_the_password(runner, auth):
    result = invoke(runner, "root@example.com", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert auth.login("root@example.com").status_code == 200


def test_promotes_an_existing_user(app, runner, auth):
    profile, _, headers = auth.user()
    result = invoke(runner, profile["email"])
    assert result.exit_code == 0, result.output
    assert "Promoted" in result.output
    assert auth.client.get("/auth/me", headers=headers).get_json()["role"] == "admin"


def test_promotes_and_reactivates_a_deactivated_account(app, runner, auth, admin):
    """The way back in when no admin can log in: the account it names can, afterwards."""
    _root, root_headers = admin
    anna = auth.register("anna@example.org").get_json()
    deactivated = auth.client.patch(
        f"/admin/users/{anna['id']}", headers=root_headers, json={"is_active": False}
    )
    assert deactivated.status_code == 200
    assert auth.login("anna@example.org").status_code == 403
    result = invoke(runner, "anna@example.org")
    assert "Promoted and reactivated anna@example.org as admin." in result.output
    assert auth.login("anna@example.org").status_code == 200
    with app.app_context():
        row = db.session.scalars(
            select(AuditRow).where(AuditRow.action == "admin.user.promoted")
        ).one()
        assert row.details == {"role": {"old": "user", "new": "admin"}, "reactivated": True}
    again = invoke(runner, "anna@example.org")
    assert "already an active admin: nothing changed" in again.output
    with app.app_context():
        rows = select(AuditRow).where(AuditRow.action == "admin.user.promoted")
        assert len(db.session.scalars(rows).all()) == 1


def test_refuses_a_weak_password(app, runner):
    result = invoke(runner, "root@example.com", "--password-stdin", stdin="password\n")
    assert result.exit_code != 0
    assert "Password refused" in result.output
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_refuses_a_bad_email(runner):
    result = invoke(runner, "not-an-address", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code != 0
    assert "Not an e-mail address" in result.output


def test_registration_never_makes_an_admin(auth):
    assert auth.register("x@example.com", role="admin").status_code == 422
    assert auth.register("x@example.com").get_json()["role"] == "user"


def test_refuses_an_address_longer_than_an_account_can_have(app, runner):
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".example"
    assert len(email) == 255
    result = invoke(runner, email, "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 1
    assert "An e-mail address has at most 254 characters." in result.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == email)) is None
