"""``flask seed-demo``."""

import click
from flask.cli import with_appcontext

from okr_app.audit.recording import record_command
from okr_app.database.migrations import schema_required
from okr_app.demo import seed
from okr_app.extensions import db


def init_app(app):
    """Register the ``seed-demo`` command."""
    app.cli.add_command(seed_demo)


@click.command("seed-demo")
@with_appcontext
@click.option("--users", default=5, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--objectives", default=6, show_default=True, type=click.IntRange(0, 1000))
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 3660))
@click.option("--seed", "seed_value", default=2026, show_default=True, type=int)
@click.option("--force", is_flag=True, help="Run even though real accounts exist.")
@schema_required
def seed_demo(users, objectives, days, seed_value, force):
    """Fill the database with deterministic demo users and their OKRs (replacing old demo data)."""
    real = seed.real_users()
    if real and not force:
        raise click.ClickException(
            f"The database holds {real} real accounts; refusing to add demo data. "
            "Pass --force to do it anyway."
        )
    made, check_ins = seed.seed(users, objectives, days, seed_value)
    record_command(
        "demo.seeded",
        resource_type="demo",
        resource_id=made,
        owner_id=None,
        details={"users": made, "objectives": objectives, "days": days},
    )
    db.session.commit()
    click.echo(
        f"Created {made} demo user{'s' * (made != 1)} ({seed.DEMO_EMAIL.format(index='N')}, "
        f"password '{seed.DEMO_PASSWORD}') with {check_ins} check-in{'s' * (check_ins != 1)}."
    )
