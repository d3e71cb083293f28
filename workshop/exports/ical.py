"""iCalendar (RFC 5545) from export events, built with the icalendar library.

Times are written in UTC, which every calendar application reads without a VTIMEZONE; X-WR-TIMEZONE tells
the ones that care which zone the workshop runs in.
"""

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from schedule.links import http_url

PRODUCT_ID = "-//Workshop programme//Programme export 1.0//EN"
REFRESH = timedelta(hours=1)  # how often subscribers should look again


def to_ical(programme, now=None, name=None, sequences=None, cancelled=()):
    """The events of programme as one VCALENDAR; name overrides the calendar's title (a personal agenda).

    sequences ({guid: SEQUENCE}) number each event's revisions: RFC 5545 has a calendar replace the event it
    holds under a UID only with one of a higher SEQUENCE. cancelled: events no longer in the programme, sent
    under their UID as STATUS:CANCELLED, so that calendars drop (or strike out) the entry they keep.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # A published calendar: RFC 5545 then reads DTSTAMP as when this file was made (without METHOD it would
    # be when each event was last revised, which the programme does not record per event).
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name or programme.title)
    calendar.add("x-wr-timezone", programme.timezone)
    calendar.add("x-published-ttl", "PT1H")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    if programme.description:
        calendar.add("x-wr-caldesc", programme.description)
    sequences = sequences or {}
    for item in programme.events:
        calendar.add_component(_event(item, programme, now, sequences.get(item.guid, 0)))
    for item in cancelled:
        event = _event(item, programme, now, sequences.get(item.guid, 0))
        event.add("status", "CANCELLED")
        calendar.add_component(event)
    return calendar.to_ical()


def _event(item, programme, now, sequence=0):
    event = Event()
    # A GUID set once per session: the calendar keeps one entry however the session is edited.
    event.add("uid", f"{item.guid}@{programme.slug}")
    event.add("sequence", sequence)
    event.add("dtstamp", now)
    event.add("dtstart", item.starts_at.astimezone(UTC))
    event.add("dtend", item.ends_at.astimezone(UTC))
    event.add("summary", item.title)
    event.add("description", _description(item))
    event.add("categories", [item.kind_label])
    if url := http_url(item.url):
        event.add("url", url)
    if item.room:
        room_url = http_url(item.room.url)
        event.add("location", f"{item.room.name} ({room_url})" if room_url else item.room.name)
    return event


def _description(item):
    parts = []
    if item.people:
        parts.append(", ".join(person.name for person in item.people))
    if item.abstract:
        parts.append(item.abstract)
    if video_url := http_url(item.video_url):
        parts.append(f"Video: {video_url}")
    if url := http_url(item.url):
        parts.append(url)
    return "\n\n".join(parts)
