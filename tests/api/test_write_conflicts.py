"""Writes that meet on the same rows: they queue, and a deadlock PostgreSQL breaks is a 409."""

import threading

import pytest
from sqlalchemy import func, select, text

from okr_app.extensions import db
from okr_app.models import Objective
from tests.conftest import BACKEND, AuthActions, bearer
from tests.factories import create_objective
from tests.locks import wait_for_a_lock_wait
from tests.web.conftest import WebActions, etag_of

pytestmark = [
    pytest.mark.concurrent,
    pytest.mark.skipif(BACKEND != "postgresql", reason="SQLite runs one write at a time"),
]
LOCK = text("SELECT id FROM objectives WHERE id = :id FOR UPDATE")


def meeting(app, send, first, then):
    """Run statement ``first`` in a transaction of its own, ``send()`` a request in a thread
    and, once it waits for a lock, run ``then`` in the same transaction; commit it.

    Return the request's answer.
    """
    answer = {}
    with app.app_context():
        other = db.engine.connect()
        transaction = other.begin()
        other.execute(first)
        thread = threading.Thread(target=lambda: answer.setdefault("response", send()))
        thread.start()
        try:
            wait_for_a_lock_wait(app)
            other.execute(text("SET LOCAL lock_timeout = '10s'"))
            other.execute(then)
            transaction.commit()
        finally:
            if transaction.is_active:
                transaction.rollback()
            other.close()
            thread.join(30)
    return answer["response"]


def locking(objective_id):
    """Return the statement locking the objective ``objective_id``."""
    return LOCK.bindparams(id=objective_id)


def deleting(app, headers, objective_id):
    """Return a function sending the deletion of ``objective_id`` from a client of its own."""

    def delete():
        with app.test_client() as own:
            return own.delete(f"/objectives/{objective_id}", headers=headers)

    return delete


def objectives_left(app, *ids):
    """Return how many of the objectives ``ids`` exist."""
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(Objective).where(Objective.id.in_(ids))
        )


def test_a_parent_deleted_while_its_child_changes_waits_for_the_change(app, client):
    _, _, headers = AuthActions(client).user()
    parent = create_objective(client, headers)
    child = create_objective(client, headers, parent_id=parent["id"])
    delete = deleting(app, headers, parent["id"])
    # A change of the child holds it, then moves its parent's version.
    moves_parent = text("UPDATE objectives SET version = version + 1 WHERE id = :id")
    response = meeting(app, delete, locking(child["id"]), moves_parent.bindparams(id=parent["id"]))
    assert response.status_code == 204, response.get_json()
    shown = client.get(f"/objectives/{child['id']}", headers=headers).get_json()
    assert shown["parent_id"] is None


def test_a_deadlock_is_409_with_retry_after_and_changes_nothing(app, client):
    _, _, headers = AuthActions(client).user()
    top = create_objective(client, headers)
    middle = create_objective(client, headers, parent_id=top["id"])
    delete = deleting(app, headers, middle["id"])
    # The deletion holds the middle objective and then wants its parent, which the other
    # transaction holds; that one then wants the middle one: PostgreSQL breaks the cycle.
    response = meeting(app, delete, locking(top["id"]), locking(middle["id"]))
    assert response.status_code == 409
    assert response.headers["Retry-After"] == "1"
    assert "at the same moment" in response.get_json()["message"]
    assert objectives_left(app, top["id"], middle["id"]) == 2
    retried = client.delete(f"/objectives/{middle['id']}", headers=headers)
    assert retried.status_code == 204


def test_a_deadlock_answer_is_not_kept_for_its_idempotency_key(app, client):
    _, _, headers = AuthActions(client).user()
    top = create_objective(client, headers)
    middle = create_objective(client, headers, parent_id=top["id"])
    keyed = {**headers, "Idempotency-Key": "delete-middle"}

    def delete():
        with app.test_client() as own:
            return own.delete(f"/objectives/{middle['id']}", headers=keyed)

    response = meeting(app, delete, locking(top["id"]), locking(middle["id"]))
    assert response.status_code == 409
    # The retry the answer asks for is made, not answered with the 409 again.
    retried = client.delete(f"/objectives/{middle['id']}", headers=keyed)
    assert retried.status_code == 204
    assert "Idempotent-Replayed" not in retried.headers
    assert objectives_left(app, top["id"], middle["id"]) == 1


