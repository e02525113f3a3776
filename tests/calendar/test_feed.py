"""The calendar feed: a secret URL, parsed by ``icalendar``, stable UIDs, RFC 5545 text."""

import threading
from datetime import UTC, date, datetime

import pytest
import time_machine
from icalendar import Calendar
from sqlalchemy import select, text

from okr_app.extensions import db
from okr_app.models import CalendarFeed
from tests.conftest import BACKEND
from tests.factories import create_key_result, create_objective
from tests.locks import wait_for_a_lock_wait

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
pytestmark = pytest.mark.settings(OKR_ACCESS_TOKEN_SECONDS=86400 * 30)


def fetch(client, url):
    """Return the answer to the feed URL (as given, with scheme and host)."""
    return client.get(url.removeprefix("http://localhost"))


def events(body):
    """Return the feed's events, parsed by icalendar, by UID."""
    calendar = Calendar.from_ical(body)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_lists_due_check_ins_and_period_ends(client, auth):
    with time_machine.travel(NOW, tick=False):
        _, _, headers = auth.user()
        objective = create_objective(
            client, headers, title="Ship it, then; rest", check_in_every_days=7
        )
        key_result = create_key_result(
            client, headers, objective["id"], title="Users, active; weekly " + "x" * 80
        )
        create_objective(client, headers, title="Done", status="completed")
        created = client.post("/calendar/feed", headers=headers)
        assert created.status_code == 201
        url = created.get_json()["url"]
        assert url.startswith("http://localhost/calendar/") and url.endswith(".ics")
        first = fetch(client, url)
        second = fetch(client, url)
    assert first.status_code == 200
    assert first.mimetype == "text/calendar"
    body = first.get_data()
    assert b"\r\n" in body and b"\n" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded
    assert b"Ship it\\, then\\; rest" in body.replace(b"\r\n ", b"")  # escaped
    found = events(body)
    assert set(found) == set(events(second.get_data()))  # stable UIDs
    check_in = found[f"key-result-{key_result['id']}-check-in@localhost"]
    assert str(check_in["summary"]).startswith("Check in: Users, active; weekly")
    assert check_in.decoded("dtstart") == datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
    # Links open the web interface's pages: a calendar app's user has a browser, no token.
    page = f"http://localhost/app/key-results/{key_result['id']}"
    assert str(check_in["url"]) == page
    assert str(check_in["description"]).endswith(page)
    period_end = found[f"objective-{objective['id']}-period-end@localhost"]
    assert period_end.decoded("dtstart") == date(2026, 3, 31)
    assert str(period_end["url"]) == f"http://localhost/app/objectives/{objective['id']}"
    assert len(found) == 2  # the completed objective has no period end in the feed


def test_the_feed_leaves_out_a_check_in_due_after_the_period(client, auth):
    with time_machine.travel(datetime(2026, 3, 20, 10, 0, tzinfo=UTC), tick=False):
        _, _, headers = auth.user()
        objective = create_objective(client, headers, period="2026-Q1", check_in_every_days=30)
        create_key_result(client, headers, objective["id"])  # due April 19, after Q1
        url = client.post("/calendar/feed", headers=headers).get_json()["url"]
        found = events(fetch(client, url).get_data())
    assert set(found) == {f"objective-{objective['id']}-period-end@localhost"}


@pytest.mark.parametrize(
    ("host", "name"),
    [("[::1]:5000", "::1"), ("[2001:DB8::1]", "2001:db8::1"), ("Example.org:8080", "example.org")],
)
def test_the_uids_name_the_host_without_port_or_brackets(client, auth, host, name):
    with time_machine.travel(NOW, tick=False):
        _, _, headers = auth.user()
        objective = create_objective(client, headers, check_in_every_days=7)
        key_result = create_key_result(client, headers, objective["id"])
        url = client.post("/calendar/feed", headers=headers).get_json()["url"]
        answer = client.get(url.removeprefix("http://localhost"), headers={"Host": host})
        assert answer.status_code == 200
        assert set(events(answer.get_data())) == {
            f"key-result-{key_result['id']}-check-in@{name}",
            f"objective-{objective['id']}-period-end@{name}",
        }


def test_a_new_feed_revokes_the_old_and_delete_revokes_it(client, auth):
    _, _, headers = auth.user()
    old = client.post("/calendar/feed", headers=headers).get_json()["url"]
    new = client.post("/calendar/feed", headers=headers).get_json()["url"]
    assert old != new
    assert fetch(client, old).status_code == 404
    assert fetch(client, new).status_code == 200
    assert client.delete("/calendar/feed", headers=headers).status_code == 204
    assert fetch(client, new).status_code == 404
    assert client.delete("/calendar/feed", headers=headers).status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_the_token_is_kept_only_as_a_keyed_hash(app, client, auth):
    _, _, headers = auth.user()
    url = client.post("/calendar/feed", headers=headers).get_json()["url"]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    with app.app_context():
        [stored] = db.session.scalars(db.select(CalendarFeed.token_hash)).all()
    assert token not in stored and len(stored) == 64


