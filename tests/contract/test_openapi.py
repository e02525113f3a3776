"""Property-based contract testing of every operation in /openapi.json (schemathesis).

Each operation is called in-process with generated valid and invalid requests, as a user
whose token is fresh for every call, while a second user's objective, key result and
check-in exist; the key result and check-in operations, which scripts use most, are called
again through a personal access token, with a smaller budget. Every response must be
documented: status code, content type, headers and body. Every check schemathesis has runs
(``--checks all``), with the API rate limit raised so requests reach the logic; the only
findings let through are those of ``ALLOWED_FINDINGS``, each a rule JSON Schema cannot
state. ``FUZZ_EXAMPLES`` raises the budget (``make fuzz``); the seed keeps runs repeatable.
"""

import inspect
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, seed, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.specs.openapi.checks import positive_data_acceptance

from okr_app.api.schemas import UNSTORABLE_REFUSALS
from okr_app.auth import personal_tokens, tokens
from okr_app.extensions import db
from okr_app.models import User
from tests.conftest import bearer

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
OPEN_LIMITS = {
    "OKR_API_RATE_LIMIT": "1000000 per minute",
    "OKR_LOGIN_IP_LIMIT": "1000000 per minute",
    "OKR_LOCKOUT_MAX_FAILURES": 1000000,
}


def populate(client, headers):
    """Give a user an objective with a key result and a check-in."""
    objective = client.post(
        "/objectives", json={"title": "Theirs", "period": "2026-Q4"}, headers=headers
    ).get_json()
    key_result = client.post(
        "/key-results",
        json={"objective_id": objective["id"], "title": "Theirs", "metric": "units"},
        headers=headers,
    ).get_json()
    client.post(f"/key-results/{key_result['id']}/check-ins", json={"value": 5}, headers=headers)


@pytest.fixture
def api_schema(app, client, auth):
    """The app's schema, with the caller's and another user's data in place."""
    _, _, other = auth.user("other@example.com")
    populate(client, other)
    _, _, mine = auth.user("fuzz@example.com")
    populate(client, mine)
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


@pytest.fixture
def fresh_headers(app):
    """Return a function giving a new session's bearer header for the fuzzing user."""

    def make():
        with app.app_context():
            user = db.session.query(User).filter_by(email="fuzz@example.com").one()
            _, pair = tokens.start_session(user)
            db.session.commit()
        return bearer(pair["access_token"])

    return make


@pytest.fixture
def token_headers(app, api_schema):
    """Return the bearer header of a personal access token (read and write) of the user."""
    with app.app_context():
        user = db.session.query(User).filter_by(email="fuzz@example.com").one()
        values = {"name": "fuzzing", "scopes": ["read", "write"]}
        _row, token = personal_tokens.create_token(user.id, values)
        db.session.commit()
    return bearer(token)


