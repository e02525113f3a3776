"""POST /import refuses a document breaking any rule, whole, and says where."""

import pytest

from tests.transfer.test_import import CLOSING, counts, document, key_result, objective


def refused(account, app, body):
    """POST ``body`` to /import, expect 422 with nothing stored; return the errors."""
    response = account.client.post("/import", headers=account.headers, json=body)
    assert response.status_code == 422, response.get_json()
    assert counts(app) == (0, 0, 0, 0)
    return response.get_json()["errors"]["json"]


def test_an_error_anywhere_refuses_everything_and_says_where(account, app):
    good = objective(1, key_results=[key_result(1), key_result(2)])
    bad = objective(2, key_results=[key_result(3), key_result(4, title="  ")])
    errors = refused(account, app, document(good, objective(3), objective(4), bad))
    assert errors == {"objectives.3.key_results.1.title": ["Length must be between 1 and 200."]}


@pytest.mark.parametrize(
    ("records", "location"),
    [
        ([objective(1, period="2026-Q5")], ["0", "period"]),
        ([objective(1, status="done")], ["0", "status"]),
        ([objective(1, owner=3)], ["0", "owner"]),
        (
            [objective(1, key_results=[key_result(1, target_value=0)])],
            ["0", "key_results", "0", "target_value"],
        ),
        (
            [objective(1, key_results=[key_result(1, weight=0)])],
            ["0", "key_results", "0", "weight"],
        ),
        (
            [
                objective(
                    1,
                    key_results=[
                        key_result(1, check_ins=[{"at": "2999-01-02T00:00:00Z", "value": 1}])
                    ],
                )
            ],
            ["0", "key_results", "0", "check_ins", "0", "at"],
        ),
        (
            [
                objective(
                    1,
                    key_results=[
                        key_result(
                            1,
                            check_ins=[{"at": "2026-01-01T00:00:00Z", "value": 1, "confidence": 2}],
                        )
                    ],
                )
            ],
            ["0", "key_results", "0", "check_ins", "0", "confidence"],
        ),
        ([objective(1), objective(1)], ["1", "id"]),
        (
            [objective(1, key_results=[key_result(5)]), objective(2, key_results=[key_result(5)])],
            ["1", "key_results", "0", "id"],
        ),
        ([objective(1, copied_from_id=9)], ["0", "copied_from_id"]),
        ([objective(1), objective(2, copied_from_id=2)], ["1", "copied_from_id"]),
        ([objective(1, status="completed", closings=[CLOSING, CLOSING])], ["0", "closings"]),
        ([objective(1, status="missed", closings=[CLOSING])], ["0", "status"]),
        (
            [objective(1, closings=[{**CLOSING, "reopened_at": "2026-01-01T00:00:00Z"}])],
            ["0", "closings", "0", "reopened_at"],
        ),
        ([objective(1, closings=[{**CLOSING, "grade": 1.5}])], ["0", "closings", "0", "grade"]),
        # A frozen key result names one of the document (70 is none here), or null.
        (
            [objective(1, status="completed", closings=[CLOSING])],
            ["0", "closings", "0", "key_results", "0", "id"],
        ),
        # The closing in force was closed before an earlier one was reopened.
        (
            [
                objective(
                    1,
                    status="completed",
                    key_results=[key_result(70)],
                    closings=[
                        {**CLOSING, "closed_at": "2026-01-01T00:00:00Z"},
                        {
                            **CLOSING,
                            "closed_at": "2026-01-10T00:00:00Z",
                            "reopened_at": "2026-02-15T00:00:00Z",
                        },
                    ],
                )
            ],
            ["0", "closings"],
        ),
    ],
)
def test_each_rule_is_checked_where_it_applies(account, app, records, location):
    errors = refused(account, app, document(*records))
    messages = errors[".".join(["objectives", *location])]
    assert isinstance(messages, list) and messages


@pytest.mark.parametrize(
    "at",
    ["2026-04-01T00:00:01Z", "2026-04-02T00:00:00Z", "2026-05-01T00:00:00+02:00"],
)
def test_a_future_check_in_is_refused_but_at_the_start_of_a_month(account, app, at):
    # A period starts on a month's first day: the API dates planned and carried values there.
    planned = {"at": "2026-07-01T00:00:00Z", "value": 1}
    check_ins = [planned, {"at": at, "value": 2}]
    errors = refused(
        account, app, document(objective(1, key_results=[key_result(1, check_ins=check_ins)]))
    )
    assert errors == {
        "objectives.0.key_results.0.check_ins.1.at": [
            "Must not lie in the future, except at the start of a month."
        ]
    }


