"""Request edges: chunked bodies over the limit, doubled slashes, request ids."""

import io
import json

from okr_app.extensions import db
from okr_app.models import AuditRow, Objective


def chunked(client, path, headers, body):
    """POST ``body`` without ``Content-Length``, as a chunked request arrives from gunicorn."""
    return client.post(
        path,
        input_stream=io.BytesIO(body),
        headers={**headers, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_body_over_the_limit_is_413(app, client, auth):
    _, _, headers = auth.user()
    body = json.dumps({"title": "x", "period": "2026", "description": "d" * 70_000}).encode()
    response = chunked(client, "/objectives", headers, body)
    assert response.status_code == 413
    assert response.get_json()["code"] == 413
    small = json.dumps({"title": "x", "period": "2026"}).encode()
    assert chunked(client, "/objectives", headers, small).status_code == 201
    with app.app_context():
        assert db.session.query(Objective).count() == 1


def test_doubled_slashes_answer_json_not_an_html_redirect(client, auth):
    _, _, headers = auth.user()
    for method in ("GET", "POST", "DELETE"):
        response = client.open("/objectives//", method=method, headers=headers)
        assert response.status_code == 404
        assert response.content_type == "application/json"
    assert client.get("/objectives/", headers=headers).status_code == 200


def test_audit_request_ids_are_unique_and_keep_the_clients(app, client, auth):
    _, _, headers = auth.user()
    sent = {**headers, "X-Request-ID": "same-id-twice"}
    for title in ("one", "two"):
        response = client.post("/objectives", headers=sent, json={"title": title, "period": "2026"})
        assert response.status_code == 201
        assert response.headers["X-Request-ID"] == "same-id-twice"
    with app.app_context():
        rows = db.session.query(AuditRow).filter_by(action="objective.created").all()
        assert len({row.request_id for row in rows}) == 2
        assert "same-id-twice" not in {row.request_id for row in rows}
        assert [row.details["client_request_id"] for row in rows] == ["same-id-twice"] * 2
