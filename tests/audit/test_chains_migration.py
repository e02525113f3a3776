"""The per-account chains' migration (0011): the single chain of before stays verifiable."""

from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from okr_app.audit import verification
from okr_app.audit.chain import HASHED_FIELDS, row_hash
from okr_app.audit.checkpoints import write_checkpoint
from okr_app.extensions import db
from okr_app.models import LEGACY_CHAIN, AuditRow
from tests.conftest import POSTGRES_URL, AuthActions, migrating_app


def write_old_chain(length):
    """Append ``length`` rows to the single chain of before 0011, hashed as then."""
    prev_hash = ""
    for seq in range(1, length + 1):
        fields = {name: None for name in HASHED_FIELDS}
        fields.update(
            seq=seq,
            at=datetime(2026, 11, 1, seq, tzinfo=UTC),
            actor_id=seq,
            owner_id=seq,
            action="auth.login.succeeded",
            outcome="success",
            status_code=200,
            method="POST",
            path="/auth/login",
            details={},
            prev_hash=prev_hash,
        )
        fields["hash"] = prev_hash = row_hash(fields)
        db.session.execute(AuditRow.__table__.insert().values(fields))
    db.session.execute(
        text("UPDATE audit_head SET seq = :seq, last_hash = :hash"),
        {"seq": length, "hash": prev_hash},
    )
    db.session.commit()


def old_chain_survives_the_chains_migration(database_url):
    """Old rows stay verifiable after 0011 and fold back into one chain on the way down."""
    app = migrating_app(database_url)
    client = app.test_client()
    with app.app_context():
        upgrade(revision="0008")
        write_old_chain(3)
        upgrade()
        report = verification.verify()
        assert (report.rows, report.chains, report.problems) == (3, 1, [])
        keys = db.session.scalars(text("SELECT DISTINCT chain_key FROM audit_log")).all()
        assert keys == [LEGACY_CHAIN]
        checkpoint = write_checkpoint()
        assert checkpoint.heads[str(LEGACY_CHAIN)][0] == 3
        AuthActions(client).user()
        report = verification.verify()
        assert (report.rows, report.chains, report.problems) == (5, 2, [])
        db.session.remove()
        downgrade(revision="0008")
        table = AuditRow.__table__
        columns = [table.c[name] for name in ("id", "hash", *HASHED_FIELDS)]
        rows = db.session.execute(select(*columns).order_by(table.c.id)).mappings().all()
        assert [row["seq"] for row in rows] == [1, 2, 3, 4, 5]
        prev_hash = ""
        for row in rows:
            fields = {name: row[name] for name in HASHED_FIELDS}
            assert row["prev_hash"] == prev_hash
            assert row_hash(fields) == row["hash"]
            prev_hash = row["hash"]
        head = db.session.execute(text("SELECT seq, last_hash FROM audit_head")).one()
        assert tuple(head) == (5, prev_hash)
        db.session.remove()
        db.engine.dispose()


def test_sqlite_old_chain_survives(tmp_path):
    old_chain_survives_the_chains_migration(f"sqlite:///{tmp_path}/chains.sqlite3")


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
def test_postgres_old_chain_survives(scratch_postgres_url):
    old_chain_survives_the_chains_migration(scratch_postgres_url)