@pytest.mark.parametrize("body", [{"objectives": []}, document() | {"version": 2}, [], {}])
def test_the_document_itself_must_be_one(account, app, body):
    assert refused(account, app, body)


def test_a_current_value_or_a_grade_the_history_contradicts_is_refused(account, app):
    # The API keeps a key result's value at its latest check-in's, and grades a closing by
    # its final progress: a document saying otherwise would read back inconsistent.
    history = [
        {"at": "2026-01-20T00:00:00Z", "value": 6},
        {"at": "2026-01-05T00:00:00Z", "value": 3},  # a late update of an earlier day
        {"at": "2026-01-20T00:00:00Z", "value": 7},  # the same moment, recorded later: wins
    ]
    errors = refused(
        account, app, document(objective(1, key_results=[key_result(1, check_ins=history)]))
    )
    assert errors == {
        "objectives.0.key_results.0.current_value": [
            "Must be 7, the value of the latest check-in (2026-01-20T00:00:00+00:00)."
        ]
    }
    closing = {**CLOSING, "grade": 0.99, "key_results": []}
    errors = refused(account, app, document(objective(1, status="completed", closings=[closing])))
    assert errors == {
        "objectives.0.closings.0.grade": ["Must be 0.4: round(final_progress / 100, 2), halves up."]
    }
    consistent = key_result(1, current_value=7, check_ins=history)
    body = document(objective(1, key_results=[consistent]), objective(2, closings=[]))
    assert account.client.post("/import", json=body, headers=account.headers).status_code == 201
    key_results = account.send("GET", "/objectives")[-1]["key_results"]
    assert [item["current_value"] for item in key_results] == [7]


def test_copies_may_not_form_a_cycle(account, app):
    records = [
        objective(1, copied_from_id=3),
        objective(2, copied_from_id=1),
        objective(3, copied_from_id=2),
    ]
    errors = refused(account, app, document(*records))
    message = ["The copies form a cycle: each would be a copy of a later one."]
    assert errors == {f"objectives.{index}.copied_from_id": message for index in range(3)}
    chain = [objective(1), objective(2, copied_from_id=1), objective(3, copied_from_id=2)]
    assert (
        account.client.post("/import", json=document(*chain), headers=account.headers).status_code
        == 201
    )


def test_a_closing_graded_by_the_unrounded_progress_still_imports(account):
    """52.496 % graded 0.52 before grades followed the progress as answered: it imports."""
    closing = {**CLOSING, "final_progress": 52.496, "key_results": []}
    for grade in (0.52, 0.53):  # as graded then, and as now
        body = document(objective(1, status="completed", closings=[{**closing, "grade": grade}]))
        response = account.client.post("/import", json=body, headers=account.headers)
        assert response.status_code == 201, response.get_json()
    wrong = document(objective(1, status="completed", closings=[{**closing, "grade": 0.54}]))
    assert account.client.post("/import", json=wrong, headers=account.headers).status_code == 422


def test_a_milestone_is_done_or_not_in_every_value(account, app):
    """1 or 0, as the API takes it: now, in each check-in and frozen in a closing."""
    milestone = {"kind": "milestone", "start_value": None, "target_value": None}
    half = [{"at": "2026-01-05T00:00:00Z", "value": 0.5}]
    record = key_result(1, **milestone, current_value=0.5, check_ins=half)
    frozen = {**CLOSING["key_results"][0], **milestone, "final_value": 2, "progress": 0}
    closing = {**CLOSING, "grade": 0, "final_progress": 0, "key_results": [frozen]}
    closed = objective(2, status="completed", closings=[closing])
    errors = refused(account, app, document(objective(1, key_results=[record]), closed))
    message = ["A milestone's value is 1 (done) or 0 (not done)."]
    assert errors == {
        "objectives.0.key_results.0.current_value": message,
        "objectives.0.key_results.0.check_ins.0.value": message,
        "objectives.1.closings.0.key_results.0.final_value": message,
    }
    done = key_result(1, **milestone, current_value=1, check_ins=[{**half[0], "value": 1}])
    body = document(objective(1, key_results=[done]))
    assert account.client.post("/import", json=body, headers=account.headers).status_code == 201
