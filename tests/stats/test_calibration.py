"""GET /stats/calibration: Brier score, means and reliability bins, computed by hand."""

from datetime import UTC, datetime, timedelta

import pytest

from okr_app.okr.calibration import achieved, bin_index, brier_score, calibration, reading
from tests.factories import check_in, create_key_result, create_objective

#: (first confidence, last confidence, final progress) of five closed key results.
CLOSINGS = [(0.9, 0.8, 100), (0.9, 0.9, 50), (0.6, 0.2, 20), (0.5, 0.7, 100), (0.8, 0.6, 0)]


def close_with(client, headers, first, last, progress, outcome="missed", period="2026-Q1"):
    """Create an objective with one 0-to-100 key result, check in twice, and close it."""
    objective = create_objective(client, headers, period=period)
    key_result = create_key_result(
        client, headers, objective["id"], start_value=0, target_value=100
    )
    start = period.replace("-Q1", "-01") if "Q" in period else period
    for at, value, confidence in (
        (f"{start}-05T00:00:00Z", 5, first),
        (f"{start}-20T00:00:00Z", progress, last),
    ):
        answer = check_in(
            client, headers, key_result["id"], value=value, at=at, confidence=confidence
        )
        assert answer.status_code == 201, answer.get_json()
    closed = client.post(
        f"/objectives/{objective['id']}/close", headers=headers, json={"outcome": outcome}
    )
    assert closed.status_code == 200
    return objective


@pytest.fixture
def history(client, auth):
    """Five counted closings, one key result without confidence, one cancelled closing."""
    _, _, headers = auth.user()
    for first, last, progress in CLOSINGS:
        close_with(client, headers, first, last, progress)
    close_with(client, headers, None, None, 100)
    close_with(client, headers, 0.1, 0.1, 100, outcome="cancelled")
    # A check-in before the period does not count as its first.
    early = create_objective(client, headers, period="2026-Q2")
    item = create_key_result(client, headers, early["id"], start_value=0, target_value=100)
    check_in(client, headers, item["id"], value=1, at="2026-03-01T00:00:00Z", confidence=0.0)
    check_in(client, headers, item["id"], value=1, at="2026-04-02T00:00:00Z", confidence=0.3)
    check_in(client, headers, item["id"], value=100, at="2026-05-02T00:00:00Z", confidence=0.9)
    client.post(f"/objectives/{early['id']}/close", headers=headers, json={"outcome": "achieved"})
    return headers


def non_empty(bins):
    """Return the bins holding something, by lower bound."""
    return {
        item["from"]: (item["count"], item["mean_confidence"], item["achieved_share"])
        for item in bins
        if item["count"]
    }


def test_calibration_matches_the_hand_computed_figures(client, history):
    answer = client.get("/stats/calibration", headers=history)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    at_close = body["at_close"]
    # Last confidences 0.8, 0.9, 0.2, 0.7, 0.6 and 0.9 (the Q2 one); achieved 1, 0, 0, 1, 0, 1.
    # Brier: (0.04 + 0.81 + 0.04 + 0.09 + 0.36 + 0.01) / 6 = 1.35 / 6 = 0.225
    assert at_close["count"] == 6
    assert at_close["brier_score"] == 0.225
    assert at_close["mean_confidence"] == round(4.1 / 6, 4)  # 0.6833
    assert at_close["achieved_share"] == 0.5
    assert non_empty(at_close["bins"]) == {
        0.2: (1, 0.2, 0.0),
        0.6: (1, 0.6, 0.0),
        0.7: (1, 0.7, 1.0),
        0.8: (1, 0.8, 1.0),
        0.9: (2, 0.9, 0.5),
    }
    assert len(at_close["bins"]) == 10
    assert at_close["reading"].startswith("You are overconfident by 0.18 on average")
    assert at_close["message"] is None
    first = body["at_first_check_in"]
    # First confidences 0.9, 0.9, 0.6, 0.5, 0.8 and 0.3 (the March one is before Q2).
    # Brier: (0.01 + 0.81 + 0.36 + 0.25 + 0.64 + 0.49) / 6 = 2.56 / 6 = 0.4267
    assert first["count"] == 6
    assert first["brier_score"] == 0.4267
    assert first["mean_confidence"] == 0.6667
    assert first["achieved_share"] == 0.5
    assert first["reading"].startswith("You are overconfident by 0.17 on average")


