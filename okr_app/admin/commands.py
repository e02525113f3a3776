"""``flask users`` commands."""

import sys

import click
from flask.cli import AppGroup
from marshmallow import ValidationError, validate
from sqlalchemy import select

from okr_app.audit.recording import record_command
from okr_app.auth import passwords
from okr_app.auth.emails import normalize_email
from okr_app.database.migrations import schema_required
from okr_app.extensions import db
from okr_app.models import EMAIL_MAX_LENGTH, User

users_cli = AppGroup("users", help="Accounts.")


def init_app(app):
    """Register the ``users`` command group."""
    app.cli.add_command(users_cli)


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@schema_required
def create_admin(email, password_stdin):
    """Create an admin account, or promote an existing account to admin."""
    email = normalize_email(email)
    if len(email) > EMAIL_MAX_LENGTH:
        raise click.ClickException(f"An e-mail address has at most {EMAIL_MAX_LENGTH} characters.")
    try:
        validate.Email()(email)
    except ValidationError as error:
        raise click.ClickException(f"Not an e-mail address: {email}") from error
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None:
        _promote(user)
        return
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    errors = passwords.policy_errors(password, email)
    if errors:
        raise click.ClickException("Password refused: " + " ".join(errors))
    user = User(email=email, role="admin", password_hash=passwords.hash_password(password))
    db.session.add(user)
    db.session.flush()
    record_command(
        "admin.user.created", resource_type="user", resource_id=user.id, owner_id=user.id
    )
    db.session.commit()
    click.echo(f"Created admin {email}.")


def _promote(user):
    """Make an existing account an admin that can log in: the way back in when none can.

    A deactivated account is reactivated too; one already an active admin is left alone.
    """
    if user.role == "admin" and user.is_active:
        click.echo(f"{user.email} is already an active admin: nothing changed.")
        return
    details = {"role": {"old": user.role, "new": "admin"}, "reactivated": not user.is_active}
    user.role, user.is_active = "admin", True
    record_command(
        "admin.user.promoted",
        resource_type="user",
        resource_id=user.id,
        owner_id=user.id,
        details=details,
    )
    db.session.commit()
    done = "Promoted and reactivated" if details["reactivated"] else "Promoted"
    click.echo(f"{done} {user.email} as admin.")
