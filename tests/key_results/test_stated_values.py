"""A value stated on the key result itself, before its objective's period has started."""

import json
from datetime import UTC, datetime

import pytest
import time_machine

from tests.conftest import bearer
from tests.factories import check_in, create_key_result, create_objective

#: 2027-Q1 has not started on 10 December 2026.
PLANNING_DAY = datetime(2026, 12, 10, 9, 30, tzinfo=UTC)
PERIOD_START = "2027-01-01T00:00:00+00:00"


def history(client, headers, key_result_id):
    """Return the key result's check-ins as ``(at, value)`` pairs, oldest first."""
    path = f"/key-results/{key_result_id}/check-ins"
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_json()
    return [(item["at"], item["value"]) for item in response.get_json()]


@pytest.mark.settings(OKR_ACCESS_TOKEN_SECONDS=10**8, OKR_REFRESH_TOKEN_SECONDS=10**8)
def test_a_value_stated_in_advance_is_dated_at_the_period_start(client, auth):
    with time_machine.travel(PLANNING_DAY, tick=False) as clock:
        _, _, headers = auth.user()
        objective = create_objective(client, headers, period="2027-Q1")
        weight = create_key_result(
            client, headers, objective["id"], start_value=80, target_value=75, current_value=81
        )
        band = create_key_result(
            client, headers, objective["id"], kind="stay_below", threshold=3, current_value=2
        )
        assert history(client, headers, weight["id"]) == [(PERIOD_START, 81)]
        assert history(client, headers, band["id"]) == [(PERIOD_START, 2)]
        # A change of the value before the period is dated there too, and wins (recorded last).
        path = f"/key-results/{weight['id']}"
        changed = client.patch(path, headers=headers, json={"current_value": 82})
        assert changed.get_json()["current_value"] == 82
        assert history(client, headers, weight["id"]) == [(PERIOD_START, 81), (PERIOD_START, 82)]
        # Check-ins sent before the period are still refused.
        assert check_in(client, headers, weight["id"], value=83).status_code == 422
        clock.move_to(datetime(2027, 1, 5, 12, tzinfo=UTC))
        client.patch(path, headers=headers, json={"current_value": 79.5})
        assert history(client, headers, weight["id"])[-1] == ("2027-01-05T12:00:00+00:00", 79.5)


def test_a_value_stated_in_advance_survives_export_and_import(client, auth):
    with time_machine.travel(PLANNING_DAY, tick=False):
        _, _, headers = auth.user()
        objective = create_objective(client, headers, period="2027-Q1")
        create_key_result(client, headers, objective["id"], current_value=12)
        document = json.loads(client.get("/export", headers=headers).data)
        _, tokens, _ = auth.user()
        other = bearer(tokens["access_token"])
        imported = client.post("/import", headers=other, json=document)
        assert imported.status_code == 201, imported.get_json()
        (copy,) = json.loads(client.get("/export", headers=other).data)["objectives"]
    (key_result,) = copy["key_results"]
    assert key_result["current_value"] == 12
    assert [(item["at"], item["value"]) for item in key_result["check_ins"]] == [(PERIOD_START, 12)]
