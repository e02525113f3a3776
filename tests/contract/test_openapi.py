"""Property-based contract testing of every operation in /openapi.json (schemathesis).

Each operation is called in-process with generated valid and invalid requests, as a user
whose token is fresh for every call, while a second user's objective, key result and
check-in exist; the key result and check-in operations, which scripts use most, are called
again through a personal access token, with a smaller budget. Every response must be
documented: status code, content type, headers and body. ``FUZZ_EXAMPLES`` raises the
budget (``make fuzz``); the seed keeps runs repeatable.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, seed, settings
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


# Rules that JSON Schema cannot state, each documented in its operation: a password on the
# list of common ones or containing the e-mail's name, an objective_id that is not one of
# the caller's objectives, a target equal to the start, both a value and a progress, a
# check-in dated in the future, a time range that ends before it starts (or a moment or a
# day outside the years 1900 to 2999), a webhook URL that resolves to a refused address; an
# export naming
# an entity in JSON; an import whose ids repeat or link to nothing, whose closings
# contradict its status, or with any of the rules above anywhere in its objectives; a
# parent that is not the caller's, whose period does not contain the objective's, that
# makes a cycle or nests more than 3 levels (or a period change breaking that); a copy
# with children into a period of another length; a share link expiring in the past; a
# token restricted to key results that are not the caller's, or expiring too late; a
# delta dated before the latest check-in or reaching past 1e15; a key result's defining
# fields that do not belong to its kind (or are missing from it, or cannot hold), a
# milestone's value other than 1 or 0, done on a kind that is not a milestone, a delta on a
# milestone, a progress on a stay_* kind; a batch naming any of
# these; an Idempotency-Key used before for another request. For these fields alone a
# 422 answer to schema-valid data is the contract.
KEY_RESULT_RULES = {
    "objective_id",
    "target_value",
    "start_value",
    "current_value",
    "progress",
    "kind",
    "threshold",
    "range_min",
    "range_max",
    "due_on",
}
SEMANTIC_FIELDS = {
    "POST /auth/register": {"password"},
    "POST /auth/change-password": {"new_password"},
    "POST /key-results": KEY_RESULT_RULES,
    "PUT /key-results/{key_result_id}": KEY_RESULT_RULES,
    "PATCH /key-results/{key_result_id}": KEY_RESULT_RULES,
    "POST /key-results/{key_result_id}/check-ins": {"value", "progress", "at", "delta", "done"},
    "POST /check-ins": {"check_ins"},
    "POST /auth/tokens": {"key_result_ids", "expires_at"},
    "GET /key-results/{key_result_id}/check-ins": {"since", "until"},
    "GET /audit": {"since", "until"},
    "GET /stats": {"on"},
    "GET /due": {"until"},
    "POST /webhooks": {"url"},
    "PATCH /webhooks/{webhook_id}": {"url"},
    "GET /export": {"entity"},
    "POST /import": {"objectives"},
    "POST /objectives": {"parent_id"},
    "PUT /objectives/{objective_id}": {"parent_id", "period"},
    "PATCH /objectives/{objective_id}": {"parent_id", "period"},
    "POST /objectives/{objective_id}/copy": {"period"},
    "POST /objectives/{objective_id}/share": {"expires_at"},
    "GET /stats/calibration": {"since", "until"},
}


def semantic_rule_refusal(response, case):
    """Tell whether a 422 names only fields whose rules JSON Schema cannot express.

    That is the fields listed for the operation, and any string holding a NUL character
    (refused everywhere, as the API description says).
    """
    if response.status_code != 422:
        return False
    allowed = SEMANTIC_FIELDS.get(case.operation.label, set()) | {"Idempotency-Key"}
    errors = response.json().get("errors", {})
    problems = [
        (name, messages) for location in errors.values() for name, messages in location.items()
    ]
    return bool(problems) and all(
        name in allowed or set(messages) <= UNSTORABLE_REFUSALS for name, messages in problems
    )


def positive_data_acceptance_with_semantic_rules(ctx, response, case):
    """Run schemathesis' positive-data check, except for a documented semantic refusal."""
    if semantic_rule_refusal(response, case):
        return None
    return positive_data_acceptance(ctx, response, case)


schema = schemathesis.pytest.from_fixture("api_schema")
# An import example can hold hundreds of objectives: fewer of them keep the run short.
IMPORT = {"path": "/import", "method": "POST"}


def call_and_validate(case, headers):
    """Call the operation and run every check, with the semantic-rule refusal allowed."""
    case.call_and_validate(
        headers=headers,
        excluded_checks=[positive_data_acceptance],
        additional_checks=[positive_data_acceptance_with_semantic_rules],
    )


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
