"""Objectives through the API: create, read, replace, change, delete, validation, audit."""

from sqlalchemy import func, select

from okr_app.extensions import db
from okr_app.models import AuditRow, CheckIn, KeyResult
from tests.factories import check_in, create_key_result, create_objective, raw_json


def test_create_returns_201_with_location_etag_and_derived_dates(client, auth):
    _, _, headers = auth.user()
    response = client.post(
        "/objectives",
        headers=headers,
        json={"title": "  Ship the app  ", "period": "2026-H2", "description": "Mobile first"},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/objectives/{body['id']}")
    assert response.headers["ETag"]
    assert body["title"] == "Ship the app"
    assert body["description"] == "Mobile first"
    assert body["status"] == "active"
    assert (body["start_date"], body["end_date"]) == ("2026-07-01", "2026-12-31")
    assert body["progress"] == 0
    assert body["key_results"] == []
    assert body["created_at"] and body["updated_at"]
    fetched = client.get(response.headers["Location"], headers=headers)
    assert fetched.status_code == 200
    assert fetched.get_json() == body
    assert fetched.headers["ETag"] == response.headers["ETag"]


def test_bad_periods_are_422_listing_the_accepted_forms(client, auth):
    _, _, headers = auth.user()
    for period in ("2026-Q5", "2026-13", "Q1", "2026-H3", "2026-q1", "2026\n", "", 2026, None):
        response = client.post(
            "/objectives", headers=headers, json={"title": "x", "period": period}
        )
        assert response.status_code == 422, period
        message = " ".join(response.get_json()["errors"]["json"]["period"])
        if isinstance(period, str):
            assert "YYYY-Qn" in message and "YYYY-MM" in message


def test_every_period_form_gives_its_dates(client, auth):
    _, _, headers = auth.user()
    expected = {
        "2027": ("2027-01-01", "2027-12-31"),
        "2027-H1": ("2027-01-01", "2027-06-30"),
        "2027-Q3": ("2027-07-01", "2027-09-30"),
        "2028-02": ("2028-02-01", "2028-02-29"),
    }
    for period, dates in expected.items():
        body = create_objective(client, headers, period=period)
        assert (body["period"], body["start_date"], body["end_date"]) == (period, *dates)


def test_input_validation_names_the_field(client, auth):
    _, _, headers = auth.user()
    cases = [
        ({"title": "x", "period": "2026", "owner": 3}, "owner"),
        ({"title": "", "period": "2026"}, "title"),
        ({"title": "   ", "period": "2026"}, "title"),
        ({"title": "x" * 201, "period": "2026"}, "title"),
        ({"title": 12, "period": "2026"}, "title"),
        ({"title": "x", "period": "2026", "description": "d" * 2001}, "description"),
        ({"title": "x", "period": "2026", "status": "done"}, "status"),
        ({"title": "x", "period": "2026", "id": 5}, "id"),
        ({"title": "x", "period": "2026", "progress": 50}, "progress"),
        ({"period": "2026"}, "title"),
        ({"title": "x"}, "period"),
    ]
    for body, field in cases:
        response = client.post("/objectives", headers=headers, json=body)
        assert response.status_code == 422, body
        assert field in response.get_json()["errors"]["json"], body
    assert client.get("/objectives", headers=headers).get_json() == []


def test_put_replaces_the_editable_fields(client, auth):
    _, _, headers = auth.user()
    objective = create_objective(
        client, headers, description="old", status="missed", period="2026-Q1"
    )
    before = client.get(f"/objectives/{objective['id']}", headers=headers).headers["ETag"]
    response = client.put(
        f"/objectives/{objective['id']}", headers=headers, json={"title": "New", "period": "2026"}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["title"], body["period"], body["description"], body["status"]) == (
        "New",
        "2026",
        None,
        "active",
    )
    assert (body["start_date"], body["end_date"]) == ("2026-01-01", "2026-12-31")
    assert response.headers["ETag"] != before


def test_put_without_a_required_field_is_422_and_changes_nothing(client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers, title="Keep me")
    response = client.put(f"/objectives/{objective['id']}", headers=headers, json={"title": "T"})
    assert response.status_code == 422
    assert "period" in response.get_json()["errors"]["json"]
    assert client.get(f"/objectives/{objective['id']}", headers=headers).get_json() == objective


def test_a_new_row_was_last_updated_when_created_and_a_change_moves_it(client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"])
    for item in (objective, key_result):
        assert item["updated_at"] == item["created_at"]
    path = f"/objectives/{objective['id']}"
    changed = client.patch(path, headers=headers, json={"title": "Renamed"}).get_json()
    assert changed["created_at"] == objective["created_at"]
    assert changed["updated_at"] > objective["updated_at"]


def test_patch_changes_only_the_fields_sent(client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers, description="keep", period="2026-Q1")
    response = client.patch(
        f"/objectives/{objective['id']}", headers=headers, json={"period": "2026-Q2"}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["title"] == objective["title"]
    assert body["description"] == "keep"
    assert (body["period"], body["start_date"], body["end_date"]) == (
        "2026-Q2",
        "2026-04-01",
        "2026-06-30",
    )
    cleared = client.patch(
        f"/objectives/{objective['id']}", headers=headers, json={"description": None}
    )
    assert cleared.get_json()["description"] is None
    for body in ({"title": None}, {"status": "nope"}, {"period": "2026-Q9"}, {"x": 1}):
        assert (
            client.patch(f"/objectives/{objective['id']}", headers=headers, json=body).status_code
            == 422
        )


def test_delete_removes_key_results_and_check_ins(app, client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers)
    kept = create_objective(client, headers)
    first = create_key_result(client, headers, objective["id"])
    second = create_key_result(client, headers, objective["id"])
    other = create_key_result(client, headers, kept["id"])
    for key_result in (first, second, other):
        assert check_in(client, headers, key_result["id"], value=10).status_code == 201
    response = client.delete(f"/objectives/{objective['id']}", headers=headers)
    assert response.status_code == 204
    assert client.get(f"/objectives/{objective['id']}", headers=headers).status_code == 404
    for key_result in (first, second):
        assert client.get(f"/key-results/{key_result['id']}", headers=headers).status_code == 404
    assert client.get(f"/key-results/{other['id']}", headers=headers).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(KeyResult)) == 1
        remaining = db.session.scalars(select(CheckIn.key_result_id)).all()
        assert remaining == [other["id"]]
    assert client.delete(f"/objectives/{objective['id']}", headers=headers).status_code == 404


def test_update_and_delete_leave_audit_rows_with_changes_and_snapshot(app, client, auth):
    profile, _, headers = auth.user()
    objective = create_objective(client, headers, title="Before", period="2026-Q1")
    key_result = create_key_result(client, headers, objective["id"], current_value=30)
    client.patch(
        f"/objectives/{objective['id']}",
        headers=headers,
        json={"title": "After", "status": "active"},
    )
    client.delete(f"/objectives/{objective['id']}", headers=headers)
    with app.app_context():
        rows = db.session.scalars(
            select(AuditRow).where(AuditRow.resource_type == "objective").order_by(AuditRow.id)
        ).all()
    assert [row.action for row in rows] == [
        "objective.created",
        "objective.updated",
        "objective.deleted",
    ]
    updated, deleted = rows[1], rows[2]
    assert updated.actor_id == profile["id"]
    assert updated.resource_id == str(objective["id"])
    assert updated.details == {"changes": {"title": {"old": "Before", "new": "After"}}}
    snapshot = deleted.details["deleted"]
    assert snapshot["id"] == objective["id"]
    assert snapshot["title"] == "After"
    assert snapshot["period"] == "2026-Q1"
    [saved] = snapshot["key_results"]
    assert saved["id"] == key_result["id"]
    assert saved["current_value"] == 30
    assert [item["value"] for item in saved["check_ins"]] == [30]


def test_refused_update_is_audited_as_updated_and_denied(app, client, auth):
    _, _, headers = auth.user()
    response = client.patch("/objectives/999", headers=headers, json={"title": "x"})
    assert response.status_code == 404
    with app.app_context():
        row = db.session.scalars(select(AuditRow).order_by(AuditRow.id.desc())).first()
    assert (row.action, row.outcome, row.status_code) == ("objective.updated", "denied", 404)


def test_nan_and_malformed_ids_never_500(client, auth):
    _, _, headers = auth.user()
    response = raw_json(client, "POST", "/objectives", headers, '{"title": NaN, "period": "2026"}')
    assert response.status_code == 422
    for path in ("/objectives/abc", "/objectives/-1", "/objectives/99999999999999999999"):
        for method in ("GET", "PUT", "PATCH", "DELETE"):
            body = {"title": "x", "period": "2026"}
            response = client.open(path, method=method, headers=headers, json=body)
            assert response.status_code == 404, (path, method)
            assert response.get_json()["code"] == 404
    assert client.get("/objectives/2147483648", headers=headers).status_code == 404
