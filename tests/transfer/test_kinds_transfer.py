"""Export and import carry each key result's kind and the fields defining it."""

import csv
import io
import zipfile
from datetime import UTC, datetime

import pytest
import time_machine

from tests.factories import (
    EVERY_KIND,
    JAN_1,
    Session,
    check_in,
    create_every_kind,
    create_objective,
)


@pytest.fixture
def session(client, auth):
    """A user with one key result of each kind in 2025-Q1, on 21 January 2025."""
    with time_machine.travel(JAN_1, tick=False) as traveller:
        session = Session(client, auth, traveller)
        objective = create_objective(client, session.headers, period="2025-Q1")
        session.key_results = create_every_kind(client, session.headers, objective["id"])
        session.at(datetime(2025, 1, 21, tzinfo=UTC))
        stay_below = session.key_results["stay_below"]["id"]
        check_in(client, session.headers, stay_below, value=4, at="2025-01-11T00:00Z")
        check_in(client, session.headers, session.key_results["milestone"]["id"], done=True)
        session.objective_id = objective["id"]
        yield session


def exported_key_results(session):
    """Return the JSON export's key results by kind."""
    document = session.get("/export")
    (objective,) = document["objectives"]
    return document, {item["kind"]: item for item in objective["key_results"]}


def test_the_json_export_carries_kinds_and_an_import_reads_the_same(client, session):
    document, exported = exported_key_results(session)
    assert exported["stay_above"]["threshold"] == 10
    assert exported["stay_above"]["start_value"] is None
    assert (exported["stay_in_range"]["range_min"], exported["stay_in_range"]["range_max"]) == (
        1,
        2,
    )
    assert exported["milestone"]["due_on"] == "2025-01-15"
    assert exported["decrease"]["start_value"] == 10
    before = session.get(f"/objectives/{session.objective_id}")
    response = client.post("/import", headers=session.headers, json=document)
    assert response.status_code == 201, response.get_json()
    (new_id,) = response.get_json()["objective_ids"]
    after = session.get(f"/objectives/{new_id}")
    fields = ("kind", "start_value", "target_value", "threshold", "range_min", "range_max")
    for old, new in zip(before["key_results"], after["key_results"], strict=True):
        assert {name: new[name] for name in (*fields, "due_on", "in_band", "done")} == {
            name: old[name] for name in (*fields, "due_on", "in_band", "done")
        }
        assert new["progress"] == pytest.approx(old["progress"])
    assert after["progress"] == pytest.approx(before["progress"])


def test_the_csv_export_carries_kinds(session):
    response = session.client.get(
        "/export", query_string={"format": "csv"}, headers=session.headers
    )
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    rows = list(csv.DictReader(io.StringIO(archive.read("key_results.csv").decode())))
    by_kind = {row["kind"]: row for row in rows}
    assert set(by_kind) == set(EVERY_KIND)
    assert by_kind["stay_below"]["threshold"] == "3.0"
    assert by_kind["stay_below"]["start_value"] == ""
    assert by_kind["milestone"]["due_on"] == "2025-01-15"
    assert by_kind["milestone"]["current_value"] == "1.0"


def test_an_export_without_kinds_imports_as_before(client, session):
    document, _exported = exported_key_results(session)
    (objective,) = document["objectives"]
    objective["closings"] = []
    objective["key_results"] = [
        {
            key: value
            for key, value in item.items()
            if key not in ("kind", "threshold", "range_min", "range_max", "due_on")
        }
        for item in objective["key_results"]
        if item["kind"] in ("increase", "decrease")
    ]
    response = client.post("/import", headers=session.headers, json=document)
    assert response.status_code == 201, response.get_json()
    (new_id,) = response.get_json()["objective_ids"]
    kinds = [item["kind"] for item in session.get(f"/objectives/{new_id}")["key_results"]]
    assert kinds == ["increase", "decrease"]


def test_an_import_with_wrong_fields_for_its_kind_is_422(client, session):
    document, _exported = exported_key_results(session)
    (objective,) = document["objectives"]
    objective["closings"] = []
    stay_above = next(item for item in objective["key_results"] if item["kind"] == "stay_above")
    stay_above["start_value"] = 3
    response = client.post("/import", headers=session.headers, json=document)
    assert response.status_code == 422
    assert "start_value" in str(response.get_json()["errors"])


@pytest.mark.parametrize("due_on", ["2024-12-31", "2025-04-01"])
def test_an_import_with_a_due_day_outside_the_period_is_422_as_the_api_answers(
    client, session, due_on
):
    document, _exported = exported_key_results(session)
    (objective,) = document["objectives"]
    objective["closings"] = []
    index, milestone = next(
        (index, item)
        for index, item in enumerate(objective["key_results"])
        if item["kind"] == "milestone"
    )
    milestone["due_on"] = due_on
    response = client.post("/import", headers=session.headers, json=document)
    assert response.status_code == 422, response.get_json()
    message = ["Must lie in the period, 2025-01-01 to 2025-03-31."]
    path = f"objectives.0.key_results.{index}.due_on"
    assert response.get_json()["errors"]["json"] == {path: message}
    assert [item["id"] for item in session.get("/objectives")] == [session.objective_id]
    edited = client.patch(
        f"/key-results/{milestone['id']}", headers=session.headers, json={"due_on": due_on}
    )
    assert edited.status_code == 422
    assert edited.get_json()["errors"]["json"] == {"due_on": message}
