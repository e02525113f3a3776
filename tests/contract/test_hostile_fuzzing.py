"""Hostile values in every field of every operation: a 4xx or a success, never a 500.

Hypothesis draws an operation of ``/openapi.json``, one of its body fields or query
parameters, and a value of the classes that once reached a 500: strings with NUL or lone
surrogates, integers beyond 64 bits or beyond what the JSON parser converts, floats that
overflow, page numbers past the database's integers, moments and days at the calendar's
edges with extreme offsets. The rest of the body is a valid one where the operation needs
one, so the hostile value gets as far as it can. Runs on SQLite and on PostgreSQL.
"""

import json
import os
import re
import uuid
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tests.factories import create_key_result, create_objective

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12")) * 8
OPEN_LIMITS = {
    "OKR_API_RATE_LIMIT": "1000000 per minute",
    "OKR_LOGIN_IP_LIMIT": "1000000 per minute",
}
HUGE_LITERAL = "1" + "0" * 5000  # past the standard library's 4,300 digits
#: Bodies that pass validation, so the hostile field is the only thing wrong.
VALID_BODIES = {
    ("POST", "/objectives"): {"title": "Fuzzed", "period": "2026-Q1"},
    ("POST", "/key-results"): {"title": "Fuzzed", "metric": "units"},
    ("POST", "/key-results/{key_result_id}/check-ins"): {"value": 3},
    ("POST", "/auth/register"): {"password": "a long enough pass phrase"},
    ("POST", "/auth/login"): {"email": "fuzz@example.com", "password": "whatever it is"},
    ("POST", "/webhooks"): {"url": "https://example.com/hook", "events": ["objective.created"]},
    ("POST", "/auth/tokens"): {"name": "fuzz", "scopes": ["read"]},
}
SKIPPED = {("POST", "/auth/logout"), ("POST", "/auth/change-password"), ("POST", "/import")}

YEARS = st.sampled_from([1, 2, 1899, 1900, 1901, 2026, 2998, 2999, 3000, 9998, 9999])
OFFSETS = st.sampled_from(["Z", "+23:59", "-23:59", "+01:00", "-01:00", "", "+14:00"])


@st.composite
def edge_moments(draw):
    """Return an ISO 8601 day or moment near the calendar's ends, with an extreme offset."""
    year, month = draw(YEARS), draw(st.sampled_from([1, 12]))
    day = draw(st.sampled_from([1, 31]))
    if draw(st.booleans()):
        return f"{year:04d}-{month:02d}-{day:02d}"
    time = draw(st.sampled_from(["00:00:00", "23:59:59", "00:30:00.999999"]))
    return f"{year:04d}-{month:02d}-{day:02d}T{time}{draw(OFFSETS)}"


HOSTILE_STRINGS = st.one_of(
    st.text(st.characters(categories=["Cs", "Cc", "Lo"]), min_size=1, max_size=8),
    st.sampled_from(["\x00", "a\x00b", "\ud800", "\udfff x", "\ud83d"]),
)
HOSTILE_NUMBERS = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.sampled_from([2**63, -(2**63) - 1, 2**64, 2**31, 10**20]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.just(HUGE_LITERAL),  # sent as a bare literal, not a string
)
HOSTILE_VALUES = st.one_of(HOSTILE_STRINGS, HOSTILE_NUMBERS, edge_moments())


def operations(document):
    """Return ``(method, path, body fields, query parameters)`` of every API operation."""
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters" or (method.upper(), path) in SKIPPED:
                continue
            query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            fields = list(resolve(document, body["schema"]).get("properties", {})) if body else []
            if query or fields:
                found.append((method.upper(), path, fields, query))
    return sorted(found)


def resolve(document, schema):
    """Follow a ``$ref`` to the schema it names."""
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def encode(value):
    """Return ``value`` as JSON text; the huge literal stays a bare number."""
    return HUGE_LITERAL if value == HUGE_LITERAL else json.dumps(value)


@pytest.fixture
def world(client, auth):
    """The caller, their objective and key result, and the operations to fuzz."""
    _, _, headers = auth.user("fuzz@example.com")
    objective = create_objective(client, headers)
    key_result = create_key_result(client, headers, objective["id"])
    ids = {"objective_id": objective["id"], "key_result_id": key_result["id"]}
    document = client.get("/openapi.json").get_json()
    return headers, ids, operations(document)


@pytest.mark.settings(**OPEN_LIMITS)
@seed(20261130)
@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
@given(data=st.data())
def test_hostile_values_never_reach_a_500(client, world, data):
    headers, ids, found = world
    method, path, fields, query = data.draw(st.sampled_from(found), label="operation")
    url = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)
    value = data.draw(HOSTILE_VALUES, label="value")
    in_body = bool(fields) and (not query or data.draw(st.booleans(), label="in body"))
    request_headers = {**headers, "If-Match": "*", "Idempotency-Key": uuid.uuid4().hex}
    if in_body:
        field = data.draw(st.sampled_from(fields), label="field")
        body = dict(VALID_BODIES.get((method, path), {}))
        if "objective_id" in fields and field != "objective_id":
            body.setdefault("objective_id", ids["objective_id"])
        body.pop(field, None)
        members = [f"{json.dumps(name)}: {json.dumps(item)}" for name, item in body.items()]
        text = "{" + ", ".join([*members, f"{json.dumps(field)}: {encode(value)}"]) + "}"
        response = client.open(
            url, method=method, headers=request_headers, data=text, content_type="application/json"
        )
    else:
        name = data.draw(st.sampled_from(query), label="parameter")
        raw = value if isinstance(value, str) else encode(value)
        # As a client would send it: UTF-8, a lone surrogate as the bytes it stands for.
        encoded = quote(raw, safe="", errors="surrogatepass")
        response = client.open(f"{url}?{name}={encoded}", method=method, headers=request_headers)
    assert response.status_code < 500, (method, url, response.get_data(as_text=True)[:500])
    if response.status_code >= 400:
        assert response.content_type == "application/json"