@pytest.mark.settings(OKR_CALENDAR_RATE_LIMIT="2 per minute")
def test_the_feed_is_rate_limited(client, auth):
    _, _, headers = auth.user()
    url = client.post("/calendar/feed", headers=headers).get_json()["url"]
    assert [fetch(client, url).status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.settings(OKR_CALENDAR_RATE_LIMIT="2 per minute", OKR_RATE_LIMIT_HEADERS=True)
def test_the_feeds_headers_tell_its_own_limit(client, auth):
    _, _, headers = auth.user()
    url = client.post("/calendar/feed", headers=headers).get_json()["url"]
    first = fetch(client, url)
    assert (first.headers["X-RateLimit-Limit"], first.headers["X-RateLimit-Remaining"]) == (
        "2",
        "1",
    )
    fetch(client, url)
    refused = fetch(client, url)
    assert refused.status_code == 429
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert 0 < int(refused.headers["Retry-After"]) <= 60


@pytest.mark.parametrize(
    ("fields", "standing"),
    [
        # Short of done, never 100 %; a stated value with all its digits, as the pages.
        (
            {"metric": "users", "start_value": 0, "target_value": 1e7, "current_value": 9999600},
            "9,999,600 users: from 0 to 10,000,000 (99.9 %)",
        ),
        # Halves up, as the API rounds: 62.5 is no 62.
        (
            {"metric": "users", "start_value": 0, "target_value": 8, "current_value": 5},
            "5 users: from 0 to 8 (62.5 %)",
        ),
        ({"kind": "milestone", "metric": "people"}, "milestone, not done yet (0 %)"),
    ],
)
def test_a_check_in_event_says_where_the_key_result_stands(client, auth, fields, standing):
    with time_machine.travel(NOW, tick=False):
        _, _, headers = auth.user()
        objective = create_objective(client, headers, title="Grow", check_in_every_days=7)
        key_result = create_key_result(client, headers, objective["id"], title="Reach", **fields)
        url = client.post("/calendar/feed", headers=headers).get_json()["url"]
        found = events(fetch(client, url).get_data())
    description = str(found[f"key-result-{key_result['id']}-check-in@localhost"]["description"])
    page = f"http://localhost/app/key-results/{key_result['id']}"
    assert description == f"Grow: Reach, {standing}. {page}"


def test_titles_keep_every_backslash_and_lose_control_characters(client, auth):
    """``\\N`` in a title is no line break; TEXT may hold no control character (RFC 5545)."""
    with time_machine.travel(NOW, tick=False):
        _, _, headers = auth.user()
        objective = create_objective(
            client, headers, title="Clean C:\\Users\\Nina", check_in_every_days=7
        )
        key_result = create_key_result(
            client, headers, objective["id"], title="Archive D:\\New\x0b now\x1b\x7f"
        )
        url = client.post("/calendar/feed", headers=headers).get_json()["url"]
        body = fetch(client, url).get_data()
    assert not set(body) & {*range(0x00, 0x09), *range(0x0B, 0x0D), *range(0x0E, 0x20), 0x7F}
    found = events(body)
    check_in = found[f"key-result-{key_result['id']}-check-in@localhost"]
    assert str(check_in["summary"]) == "Check in: Archive D:\\New now"
    assert str(check_in["description"]).startswith("Clean C:\\Users\\Nina: Archive D:\\New now,")
    period_end = found[f"objective-{objective['id']}-period-end@localhost"]
    assert str(period_end["summary"]) == "Period ends (2026-Q1): Clean C:\\Users\\Nina"


def test_an_overdue_check_in_is_shown_today_and_a_past_period_end_kept(client, auth):
    """A calendar reminds of what is to do today; an active objective keeps its end's day."""
    with time_machine.travel(NOW, tick=False) as clock:
        _, _, headers = auth.user()
        objective = create_objective(client, headers, title="Grow", check_in_every_days=1)
        key_result = create_key_result(client, headers, objective["id"], title="Reach")
        url = client.post("/calendar/feed", headers=headers).get_json()["url"]
        clock.move_to(datetime(2026, 2, 20, 9, 0, tzinfo=UTC))
        found = events(fetch(client, url).get_data())
        clock.move_to(datetime(2026, 4, 10, 9, 0, tzinfo=UTC))  # Q1 over, still active
        later = events(fetch(client, url).get_data())
    check_in = found[f"key-result-{key_result['id']}-check-in@localhost"]
    assert str(check_in["summary"]) == "Check in, overdue: Reach"
    assert check_in.decoded("dtstart") == date(2026, 2, 20)
    assert check_in.decoded("dtend") == date(2026, 2, 21)
    assert str(check_in["description"]).startswith("Due since 2026-01-06 10:00 UTC. Grow: Reach")
    page = f"http://localhost/app/objectives/{objective['id']}"
    period_end = later[f"objective-{objective['id']}-period-end@localhost"]
    assert set(later) == {f"objective-{objective['id']}-period-end@localhost"}
    assert period_end.decoded("dtstart") == date(2026, 3, 31)
    assert str(period_end["description"]) == f"Grow (2026-Q1). {page}"


@pytest.mark.concurrent
@pytest.mark.skipif(BACKEND != "postgresql", reason="SQLite runs one write at a time")
def test_two_feeds_created_at_once_both_succeed_and_the_later_one_is_in_force(app, client, auth):
    """A double click: the second creation waits for the first and replaces its token."""
    _, _, headers = auth.user()
    user_id = client.get("/auth/me", headers=headers).get_json()["id"]
    answer = {}
    with app.app_context():
        first = db.engine.connect()
        transaction = first.begin()
        first.execute(
            text(
                "INSERT INTO calendar_feeds (user_id, token_hash, created_at) "
                "VALUES (:user_id, :hash, now())"
            ),
            {"user_id": user_id, "hash": "0" * 64},
        )

        def send():
            with app.test_client() as own:
                answer["response"] = own.post("/calendar/feed", headers=headers)

        thread = threading.Thread(target=send)
        thread.start()
        try:
            wait_for_a_lock_wait(app)
        finally:
            transaction.commit()
            first.close()
            thread.join()
    response = answer["response"]
    assert response.status_code == 201, response.get_json()
    assert fetch(client, response.get_json()["url"]).status_code == 200
    with app.app_context():
        stored = db.session.scalars(select(CalendarFeed.token_hash)).all()
    assert len(stored) == 1 and stored != ["0" * 64]