def test_a_gap_just_over_0_05_is_not_well_calibrated(client, auth):
    _, _, headers = auth.user()
    objective = create_objective(client, headers, period="2026-Q1")
    for confidence, value in [(0.45, 100), (0.45, 100), (0.45, 0), (0.46, 0), (0.46, 0)]:
        key_result = create_key_result(
            client, headers, objective["id"], start_value=0, target_value=100
        )
        answer = check_in(
            client,
            headers,
            key_result["id"],
            value=value,
            at="2026-01-20T00:00:00Z",
            confidence=confidence,
        )
        assert answer.status_code == 201, answer.get_json()
    client.post(f"/objectives/{objective['id']}/close", headers=headers, json={"outcome": "missed"})
    at_close = client.get("/stats/calibration", headers=headers).get_json()["at_close"]
    # 0.454 - 0.4 = 0.054, which rounds to 0.05 but lies beyond it.
    assert (at_close["mean_confidence"], at_close["achieved_share"]) == (0.454, 0.4)
    assert at_close["reading"].startswith("You are overconfident by 0.05 on average")


def test_fewer_than_five_closings_give_a_message_and_no_figures(client, auth):
    _, _, headers = auth.user()
    for first, last, progress in CLOSINGS[:4]:
        close_with(client, headers, first, last, progress)
    body = client.get("/stats/calibration", headers=headers).get_json()
    for part in ("at_close", "at_first_check_in"):
        assert body[part]["count"] == 4
        assert body[part]["brier_score"] is None
        assert body[part]["mean_confidence"] is None
        assert body[part]["bins"] == []
        assert "at least 5" in body[part]["message"]


def test_since_and_until_select_closings_by_when_they_were_made(client, history):
    now = datetime.now(UTC)
    later = {"since": (now + timedelta(minutes=5)).isoformat()}
    assert (
        client.get("/stats/calibration", headers=history, query_string=later).json["at_close"][
            "count"
        ]
        == 0
    )
    around = {
        "since": (now - timedelta(hours=1)).isoformat(),
        "until": (now + timedelta(hours=1)).isoformat(),
    }
    body = client.get("/stats/calibration", headers=history, query_string=around).get_json()
    assert body["at_close"]["count"] == 6


def test_a_range_ending_before_it_starts_is_422(client, auth):
    _, _, headers = auth.user()
    query = {"since": "2026-05-01T00:00:00Z", "until": "2026-04-01T00:00:00Z"}
    answer = client.get("/stats/calibration", headers=headers, query_string=query)
    assert answer.status_code == 422
    assert "until" in answer.get_json()["errors"]["query"]


def test_only_the_callers_closings_count(client, auth, history):
    _, _, stranger = auth.user()
    assert client.get("/stats/calibration", headers=stranger).json["at_close"]["count"] == 0


def test_the_rules_by_hand():
    assert achieved(100.0) and not achieved(99.99)
    assert brier_score([(1.0, 1), (0.0, 1)]) == 0.5
    assert brier_score([]) is None
    assert [bin_index(value) for value in (0.0, 0.1, 0.3, 0.7, 0.99, 1.0)] == [0, 1, 3, 7, 9, 9]
    assert reading(0.52, 0.5).startswith("You are well calibrated")
    assert reading(0.55, 0.5).startswith("You are well calibrated")  # within, not beyond
    assert reading(0.454, 0.4).startswith("You are overconfident by 0.05")
    assert reading(0.3459, 0.4).startswith("You are underconfident by 0.05")
    assert reading(0.4, 0.75).startswith("You are underconfident by 0.35")


def test_the_reading_compares_the_means_before_they_are_rounded():
    pairs = [(0.45004, outcome) for outcome in (True, True, False, False, False)]
    figures = calibration(pairs)
    assert (figures["mean_confidence"], figures["achieved_share"]) == (0.45, 0.4)
    assert figures["reading"].startswith("You are overconfident by 0.05")  # a gap of 0.05004


def test_a_key_result_closed_with_two_objectives_counts_in_both_sets_alike(client, auth):
    """Moved on after one closing and closed again with another: one pair per closing."""
    _, _, headers = auth.user()
    first = create_objective(client, headers, title="First")
    second = create_objective(client, headers, title="Second")
    key_result = create_key_result(client, headers, first["id"])
    assert check_in(client, headers, key_result["id"], value=50, confidence=0.7).status_code == 201
    close = {"outcome": "missed"}
    for method, path, body in (
        ("POST", f"/objectives/{first['id']}/close", close),
        ("PATCH", f"/key-results/{key_result['id']}", {"objective_id": second["id"]}),
        ("POST", f"/objectives/{second['id']}/close", close),
    ):
        assert client.open(path, method=method, headers=headers, json=body).status_code == 200
    report = client.get("/stats/calibration", headers=headers).get_json()
    assert report["at_close"]["count"] == report["at_first_check_in"]["count"] == 2
