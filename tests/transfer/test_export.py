"""GET /export: the JSON document, the zip of CSV files and one CSV file, by hand."""

import csv
import io
import json
import zipfile

import pytest

from tests.transfer.conftest import STAMP

DONE = {"created_at": STAMP, "updated_at": STAMP}
# A carried value is dated at the start of the period it is carried into (2026-Q2).
Q2_START = "2026-04-01T00:00:00+00:00"


def frozen_kind(kind, start, target):
    """Return what a closing freezes of an increase or decrease's kind and fields."""
    return {
        "kind": kind,
        "start_value": start,
        "target_value": target,
        "threshold": None,
        "range_min": None,
        "range_max": None,
        "due_on": None,
        "in_band": None,
    }


def frozen_items(a_id):
    """Return O1's key results as both closings froze them (B since deleted: no id)."""
    return [
        {
            "id": a_id,
            "title": "Subscribers",
            "metric": "people",
            **frozen_kind("increase", 100.0, 500.0),
            "weight": 2.0,
            "final_value": 300.0,
            "progress": 50.0,
            "confidence": 0.6,
        },
        {
            "id": None,
            "title": "Churn",
            "metric": "%",
            **frozen_kind("decrease", 8.0, 5.0),
            "weight": 1.0,
            "final_value": 5.75,
            "progress": 75.0,
            "confidence": 0.8,
        },
    ]


def expected_document(ids):
    """Return the export of the ``journey`` fixture."""
    closing = {"grade": 0.58, "final_progress": 175 / 3, "closed_at": STAMP}
    subscribers = {
        "title": "Subscribers",
        "metric": "people",
        "kind": "increase",
        "start_value": 100.0,
        "target_value": 500.0,
        "threshold": None,
        "range_min": None,
        "range_max": None,
        "due_on": None,
        "current_value": 300.0,
        "weight": 2.0,
        **DONE,
    }
    return {
        "version": 1,
        "exported_at": STAMP,
        "objectives": [
            {
                "id": ids["o1"]["id"],
                "title": "Grow",
                "description": "Weekly issues",
                "period": "2026-Q1",
                "status": "completed",
                "check_in_every_days": None,
                "copied_from_id": None,
                "parent_id": None,
                "roll_up": False,
                "child_weight": 1.0,
                **DONE,
                "closings": [
                    {
                        "outcome": "missed",
                        "retrospective": "Too slow.",
                        **closing,
                        "reopened_at": STAMP,
                        "key_results": frozen_items(ids["a"]["id"]),
                    },
                    {
                        "outcome": "achieved",
                        "retrospective": None,
                        **closing,
                        "reopened_at": None,
                        "key_results": frozen_items(ids["a"]["id"]),
                    },
                ],
                "key_results": [
                    {
                        "id": ids["a"]["id"],
                        **subscribers,
                        "check_ins": [
                            {
                                "at": "2026-01-10T09:00:00+00:00",
                                "value": 150.0,
                                "confidence": 0.6,
                                "note": "Launch ✓",
                                "source": None,
                            },
                            {
                                "at": "2026-02-10T09:00:00+00:00",
                                "value": 300.0,
                                "confidence": None,
                                "note": None,
                                "source": "garmin",
                            },
                        ],
                    }
                ],
            },
            {
                "id": ids["o2"]["id"],
                "title": "Grow",
                "description": "Weekly issues",
                "period": "2026-Q2",
                "status": "active",
                "check_in_every_days": None,
                "copied_from_id": ids["o1"]["id"],
                "parent_id": None,
                "roll_up": False,
                "child_weight": 1.0,
                **DONE,
                "closings": [],
                "key_results": [
                    {
                        "id": ids["a2"]["id"],
                        **subscribers,
                        "check_ins": [
                            {
                                "at": Q2_START,
                                "value": 300.0,
                                "confidence": None,
                                "note": "Carried over from 2026-Q1.",
                                "source": None,
                            }
                        ],
                    }
                ],
            },
            {
                "id": ids["o3"]["id"],
                "title": "Read",
                "description": None,
                "period": "2026",
                "status": "archived",
                "check_in_every_days": 7,
                "copied_from_id": None,
                "parent_id": None,
                "roll_up": False,
                "child_weight": 1.0,
                **DONE,
                "closings": [],
                "key_results": [],
            },
        ],
    }


def test_json_is_one_document_of_everything(account, journey):
    response = account.client.get("/export", headers=account.headers, buffered=False)
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="okr-20260315T120000Z.json"'
    )
    assert json.loads(response.data) == expected_document(journey)
    assert account.export("?format=json").data == response.data