# The findings allowed: a 422 to schema-valid data naming only these fields, each for a
# rule that JSON Schema cannot state (each is documented in its operation). Nested fields
# are named by their path (``check_ins.2.value``): the first step counts.
COMMON_PASSWORD = "a password on the list of common ones, or containing the e-mail's name"
KEY_RESULT_RULES = {
    "objective_id": "an objective that is not the caller's",
    "target_value": "a target equal to the start",
    "start_value": "a start equal to the target",
    "current_value": "a value that, with the start and target, makes no progress range",
    "progress": "a progress on a key result whose target equals its start, or on a stay_* kind",
    "kind": "a kind whose defining fields are missing or cannot hold",
    "threshold": "a threshold sent for a kind that has none",
    "range_min": "a band sent for a kind that has none, or an empty band",
    "range_max": "a band sent for a kind that has none, or an empty band",
    "due_on": "a due date sent for a kind that has none",
}
WINDOW = "a window ending before it starts, or a moment outside the years 1900 to 2999"
CHECK_IN = {
    "value": "a value that with a delta would exceed 1e15, or a milestone's other than 1 or 0",
    "progress": "a progress on a key result whose target equals its start",
    "delta": "a delta reaching past 1e15 in size, or on a milestone",
    "done": "done on a kind that is not a milestone",
    "at": "a future at, one before the objective's period, or a delta before the latest",
}
PARENT = (
    "a parent that is not the caller's, whose period does not contain the objective's, that "
    "makes a cycle or nests more than 3 levels (or a period change breaking that)"
)
ALLOWED_FINDINGS = {
    "POST /auth/register": {"password": COMMON_PASSWORD},
    "POST /auth/change-password": {"new_password": COMMON_PASSWORD},
    "POST /key-results": KEY_RESULT_RULES,
    "PUT /key-results/{key_result_id}": KEY_RESULT_RULES,
    "PATCH /key-results/{key_result_id}": KEY_RESULT_RULES,
    "POST /key-results/{key_result_id}/check-ins": CHECK_IN,
    "POST /check-ins": {"check_ins": "any rule above, or a key result that is not the caller's"},
    "POST /auth/tokens": {
        "key_result_ids": "key results that are not the caller's",
        "expires_at": "an expiry in the past or beyond OKR_PERSONAL_TOKEN_MAX_DAYS",
    },
    "GET /key-results/{key_result_id}/check-ins": {"since": WINDOW, "until": WINDOW},
    "GET /audit": {"since": WINDOW, "until": WINDOW},
    "GET /stats": {"on": "a day outside the years 1900 to 2999"},
    "GET /due": {"until": WINDOW},
    "POST /webhooks": {"url": "a URL that resolves to a refused address"},
    "PATCH /webhooks/{webhook_id}": {"url": "a URL that resolves to a refused address"},
    "POST /import": {
        "objectives": "ids that repeat or link to nothing, closings contradicting the "
        "status, a period outside 1900-2999, or any rule above in its records"
    },
    "POST /objectives": {"parent_id": PARENT},
    "PUT /objectives/{objective_id}": {"parent_id": PARENT, "period": PARENT},
    "PATCH /objectives/{objective_id}": {"parent_id": PARENT, "period": PARENT},
    "POST /objectives/{objective_id}/copy": {
        "period": "a copy with children into a period of another length"
    },
    "POST /objectives/{objective_id}/share": {"expires_at": "an expiry in the past"},
    "GET /stats/calibration": {"since": WINDOW, "until": WINDOW},
}
ANY_OPERATION = {"Idempotency-Key": "a key used before for another request"}
# A well-formed If-Match naming a version other than the current one: 412, documented.
STALE_IF_MATCH = "an If-Match naming a version that is not the current one"


def semantic_rule_refusal(response, case):
    """Tell whether a 422 names only fields whose rules JSON Schema cannot express."""
    if response.status_code == 412:
        return "If-Match" in case.headers if case.headers else False
    if response.status_code != 422:
        return False
    allowed = {**ALLOWED_FINDINGS.get(case.operation.label, {}), **ANY_OPERATION}
    errors = response.json().get("errors", {})
    problems = [
        (name.split(".")[0], messages)
        for location in errors.values()
        for name, messages in location.items()
    ]
    # A lone surrogate, an integer beyond 64 bits, NaN: refused by every field alike.
    return bool(problems) and all(
        name in allowed or set(messages) <= UNSTORABLE_REFUSALS for name, messages in problems
    )


def positive_data_acceptance_with_semantic_rules(ctx, response, case):
    """Run schemathesis' positive-data check, except for an allowed semantic refusal."""
    if semantic_rule_refusal(response, case):
        return None
    return positive_data_acceptance(ctx, response, case)


load_all_checks()
# Every check schemathesis has (``--checks all``), positive data with the allow-list above.
ALL_CHECKS = [
    check
    for check in CHECKS.get_all()
    if inspect.isfunction(check) and check is not positive_data_acceptance
] + [positive_data_acceptance_with_semantic_rules]


schema = schemathesis.pytest.from_fixture("api_schema")
# An import example can hold hundreds of objectives: fewer of them keep the run short.
IMPORT = {"path": "/import", "method": "POST"}


def call_and_validate(case, headers):
    """Call the operation and run every check, with the allowed findings let through."""
    case.call_and_validate(headers=headers, checks=ALL_CHECKS)


@pytest.mark.settings(**OPEN_LIMITS)
@schema.exclude(**IMPORT).parametrize()
@seed(20261125)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_conforms_to_its_documentation(case, fresh_headers):
    call_and_validate(case, fresh_headers())


@pytest.mark.settings(**OPEN_LIMITS)
@schema.include(**IMPORT).parametrize()
@seed(20261125)
@settings(
    max_examples=max(3, EXAMPLES // 4),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_import_conforms_to_its_documentation(case, fresh_headers):
    call_and_validate(case, fresh_headers())


@pytest.mark.settings(**OPEN_LIMITS)
@schema.include(path_regex="^/(key-results|check-ins)").parametrize()
@seed(20261126)
@settings(
    max_examples=max(2, EXAMPLES // 4),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_conforms_with_a_personal_token(case, token_headers):
    call_and_validate(case, token_headers)
