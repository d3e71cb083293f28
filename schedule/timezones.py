"""The one place where stored UTC instants meet a reader's zone."""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from django.core.exceptions import ValidationError

ZONE_PARAMETER = "tz"
ZONE_COOKIE = "tz"
ZONE_COOKIE_AGE = 365 * 24 * 3600
MAX_ZONE_NAME = 64
# Old aliases and POSIX rules stay valid input but are not offered in the picker.
NOT_OFFERED = ("Etc/", "SystemV/", "posix/", "right/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")


@cache
def known_zone_names():
    return frozenset(zoneinfo.available_timezones())


@cache
def offered_zone_names():
    names = {name for name in known_zone_names() if "/" in name and not name.startswith(NOT_OFFERED)}
    return sorted(names | {"UTC"})


def is_zone_name(name):
    return isinstance(name, str) and len(name) <= MAX_ZONE_NAME and name in known_zone_names()


def validate_zone_name(name):
    if not is_zone_name(name):
        raise ValidationError("“%(name)s” is not an IANA timezone name such as Europe/Berlin.", params={"name": name})


def zone(name):
    return zoneinfo.ZoneInfo(name)


def day_bounds(first_day: date, last_day: date, zone_name: str):
    """The instants at which first_day begins and last_day ends, in the named zone."""
    tz = zone(zone_name)
    return (
        datetime.combine(first_day, time.min, tzinfo=tz),
        datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=tz),
    )


@dataclass(frozen=True)
class ViewerZone:
    """The zone a page shows times in, and why."""

    name: str
    is_workshop_zone: bool
    rejected: str = ""  # what the reader asked for, when it was not a zone
    remember: str | None = None  # the cookie value to set: a name, "" to forget, None to leave it

    @property
    def tzinfo(self):
        return zone(self.name)


def viewer_zone(request, workshop_zone):
    """?tz= wins and is remembered; then the remembered choice; then the workshop's own zone."""
    asked = request.GET.get(ZONE_PARAMETER)
    if asked is not None:
        asked = asked.strip()
        if not asked or asked == workshop_zone:
            return ViewerZone(workshop_zone, True, remember="")
        if is_zone_name(asked):
            return ViewerZone(asked, False, remember=asked)
        return ViewerZone(workshop_zone, True, rejected=asked[:MAX_ZONE_NAME])
    remembered = request.COOKIES.get(ZONE_COOKIE, "")
    if is_zone_name(remembered) and remembered != workshop_zone:
        return ViewerZone(remembered, False)
    return ViewerZone(workshop_zone, True)


def remember_zone(response, viewer):
    if viewer.remember == "":
        response.delete_cookie(ZONE_COOKIE, samesite="Lax")
    elif viewer.remember:
        response.set_cookie(ZONE_COOKIE, viewer.remember, max_age=ZONE_COOKIE_AGE, samesite="Lax")
    return response


def abbreviation(zone_name, on_day):
    """The zone's short name on that day at noon: PDT in July, PST in January."""
    return datetime.combine(on_day, time(12), tzinfo=zone(zone_name)).tzname()


def place_name(zone_name):
    """What a reader calls a zone: Europe/Berlin is Berlin, America/Argentina/Buenos_Aires is Buenos Aires."""
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")


@dataclass(frozen=True)
class Reading:
    """A time range, or one instant (ends empty), as one zone's clock reads it."""

    starts: str  # 09:00
    ends: str
    starts_iso: str  # 2021-07-24T09:00:00-07:00: the browser reads the instant, and the zone's day and clock
    ends_iso: str
    day: date  # the day it starts on there
    abbreviation: str  # of the zone at the start: PDT, CEST, +0545
    place: str


def read_clock(starts_at, ends_at, zone_name):
    # f-strings, not the date filter: rows repeat this by the dozen, and the filter's formatting costs ten times.
    starts = starts_at.astimezone(zone(zone_name))
    ends = ends_at.astimezone(zone(zone_name)) if ends_at else None
    return Reading(
        starts=f"{starts:%H:%M}",
        ends=f"{ends:%H:%M}" if ends else "",
        starts_iso=starts.isoformat(),
        ends_iso=ends.isoformat() if ends else "",
        day=starts.date(),
        abbreviation=starts.tzname(),
        place=place_name(zone_name),
    )


@dataclass(frozen=True)
class Clocks:
    """The workshop's clock, always first; the reader's beside it wherever it reads otherwise."""

    workshop: Reading
    reader: Reading | None
    reader_unknown: bool  # no zone of the reader's known here: the browser may fill the reader's clock in

    @property
    def reader_on_another_day(self):
        return self.reader is not None and self.reader.day != self.workshop.day


def both_clocks(starts_at, ends_at, workshop_zone, reader_zone=""):
    """starts_at–ends_at (ends_at None: an instant) on the workshop's clock and on the reader's.

    A reader's zone that reads the same as the workshop's (America/Vancouver beside America/Los_Angeles) adds
    no second clock: it would only repeat the first."""
    workshop = read_clock(starts_at, ends_at, workshop_zone)
    if not is_zone_name(reader_zone) or reader_zone == workshop_zone:
        return Clocks(workshop, None, reader_unknown=True)
    reader = read_clock(starts_at, ends_at, reader_zone)
    same = (reader.starts, reader.ends, reader.day) == (workshop.starts, workshop.ends, workshop.day)
    return Clocks(workshop, None if same else reader, reader_unknown=False)