def test_only_the_callers_data_is_exported(account, journey, client, auth):
    _, _, headers = auth.user()
    response = client.get("/export", headers=headers)
    assert json.loads(response.data) == {"version": 1, "exported_at": STAMP, "objectives": []}
    names = zipfile.ZipFile(io.BytesIO(client.get("/export?format=csv", headers=headers).data))
    assert names.read("check_ins.csv").decode() == (
        "id,key_result_id,at,value,confidence,note,source,created_at\r\n"
    )


def rows_of(text):
    """Return the rows of a CSV file as dictionaries."""
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_is_a_zip_of_one_file_per_entity(account, journey):
    response = account.export("?format=csv")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].endswith('okr-20260315T120000Z.zip"')
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    assert archive.namelist() == [
        "objectives.csv",
        "key_results.csv",
        "check_ins.csv",
        "closings.csv",
    ]
    files = {name: archive.read(name).decode() for name in archive.namelist()}
    o1, o2, o3 = (str(journey[name]["id"]) for name in ("o1", "o2", "o3"))
    assert files["objectives.csv"] == (
        "id,title,description,period,start_date,end_date,status,check_in_every_days,"
        "copied_from_id,parent_id,roll_up,child_weight,created_at,updated_at\r\n"
        f"{o1},Grow,Weekly issues,2026-Q1,2026-01-01,2026-03-31,completed,,,,false,1.0,"
        f"{STAMP},{STAMP}\r\n"
        f"{o2},Grow,Weekly issues,2026-Q2,2026-04-01,2026-06-30,active,,{o1},,false,1.0,"
        f"{STAMP},{STAMP}\r\n"
        f"{o3},Read,,2026,2026-01-01,2026-12-31,archived,7,,,false,1.0,{STAMP},{STAMP}\r\n"
    )
    a, a2 = journey["a"]["id"], journey["a2"]["id"]
    assert files["key_results.csv"] == (
        "id,objective_id,title,metric,kind,start_value,target_value,threshold,range_min,"
        "range_max,due_on,current_value,weight,created_at,updated_at\r\n"
        f"{a},{o1},Subscribers,people,increase,100.0,500.0,,,,,300.0,2.0,{STAMP},{STAMP}\r\n"
        f"{a2},{o2},Subscribers,people,increase,100.0,500.0,,,,,300.0,2.0,{STAMP},{STAMP}\r\n"
    )
    check_ins = rows_of(files["check_ins.csv"])
    assert len({row.pop("id") for row in check_ins}) == 3
    assert check_ins == [
        {
            "key_result_id": str(a),
            "at": "2026-01-10T09:00:00+00:00",
            "value": "150.0",
            "confidence": "0.6",
            "note": "Launch ✓",
            "source": "",
            "created_at": STAMP,
        },
        {
            "key_result_id": str(a),
            "at": "2026-02-10T09:00:00+00:00",
            "value": "300.0",
            "confidence": "",
            "note": "",
            "source": "garmin",
            "created_at": STAMP,
        },
        {
            "key_result_id": str(a2),
            "at": Q2_START,
            "value": "300.0",
            "confidence": "",
            "note": "Carried over from 2026-Q1.",
            "source": "",
            "created_at": STAMP,
        },
    ]
    closings = rows_of(files["closings.csv"])
    assert [row["outcome"] for row in closings] == ["missed", "achieved"]
    assert [row["reopened_at"] for row in closings] == [STAMP, ""]
    assert closings[0]["retrospective"] == "Too slow."
    assert (closings[1]["objective_id"], closings[1]["grade"]) == (o1, "0.58")
    assert json.loads(closings[1]["key_results"]) == frozen_items(a)


def test_one_entity_as_a_csv_file(account, journey):
    response = account.export("?format=csv&entity=objectives")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].endswith('okr-objectives-20260315T120000Z.csv"')
    zipped = zipfile.ZipFile(io.BytesIO(account.export("?format=csv").data))
    assert response.data == zipped.read("objectives.csv")
    # Naming an entity implies CSV.
    assert account.export("?entity=objectives").data == response.data


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?format=xml", "format"),
        ("?format=json&entity=objectives", "entity"),
        ("?format=csv&entity=users", "entity"),
    ],
)
def test_bad_queries_are_422(account, query, field):
    response = account.export(query)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["query"]) == [field]


def test_export_needs_a_token(client):
    assert client.get("/export").status_code == 401
