"""The feed's iCalendar document, built with the ``icalendar`` package (RFC 5545).

One event per due check-in within the horizon (at its ``due_at``, 30 minutes, linking to
the key result's page) and one all-day event per period end of an active objective
(linking to the objective's page): the web interface's pages, which a person who clicks
the link from a calendar app can open in a browser (the API's addresses would ask for a
token). UIDs are
derived from what the event stands for, so a calendar app updates an event on the next
fetch instead of adding another.
"""

from datetime import timedelta

from icalendar import Calendar, Event

from okr_app.okr.wording import percent, standing

PRODID = "-//okr-tracker//calendar feed//EN"
CHECK_IN_LENGTH = timedelta(minutes=30)


def feed(key_results, objectives, page_of, host, now):
    """Return the feed as bytes: CRLF line endings, folded lines, escaped text.

    ``page_of(row)`` returns the absolute URL of a key result's or an objective's page.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "OKR check-ins")
    for key_result in key_results:
        calendar.add_component(_check_in_event(key_result, page_of(key_result), host, now))
    for objective in objectives:
        calendar.add_component(_period_end_event(objective, page_of(objective), host, now))
    return calendar.to_ical()


def _check_in_event(key_result, link, host, now):
    """Return the event of a key result's due check-in."""
    event = Event()
    event.add("uid", f"key-result-{key_result.id}-check-in@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", key_result.due_at)
    event.add("dtend", key_result.due_at + CHECK_IN_LENGTH)
    event.add("summary", f"Check in: {key_result.title}")
    event.add(
        "description",
        f"{key_result.objective.title}: {key_result.title}, {standing(key_result)} "
        f"({percent(key_result.progress)}). {link}",
    )
    event.add("url", link)
    return event


def _period_end_event(objective, link, host, now):
    """Return the all-day event of an objective's period end."""
    event = Event()
    event.add("uid", f"objective-{objective.id}-period-end@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", objective.end_date)
    event.add("dtend", objective.end_date + timedelta(days=1))
    event.add("summary", f"Period ends ({objective.period}): {objective.title}")
    event.add("url", link)
    event.add("transp", "TRANSPARENT")
    return event
