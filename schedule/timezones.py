"""The one place where stored UTC instants meet a reader's zone."""

import zoneinfo
from datetime import date, datetime, time, timedelta
from functools import cache

from django.core.exceptions import ValidationError


@cache
def known_zone_names():
    return frozenset(zoneinfo.available_timezones())


def validate_zone_name(name):
    if name not in known_zone_names():
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