def test_a_deadlock_in_the_web_interface_is_a_409_page(app, client):
    web = WebActions(client)
    email = web.user()
    headers = bearer(AuthActions(client).login(email).get_json()["access_token"])
    top = create_objective(client, headers)
    middle = create_objective(client, headers, parent_id=top["id"])
    path = f"/app/objectives/{middle['id']}"
    tag = etag_of(client.get(path))
    token = web.token(path)

    def delete():
        data = {"csrf_token": token, "etag": tag}
        return client.post(path + "/delete", data=data)

    response = meeting(app, delete, locking(top["id"]), locking(middle["id"]))
    assert response.status_code == 409
    assert response.headers["Retry-After"] == "1"
    assert "at the same moment" in response.get_data(as_text=True)
    assert objectives_left(app, top["id"], middle["id"]) == 2


def test_a_deadlock_met_while_recording_the_audit_row_is_409(app, client):
    profile, _, headers = AuthActions(client).user()
    objective = create_objective(client, headers)
    path = f"/objectives/{objective['id']}"
    keyed = {**headers, "Idempotency-Key": "rename"}

    def rename():
        with app.test_client() as own:
            return own.patch(path, headers=keyed, json={"title": "Renamed"})

    # The change holds the objective, then wants the head of its owner's audit chain.
    head = text("SELECT seq FROM audit_chain_head WHERE chain_key = :key FOR UPDATE")
    response = meeting(app, rename, head.bindparams(key=profile["id"]), locking(objective["id"]))
    assert response.status_code == 409
    assert response.headers["Retry-After"] == "1"
    shown = client.get(path, headers=headers).get_json()
    assert shown["title"] == objective["title"]
    # The key was given back with the change: the retry runs at once.
    retried = client.patch(path, headers=keyed, json={"title": "Renamed"})
    assert retried.status_code == 200, retried.get_json()
    assert client.get(path, headers=headers).get_json()["title"] == "Renamed"


def test_a_deadlock_met_while_recording_a_web_change_is_a_409_page(app, client):
    web = WebActions(client)
    email = web.user()
    headers = bearer(AuthActions(client).login(email).get_json()["access_token"])
    owner = client.get("/auth/me", headers=headers).get_json()["id"]
    objective = create_objective(client, headers)
    path = f"/app/objectives/{objective['id']}"
    data = {"csrf_token": web.token(path), "etag": etag_of(client.get(path))}

    def delete():
        return client.post(path + "/delete", data=data)

    # The deletion holds the objective, then wants the head of its owner's audit chain.
    head = text("SELECT seq FROM audit_chain_head WHERE chain_key = :key FOR UPDATE")
    response = meeting(app, delete, head.bindparams(key=owner), locking(objective["id"]))
    assert response.status_code == 409
    assert response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "1"
    assert "Content-Security-Policy" in response.headers
    assert "at the same moment" in response.get_data(as_text=True)
    assert objectives_left(app, objective["id"]) == 1


def test_a_deadlock_gives_back_its_own_key_only(app, client):
    auth = AuthActions(client)
    profile, _, headers = auth.user("first@example.com")
    _, _, other = auth.user("second@example.com")
    done = create_objective(client, other, title="Done before")
    objective = create_objective(client, headers)
    first = {**other, "Idempotency-Key": "first"}

    def two_writes():
        # One application context, so one ``g``, for both requests, as a test may keep it;
        # the first is another account's, whose chain the deadlock leaves alone.
        with app.app_context():
            own = app.test_client()
            written = own.patch(f"/objectives/{done['id']}", headers=first, json={"title": "A"})
            assert written.status_code == 200
            keyed = {**headers, "Idempotency-Key": "rename"}
            path = f"/objectives/{objective['id']}"
            return own.patch(path, headers=keyed, json={"title": "Renamed"})

    head = text("SELECT seq FROM audit_chain_head WHERE chain_key = :key FOR UPDATE")
    response = meeting(
        app, two_writes, head.bindparams(key=profile["id"]), locking(objective["id"])
    )
    assert response.status_code == 409
    # The earlier request's answer is still kept under its key.
    replayed = client.patch(f"/objectives/{done['id']}", headers=first, json={"title": "A"})
    assert replayed.status_code == 200
    assert replayed.headers.get("Idempotent-Replayed") == "true"
