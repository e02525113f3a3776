"""The feed's iCalendar document, built with the ``icalendar`` package (RFC 5545).

One event per due check-in within the horizon (at its ``due_at``, 30 minutes, linking to
the key result's page; one overdue already is an all-day event today, where a calendar
shows what is to do, not at a moment gone by) and one all-day event per period end of an
active objective (linking to the objective's page): the web interface's pages, which a
person who clicks the link from a calendar app can open in a browser (the API's addresses
would ask for a token). UIDs are derived from what the event stands for, so a calendar app
updates an event on the next fetch instead of adding another.
"""

import re
from datetime import timedelta

from icalendar import Calendar, Event, vText

from okr_app.okr.wording import percent, standing

PRODID = "-//okr-tracker//calendar feed//EN"
CHECK_IN_LENGTH = timedelta(minutes=30)
ONE_DAY = timedelta(days=1)
#: The control characters a TEXT value may not hold (RFC 5545, 3.3.11): all but HTAB.
_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class Text(vText):
    r"""A TEXT value escaped as RFC 5545 says, whatever the characters of a title.

    ``icalendar`` reads ``\N`` in a value as a line break already escaped (``C:\New``
    would read "C:" and "ew" on a new line); here a backslash is always one backslash.
    Line breaks become ``\n`` and other control characters, which TEXT may not hold, are
    left out.
    """

    def to_ical(self):
        """Return the escaped value as bytes."""
        text = str(self).replace("\r\n", "\n").replace("\r", "\n")
        text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        return _CONTROLS.sub("", text.replace("\n", "\\n")).encode(self.encoding)


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
    """Return the event of a key result's due check-in: an all-day one today once overdue."""
    event = Event()
    event.add("uid", f"key-result-{key_result.id}-check-in@{host}")
    event.add("dtstamp", now)
    due = key_result.due_at
    standing_text = (
        f"{key_result.objective.title}: {key_result.title}, {standing(key_result)} "
        f"({percent(key_result.progress)}). {link}"
    )
    if key_result.overdue:
        event.add("dtstart", now.date())
        event.add("dtend", now.date() + ONE_DAY)
        event.add("summary", Text(f"Check in, overdue: {key_result.title}"))
        standing_text = f"Due since {due:%Y-%m-%d %H:%M} UTC. {standing_text}"
        event.add("transp", "TRANSPARENT")
    else:
        event.add("dtstart", due)
        event.add("dtend", due + CHECK_IN_LENGTH)
        event.add("summary", Text(f"Check in: {key_result.title}"))
    event.add("description", Text(standing_text))
    event.add("url", link)
    return event


def _period_end_event(objective, link, host, now):
    """Return the all-day event of an objective's period end."""
    event = Event()
    event.add("uid", f"objective-{objective.id}-period-end@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", objective.end_date)
    event.add("dtend", objective.end_date + ONE_DAY)
    event.add("summary", Text(f"Period ends ({objective.period}): {objective.title}"))
    event.add("description", Text(f"{objective.title} ({objective.period}). {link}"))
    event.add("url", link)
    event.add("transp", "TRANSPARENT")
    return event
