"""The dashboard's figures: its calendar's year of check-ins and the streaks within it."""

import re
from datetime import date, timedelta

import time_machine

from tests.factories import check_in, create_key_result, create_objective


def _figures(client):
    """Return the dashboard's line of check-in figures, as text."""
    page = client.get("/app").get_data(as_text=True)
    return re.search(r'<p class="figures">(.*?)</p>', page, re.S).group(1)


def test_the_calendar_counts_the_check_ins_of_its_year_from_its_first_day(client, auth, web):
    # On Wednesday 4 March 2026 the calendar starts on Monday 3 March 2025 (52 whole weeks
    # and this one): a check-in a second before that day is not in it, nor in a streak.
    with time_machine.travel("2026-03-04 09:00:00Z", tick=False):
        profile, _tokens, headers = auth.user()
        earlier = create_objective(client, headers, period="2025-Q1")
        later = create_objective(client, headers, period="2026-Q1")
        first = create_key_result(client, headers, earlier["id"], target_value=10)
        second = create_key_result(client, headers, later["id"], target_value=10)
        for key_result, at in (
            (first, "2025-03-02T23:59:59Z"),
            (first, "2025-03-03T00:00:00Z"),
            (second, "2026-03-04T08:00:00Z"),
        ):
            assert check_in(client, headers, key_result["id"], value=1, at=at).status_code == 201
        assert web.login(profile["email"]).status_code == 303
        figures = " ".join(_figures(client).split())
    assert figures == (
        "2 check-ins on 2 days. Streaks within this year: current 1 day, longest 1 day."
    )


def test_the_streaks_shown_are_said_to_be_those_within_the_calendars_year(client, auth, web):
    """The page reads the calendar's year alone (fast whatever the history); /stats all of it."""
    with time_machine.travel("2026-06-30 12:00:00Z", tick=False):
        profile, _tokens, headers = auth.user()
        key_results = [
            create_key_result(client, headers, create_objective(client, headers, period=year)["id"])
            for year in ("2025", "2026")
        ]
        days = [date(2025, 1, 1) + timedelta(days=index) for index in range(546)]
        items = [
            {
                "key_result_id": key_results[day.year - 2025]["id"],
                "value": 1,
                "at": f"{day.isoformat()}T10:00:00Z",
            }
            for day in days
        ]
        for start in range(0, len(items), 500):
            batch = {"check_ins": items[start : start + 500]}
            assert client.post("/check-ins", headers=headers, json=batch).status_code == 201
        stats = client.get("/stats", headers=headers).get_json()
        assert web.login(profile["email"]).status_code == 303
        figures = " ".join(_figures(client).split())
    assert (stats["check_ins"]["current_streak_days"], days[-1]) == (546, date(2026, 6, 30))
    # The calendar starts on Monday 30 June 2025: 366 days to Tuesday 30 June 2026.
    assert figures.endswith("Streaks within this year: current 366 days, longest 366 days.")


def test_a_period_with_more_objectives_than_a_page_is_paged(client, auth, web):
    profile, _tokens, headers = auth.user()
    for index in range(101):
        create_objective(client, headers, period="2026-Q1", title=f"Objective {index:03}")
    assert web.login(profile["email"]).status_code == 303
    first = client.get("/app?period=2026-Q1").get_data(as_text=True)
    assert "Objectives 1 to 100 of 101, page 1 of 2." in first
    assert "Objective 100" in first and "Objective 000" not in first
    assert 'href="/app?period=2026-Q1&amp;page=2" rel="next">Next page</a>' in first
    second = client.get("/app?period=2026-Q1&page=2").get_data(as_text=True)
    assert "Objectives 101 to 101 of 101, page 2 of 2." in second
    assert "Objective 000" in second and "Objective 100" not in second
    assert 'rel="prev">Previous page</a>' in second and "Next page" not in second
    for beyond in ("3", "99999"):
        page = client.get(f"/app?period=2026-Q1&page={beyond}").get_data(as_text=True)
        assert "page 2 of 2." in page
    for wrong in ("0", "-1", "x", "²"):
        page = client.get(f"/app?period=2026-Q1&page={wrong}").get_data(as_text=True)
        assert "page 1 of 2." in page
