"""GET /stats at the edges of completion: completion dates and what counts as done."""

from tests.factories import create_key_result
from tests.stats.conftest import stats


def test_a_tiny_progress_has_no_completion_date_instead_of_an_error(frozen, build):
    objective = build.objective("2025-Q4", "Tiny")
    key_result = build.key_result(objective, target=100_000_000)
    build.check_in(key_result, 1, "2025-11-14T09:00:00Z")  # 0.000001 %
    (entry,) = stats(build)["pace"]
    assert entry["progress"] == 0.0  # two decimals
    assert entry["completion_date"] is None
    assert entry["forecast_date"] is None


def test_the_completion_date_stops_at_a_hundred_years(frozen, build):
    objective = build.objective("2025-Q4", "Slow")
    key_result = build.key_result(objective, target=100_000)
    # 46 days for 0.13 %: 99.87 % more needs about 35,340 days, inside the horizon.
    build.check_in(key_result, 130, "2025-11-14T09:00:00Z")
    (entry,) = stats(build)["pace"]
    assert entry["completion_date"] is not None
    assert entry["completion_date"].startswith("2122-")
    build.check_in(key_result, 120, "2025-11-14T10:00:00Z")  # 0.12 %: past it
    (entry,) = stats(build)["pace"]
    assert entry["completion_date"] is None


def test_a_stay_key_result_in_band_all_along_is_completed(frozen, build):
    objective_id = build.objective("2025-Q4")
    key_result = create_key_result(
        build.client, build.headers, objective_id, kind="stay_above", threshold=5, current_value=10
    )
    # A late check-in at a moment whose SQL and Python day offsets differ in the last bits.
    build.check_in(key_result["id"], 7, "2025-10-03T00:37:00Z")
    body = stats(build)
    assert body["key_results"]["completed"] == 1
    [pace] = body["pace"]
    assert (pace["progress"], pace["status"]) == (100.0, "done")


def test_every_key_result_at_100_is_done_whatever_the_weights(frozen, build):
    objective = build.objective("2025-Q4", "Full")
    for weight in (0.1, 0.2):  # 0.1 + 0.2 is 0.30000000000000004 in floating point
        key_result = build.key_result(objective, weight=weight)
        build.check_in(key_result, 100, "2025-11-14T09:00:00Z")
    body = stats(build)
    assert body["objectives"]["completed"] == 1
    [pace] = body["pace"]
    assert (pace["progress"], pace["status"], pace["completion_date"]) == (100.0, "done", None)
    listed = build.client.get("/objectives", headers=build.headers).get_json()
    one = build.client.get(f"/objectives/{objective}", headers=build.headers).get_json()
    assert [item["progress"] for item in listed] == [one["progress"]] == [100.0]


def test_the_status_follows_the_delta_as_shown(frozen, build):
    # On 15 November 2025, half of 2025-Q4 has passed.
    ahead_by_a_hair = build.key_result(build.objective("2025-Q4", "Hair"), target=100_000)
    build.check_in(ahead_by_a_hair, 50_001, "2025-11-14T09:00:00Z")  # 50.001 %
    behind_by_ten = build.key_result(build.objective("2025-Q4", "Ten"), target=100_000)
    build.check_in(behind_by_ten, 39_999, "2025-11-14T09:00:00Z")  # 39.999 %
    shown = {entry["title"]: entry for entry in stats(build)["pace"]}
    assert (shown["Hair"]["delta"], shown["Hair"]["status"]) == (0.0, "on_track")
    assert (shown["Ten"]["delta"], shown["Ten"]["status"]) == (-10.0, "on_track")


def test_progress_short_of_100_never_reads_100(frozen, build):
    """99.9999 % is not done: every answer says 99.99 and the pace says ahead, not done."""
    objective = build.objective("2025-Q4", "Almost")
    key_result = build.key_result(objective, target=100_000)
    build.check_in(key_result, 99_999.9, "2025-11-14T09:00:00Z")
    read = build.client.get(f"/key-results/{key_result}", headers=build.headers).get_json()
    assert (read["progress"], read["pace_status"]) == (99.99, "ahead")
    listed = build.client.get(f"/objectives/{objective}", headers=build.headers).get_json()
    assert listed["progress"] == 99.99
    body = stats(build)
    [pace] = body["pace"]
    assert (pace["progress"], pace["status"]) == (99.99, "ahead")
    assert body["objectives"]["average_progress"] == 99.99
    assert body["key_results"]["completed"] == 0
    build.check_in(key_result, 100_000, "2025-11-14T10:00:00Z")
    [pace] = stats(build)["pace"]
    assert (pace["progress"], pace["status"]) == (100.0, "done")


def test_the_delta_is_that_of_the_figures_shown(frozen, build):
    """99.996 % reads 99.99: 0.01 short of the 100 expected, never 0."""
    objective = build.objective("2025-Q3", "Ended")  # over: 100 expected
    key_result = build.key_result(objective, target=100_000)
    build.check_in(key_result, 99_999.6, "2025-09-14T09:00:00Z")
    [pace] = stats(build)["pace"]
    assert (pace["progress"], pace["expected_progress"], pace["delta"]) == (99.99, 100.0, -0.01)
    assert pace["status"] == "on_track"
