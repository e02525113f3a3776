"""Nothing is expected of a key result, whatever its kind, before its period starts."""

from datetime import UTC, datetime

import pytest
import time_machine

from tests.factories import create_key_result, create_objective

DAY_BEFORE = datetime(2026, 3, 31, 12, tzinfo=UTC)


@pytest.mark.settings(OKR_ACCESS_TOKEN_SECONDS=10**8, OKR_REFRESH_TOKEN_SECONDS=10**8)
def test_a_stay_key_result_is_not_at_risk_before_its_period(client, auth):
    with time_machine.travel(DAY_BEFORE, tick=False) as clock:
        _, _, headers = auth.user()
        objective = create_objective(client, headers, period="2026-Q2")
        band = create_key_result(
            client, headers, objective["id"], kind="stay_above", threshold=10, current_value=12
        )
        path = f"/key-results/{band['id']}"
        read = client.get(path, headers=headers).get_json()
        assert (read["in_band"], read["progress"], read["pace_status"]) == (True, 0.0, "on_track")
        (pace,) = client.get("/stats", headers=headers).get_json()["pace"]
        assert (pace["expected_progress"], pace["status"]) == (0.0, "on_track")
        # From the period's first day, in band all along is what is expected: and done.
        clock.move_to(datetime(2026, 4, 2, tzinfo=UTC))
        read = client.get(path, headers=headers).get_json()
        assert (read["progress"], read["pace_status"]) == (100.0, "done")
        (pace,) = client.get("/stats", headers=headers).get_json()["pace"]
        assert (pace["expected_progress"], pace["status"]) == (100.0, "done")
