"""Idempotency-Key: a retried write gets its first answer again and changes nothing."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select, update

from okr_app.api.idempotency import Claim, release
from okr_app.extensions import db
from okr_app.models import AuditRow, CheckIn, IdempotencyKey, Objective
from okr_app.models.types import utcnow
from tests.conftest import bearer
from tests.factories import create_key_result, create_objective, create_token

KEY = {"Idempotency-Key": "4f1c0f4e-2b1e-4bb0-9a57-6c1f0c2f9e11"}
OBJECTIVE = {"title": "Ship the beta", "period": "2026-Q4"}


def count(app, model, *conditions):
    """Return the number of rows of ``model`` matching ``conditions``."""
    with app.app_context():
        statement = select(func.count()).select_from(model).where(*conditions)
        return db.session.scalar(statement)


def test_a_replay_returns_the_first_answer_and_writes_nothing(app, client, auth):
    _, _, headers = auth.user()
    first = client.post("/objectives", headers={**headers, **KEY}, json=OBJECTIVE)
    assert first.status_code == 201
    rows = count(app, AuditRow)
    again = client.post("/objectives", headers={**headers, **KEY}, json=OBJECTIVE)
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    for name in ("Location", "ETag", "Content-Type"):
        assert again.headers[name] == first.headers[name]
    assert again.get_data() == first.get_data()
    assert again.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    assert count(app, Objective) == 1
    assert count(app, AuditRow) == rows


def test_a_json_body_counts_by_its_content(app, client, auth):
    _, _, headers = auth.user()
    spaced = '{ "period" : "2026-Q4",  "title": "Ship the beta" }'
    client.post("/objectives", headers={**headers, **KEY}, json=OBJECTIVE)
    again = client.post(
        "/objectives", headers={**headers, **KEY}, data=spaced, content_type="application/json"
    )
    assert again.headers["Idempotent-Replayed"] == "true"
    slashed = client.post("/objectives/", headers={**headers, **KEY}, json=OBJECTIVE)
    assert slashed.headers["Idempotent-Replayed"] == "true"  # the same route
    assert count(app, Objective) == 1


def test_a_number_keeps_its_kind(app, client, auth):
    """7.0 is refused where 7 is taken (a whole-number field): the two are other requests."""
    _, _, headers = auth.user()
    keyed = {**headers, **KEY}
    refused = {**OBJECTIVE, "check_in_every_days": 7.0}
    assert client.post("/objectives", headers=keyed, json=refused).status_code == 422
    fixed = client.post("/objectives", headers=keyed, json={**OBJECTIVE, "check_in_every_days": 7})
    assert fixed.status_code == 422  # the key is the refused request's: not its answer again
    assert "Idempotency-Key" in fixed.get_json()["errors"]["headers"]
    assert count(app, Objective) == 0


def test_a_key_reused_for_another_request_is_422_naming_the_header(app, client, auth):
    _, _, headers = auth.user()
    assert client.post("/objectives", headers={**headers, **KEY}, json=OBJECTIVE).status_code == 201
    others = [
        ("POST", "/objectives", {**OBJECTIVE, "title": "Another"}),
        ("POST", "/key-results", OBJECTIVE),
        ("PATCH", "/objectives/1", OBJECTIVE),
    ]
    for method, path, body in others:
        response = client.open(path, method=method, headers={**headers, **KEY}, json=body)
        assert response.status_code == 422, (method, path)
        assert "Idempotency-Key" in response.get_json()["errors"]["headers"]
    assert count(app, Objective) == 1
    assert count(app, Objective, Objective.title == "Ship the beta") == 1


def test_malformed_keys_are_422(app, client, auth):
    _, _, headers = auth.user()
    for key in ["", " ", "x" * 256, "k\u00e9y", "two words"]:
        keyed = {**headers, "Idempotency-Key": key}
        response = client.post("/objectives", headers=keyed, json=OBJECTIVE)
        assert response.status_code == 422, key
        assert "Idempotency-Key" in response.get_json()["errors"]["headers"]
    assert count(app, Objective) == 0


def test_keys_of_255_visible_characters_are_accepted(client, auth):
    _, _, headers = auth.user()
    key = ("!~" * 128)[:255]
    response = client.post(
        "/objectives", headers={**headers, "Idempotency-Key": key}, json=OBJECTIVE
    )
    assert response.status_code == 201


def test_4xx_answers_are_kept_and_5xx_answers_are_not(app, client, auth):
    _, _, headers = auth.user()
    refused = client.post("/objectives", headers={**headers, **KEY}, json={"title": "x"})
    assert refused.status_code == 422
    again = client.post("/objectives", headers={**headers, **KEY}, json={"title": "x"})
    assert (again.status_code, again.headers["Idempotent-Replayed"]) == (422, "true")
    assert again.get_json() == refused.get_json()
    with app.app_context():
        [record] = db.session.scalars(select(IdempotencyKey)).all()
        assert record.status == 422


@pytest.mark.settings(OKR_IDEMPOTENCY_KEY_SECONDS=3600)
def test_a_key_expires_after_the_setting_and_is_purged(app, client, auth, runner):
    _, _, session = auth.user()
    headers = bearer(create_token(client, session)["token"])  # outlives an access token
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as clock:
        assert (
            client.post("/objectives", headers={**headers, **KEY}, json=OBJECTIVE).status_code
            == 201
        )
        clock.shift(timedelta(minutes=59))
        again = client.post("/objectives", headers={**headers, **KEY}, json=OBJECTIVE)
        assert again.headers["Idempotent-Replayed"] == "true"
        clock.shift(timedelta(minutes=2))
        reused = client.post(
            "/objectives", headers={**headers, **KEY}, json={**OBJECTIVE, "title": "B"}
        )
        assert reused.status_code == 201
        assert "Idempotent-Replayed" not in reused.headers
        assert count(app, Objective) == 2
        clock.shift(timedelta(hours=2))
        result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 expired idempotency keys" in result.output
    assert count(app, IdempotencyKey) == 0


def in_flight_claim(app, user_id, key, fingerprint="0" * 64, seconds=60):
    """Store a claim on ``key`` as a request still running in another worker would."""
    now = utcnow()
    with app.app_context():
        db.session.add(
            IdempotencyKey(
                scope=f"user:{user_id}",
                key=key,
                user_id=user_id,
                fingerprint=fingerprint,
                expires_at=now + timedelta(days=1),
                locked_until=now + timedelta(seconds=seconds),
            )
        )
        db.session.commit()


def test_a_key_in_flight_is_409_until_its_request_is_given_up(app, client, auth):
    profile, _, headers = auth.user()
    objective = create_objective(client, headers)
    path = f"/objectives/{objective['id']}"
    # The fingerprint the running request would have: learn it from a real request.
    probe = {"Idempotency-Key": "probe"}
    client.patch(path, headers={**headers, **probe}, json={"title": "T"})
    with app.app_context():
        fingerprint = db.session.scalar(
            select(IdempotencyKey.fingerprint).where(IdempotencyKey.key == "probe")
        )
    in_flight_claim(app, profile["id"], KEY["Idempotency-Key"], fingerprint)
    with time_machine.travel(datetime.now(UTC), tick=False) as clock:
        busy = client.patch(path, headers={**headers, **KEY}, json={"title": "T"})
        assert busy.status_code == 409
        assert busy.headers["Retry-After"] == "1"
        other = client.patch(path, headers={**headers, **KEY}, json={"title": "U"})
        assert other.status_code == 422
        clock.shift(timedelta(seconds=61))
        taken_over = client.patch(path, headers={**headers, **KEY}, json={"title": "T"})
        assert taken_over.status_code == 200
        assert "Idempotent-Replayed" not in taken_over.headers
        again = client.patch(path, headers={**headers, **KEY}, json={"title": "T"})
        assert again.headers["Idempotent-Replayed"] == "true"


def test_every_write_operation_documents_the_header(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    writes = [
        (method, operation)
        for operations in paths.values()
        for method, operation in operations.items()
        if method in ("post", "put", "patch", "delete")
    ]
    assert len(writes) >= 20
    for _method, operation in writes:
        [parameter] = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
        assert parameter["in"] == "header"
        assert parameter["schema"]["maxLength"] == 255
        # The header says what it does on this operation: a client documents it from there.
        replays = "never replays this answer" not in operation["description"]
        assert ("gets the first answer again" in parameter["description"]) == replays
    check_ins = paths["/key-results/{key_result_id}/check-ins"]["post"]
    assert {"409", "422"} <= set(check_ins["responses"])
    assert "credentials" in paths["/auth/login"]["post"]["description"]


def test_a_check_in_replay_adds_no_check_in(app, client, auth):
    _, _, headers = auth.user()
    key_result = create_key_result(client, headers, create_objective(client, headers)["id"])
    path = f"/key-results/{key_result['id']}/check-ins"
    answers = [client.post(path, headers={**headers, **KEY}, json={"delta": 5}) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [201] * 3
    assert {answer.get_json()["value"] for answer in answers} == {5}
    assert count(app, CheckIn) == 1
    assert (
        client.get(f"/key-results/{key_result['id']}", headers=headers).get_json()["current_value"]
        == 5
    )


def test_a_late_release_keeps_a_stored_answer_and_a_hold_taken_over(app, client, auth):
    """A request whose audit row failed gives its key back only while it still holds it."""
    _, _, headers = auth.user()
    assert client.post("/objectives", headers={**headers, **KEY}, json=OBJECTIVE).status_code == 201
    with app.app_context():
        record = db.session.scalar(select(IdempotencyKey))
        first_hold = Claim(record.id, record.locked_until)
        # Its answer is stored (a commit that went through unannounced): the key stays.
        release(first_hold)
        db.session.commit()
        assert count(app, IdempotencyKey) == 1
        # Taken over by another request, which holds it longer: the key stays too.
        later = record.locked_until + timedelta(seconds=61)
        db.session.execute(
            update(IdempotencyKey).values(status=None, body=None, locked_until=later)
        )
        db.session.commit()
        release(first_hold)
        db.session.commit()
        assert count(app, IdempotencyKey) == 1
        release(Claim(record.id, later))
        db.session.commit()
    assert count(app, IdempotencyKey) == 0
