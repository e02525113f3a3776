"""The after-request hook: one row per state-changing request, atomic with the change."""

import json
import logging

import pytest
from sqlalchemy import func, select, text

from okr_app.extensions import db
from okr_app.models import AuditRow, User
from tests.conftest import PASSWORD, bearer

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def row_count(app):
    """Return the number of audit rows."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditRow))


def last_row(app):
    """Return the newest audit row."""
    with app.app_context():
        return db.session.scalar(select(AuditRow).order_by(AuditRow.id.desc()).limit(1))


def state_changing_routes(app):
    """Yield ``(method, path)`` for every state-changing route, ids filled in with 1."""
    for rule in app.url_map.iter_rules():
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "1")
        for method in sorted(rule.methods & STATE_CHANGING):
            yield method, path


def test_every_state_changing_route_writes_one_row_when_refused(app, client):
    routes = list(state_changing_routes(app))
    assert len(routes) >= 7
    for method, path in routes:
        before = row_count(app)
        response = client.open(path, method=method, json={"unexpected": True})
        assert response.status_code >= 400, (method, path)
        assert row_count(app) == before + 1, (method, path)
        row = last_row(app)
        assert (row.method, row.path, row.status_code) == (method, path, response.status_code)
        assert row.outcome == "denied"


def test_unknown_routes_and_methods_write_no_rows(app, client):
    # Nothing was attempted on any resource; an anonymous flood must not grow the trail.
    before = row_count(app)
    assert client.post("/no/such/thing", json={}).status_code == 404
    assert client.delete("/auth/me").status_code == 405
    assert row_count(app) == before


def test_reads_write_no_rows(app, client, auth):
    _, _, headers = auth.user()
    before = row_count(app)
    client.get("/auth/me", headers=headers)
    client.get("/audit", headers=headers)
    client.get("/health")
    assert row_count(app) == before


def test_success_row_names_the_action_and_resource(app, auth):
    profile = auth.register("alice@example.com").get_json()
    row = last_row(app)
    assert row.action == "auth.registered"
    assert (row.resource_type, row.resource_id) == ("user", str(profile["id"]))
    assert (row.actor_id, row.outcome, row.status_code) == (profile["id"], "success", 201)


def test_refused_change_leaves_its_row_and_no_change(app, auth):
    auth.register("alice@example.com")
    response = auth.register("ALICE@example.com")
    assert response.status_code == 409
    row = last_row(app)
    assert (row.action, row.outcome, row.status_code) == ("auth.register", "denied", 409)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


REFUSE_AUDIT_ROWS = {
    "sqlite": [
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log"
        " BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$",
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log"
        " FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
    ],
}


def refuse_audit_rows(app):
    """Make every audit row insert fail, as a broken trail would."""
    with app.app_context():
        for statement in REFUSE_AUDIT_ROWS[db.engine.dialect.name]:
            db.session.execute(text(statement))
        db.session.commit()


def test_a_change_whose_row_cannot_be_written_is_rolled_back(app, client):
    refuse_audit_rows(app)
    response = client.post(
        "/auth/register", json={"email": "alice@example.com", "password": PASSWORD}
    )
    assert response.status_code == 500
    assert response.get_json()["code"] == 500
    assert "not applied" in response.get_json()["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_refusal_whose_row_cannot_be_written_keeps_its_answer(app, auth):
    auth.register("alice@example.com")
    refuse_audit_rows(app)
    response = auth.login("alice@example.com", "wrong password here")
    assert response.status_code == 401
    assert response.get_json()["message"] == "Wrong e-mail or password."


def test_no_secret_reaches_a_row_or_a_log_line(app, client, auth, caplog):
    caplog.set_level(logging.DEBUG)
    new_password = "another long passphrase"
    profile, tokens, headers = auth.user("alice@example.com")
    auth.login("alice@example.com", "a wrong password value")
    refreshed = client.post("/auth/refresh", headers=bearer(tokens["refresh_token"])).get_json()
    changed = client.post(
        "/auth/change-password",
        headers=bearer(refreshed["access_token"]),
        json={"current_password": PASSWORD, "new_password": new_password},
    ).get_json()
    client.post("/auth/logout", headers=bearer(changed["access_token"]))
    with app.app_context():
        rows = db.session.scalars(select(AuditRow)).all()
        stored_hash = db.session.get(User, profile["id"]).password_hash
    dumped = json.dumps(
        [
            {column: str(getattr(row, column)) for column in row.__table__.columns.keys()}  # noqa: SIM118
            for row in rows
        ]
    ) + "\n".join(record.getMessage() for record in caplog.records)
    secrets = [
        PASSWORD,
        new_password,
        "a wrong password value",
        stored_hash,
        "$argon2id$",
        "Bearer ",
        headers["Authorization"],
    ]
    secrets += [tokens[key] for key in ("access_token", "refresh_token")]
    secrets += [refreshed["access_token"], changed["access_token"], changed["refresh_token"]]
    assert len(rows) >= 6
    for secret in secrets:
        assert secret not in dumped


@pytest.mark.parametrize("key", ["password", "new_password", "refresh_token", "Authorization"])
def test_scrub_drops_secret_keys(key):
    from okr_app.audit.recording import scrub

    assert scrub({"changes": {key: "x", "title": "y"}}) == {"changes": {"title": "y"}}
