"""The OKR journey through the deployed stack: objectives, key results, check-ins, stats, audit."""

import pytest

from tests.e2e.api import audit_row, login, register, user_id
from tests.e2e.stack import request_id, unique_email

pytestmark = pytest.mark.e2e

OKR_PATHS = {
    "/objectives",
    "/key-results",
    "/key-results/{key_result_id}/check-ins",
    "/stats",
    "/audit",
}


def test_okr_journey_through_nginx(stack):
    client = stack.client()
    assert set(client.get("/openapi.json").json()["paths"]) >= OKR_PATHS
    email = unique_email("okr")
    register(client, email)
    token = login(client, email).json()["access_token"]
    owner = user_id(stack, email)
    rids = [request_id() for _ in range(3)]

    objective = client.post(
        "/objectives",
        {"title": "Launch the beta", "period": "2026-Q4"},
        token=token,
        headers={"X-Request-ID": rids[0]},
    )
    assert objective.status == 201
    objective_id = objective.json()["id"]
    assert stack.query(
        "SELECT user_id, title, start_date::text, end_date::text FROM objectives WHERE id = %s",
        objective_id,
    ) == [(owner, "Launch the beta", "2026-10-01", "2026-12-31")]

    key_result = client.post(
        "/key-results",
        {
            "objective_id": objective_id,
            "title": "Testers signed up",
            "metric": "testers",
            "start_value": 0,
            "target_value": 50,
        },
        token=token,
        headers={"X-Request-ID": rids[1]},
    )
    assert key_result.status == 201
    key_result_id = key_result.json()["id"]

    check_in = client.post(
        f"/key-results/{key_result_id}/check-ins",
        {"value": 20, "confidence": 0.8},
        token=token,
        headers={"X-Request-ID": rids[2]},
    )
    assert check_in.status == 201
    assert stack.query(
        "SELECT value, confidence FROM check_ins WHERE key_result_id = %s", key_result_id
    ) == [(20.0, 0.8)]
    assert (
        stack.scalar("SELECT current_value FROM key_results WHERE id = %s", key_result_id) == 20.0
    )

    listed = client.get("/objectives", token=token)
    assert listed.status == 200
    [summary] = listed.json()
    assert summary["id"] == objective_id
    assert summary["progress"] == pytest.approx(40)
    assert [item["id"] for item in summary["key_results"]] == [key_result_id]

    stats = client.get("/stats", token=token).json()
    assert stats["objectives"]["total"] == 1
    assert stats["key_results"]["total"] == 1
    assert stats["objectives"]["average_progress"] == pytest.approx(40)

    for rid in rids:
        assert audit_row(stack, rid)[1:] == ("127.0.0.1", 201)
    listed = client.get("/audit", token=token).json()
    assert set(rids) <= {row["details"].get("client_request_id") for row in listed}
    assert len({row["request_id"] for row in listed}) == len(listed)  # the trail's own ids
