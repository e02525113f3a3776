"""Answers are written by orjson: the standard encoder's documents, sorted and compact."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from flask.json.provider import DefaultJSONProvider

from tests.factories import create_objective


def test_an_answer_is_sorted_compact_utf8_json(client, auth):
    _, _, headers = auth.user()
    created = create_objective(client, headers, title="Über-Ziel ☃", description="déjà vu")
    response = client.get(f"/objectives/{created['id']}", headers=headers)
    text = response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert '"title":"Über-Ziel ☃"' in text
    assert text.endswith("}\n") and ", " not in text and ": " not in text
    assert list(json.loads(text)) == sorted(json.loads(text))


def test_the_provider_writes_what_the_standard_encoder_writes(app):
    document = {
        "b": [1.5, None, True, 10**15, -0.25, 1e16],
        "a": {"nested": '\u00e9\t"quoted"'},
        "keys": {3: "an int key", 1: "another"},
        "day": date(2026, 11, 25),
        "moment": datetime(2026, 11, 25, 16, 30, tzinfo=UTC),
        "amount": Decimal("1.10"),
    }
    standard = DefaultJSONProvider(app)
    ours = app.json.dumps(document)
    assert json.loads(ours) == json.loads(standard.dumps(document))
    assert ours.index('"a"') < ours.index('"amount"') < ours.index('"b"')
    assert '"day":"Wed, 25 Nov 2026 00:00:00 GMT"' in ours
    assert app.json.dumps({"b": 1, "a": 2}, indent=2) == '{\n  "a": 2,\n  "b": 1\n}'


def test_what_orjson_refuses_is_written_by_the_standard_encoder(app):
    compact = {"separators": (",", ":")}  # as Flask's response() asks
    assert app.json.dumps({"big": 2**70}, **compact) == '{"big":1180591620717411303424}'
    assert json.loads(app.json.dumps(["\ud800"])) == ["\ud800"]
