"""A personal agenda: the sessions and posters a link carries, read the same way by the page and its calendar.

A link lists primary keys in base 36, dot-separated: ?s=3.7.1c&p=4.9. Keys never change (a slug may), and a few
hundred of them take well under 2,000 bytes, where slugs overflowed the request line servers accept (gunicorn:
4,094 bytes) at about fifty items. Links made before, ?sessions=slug,slug&posters=slug, are still read; a link
may mix both.
"""

import re
from dataclasses import dataclass

from django.db.models import Q
from django.http import QueryDict
from django.utils.http import base36_to_int, int_to_base36

from posters.models import Poster
from schedule.models import Session

LIMIT = 500  # the request line holds about this many keys; more than that is no longer a personal agenda
# At most 12 base-36 digits: below 2**63, so no key reaches the database out of its integer's range.
ID_LIST = re.compile(r"[0-9a-z]{1,12}(\.[0-9a-z]{1,12})*")
SLUG_LIST = re.compile(r"[-a-zA-Z0-9_]+(,[-a-zA-Z0-9_]+)*")
KINDS = {"sessions": "s", "posters": "p"}  # the old parameter and the compact one


class AgendaLinkError(ValueError):
    pass


class DamagedLink(AgendaLinkError):
    """A parameter that is not a list of keys (or, in an old link, of slugs)."""


class TooManyItems(AgendaLinkError):
    def __init__(self, count):
        super().__init__(f"{count} items starred; an agenda holds at most {LIMIT}")
        self.count = count


@dataclass
class Agenda:
    sessions: list
    posters: list
    unknown: int  # items asked for that this workshop does not have (removed since, or never its own)

    def query(self):
        """The compact query string that lists these items, for links."""
        return compact_query(self.sessions, self.posters)

    def fields(self):
        """(name, value) pairs of that query: what a form on the page (the zone picker) must send to keep them."""
        return list(QueryDict(self.query()).items())


def compact_query(sessions, posters):
    query = QueryDict(mutable=True)
    for name, items in (("s", sessions), ("p", posters)):
        if items:
            query[name] = ".".join(int_to_base36(pk) for pk in sorted(item.pk for item in items))
    return query.urlencode()


def listed(query, name, pattern, separator, what):
    """The distinct values of ?name=a<separator>b (or repeated ?name=a&name=b); DamagedLink if any is not a list."""
    values = [value for value in query.getlist(name) if value != ""]
    if any(not pattern.fullmatch(value) for value in values):
        raise DamagedLink(f"?{name}= is not a list of {what}")
    return list(dict.fromkeys(item for value in values for item in value.split(separator)))


def starred(query):
    """{kind: (keys, slugs)} asked for by a query string; DamagedLink or TooManyItems when it cannot be an agenda."""
    asked = {}
    for kind, short in KINDS.items():
        keys = list(dict.fromkeys(base36_to_int(key) for key in listed(query, short, ID_LIST, ".", "keys")))
        asked[kind] = (keys, listed(query, kind, SLUG_LIST, ",", "slugs"))
    count = sum(len(keys) + len(slugs) for keys, slugs in asked.values())
    if count > LIMIT:
        raise TooManyItems(count)
    return asked


def read_agenda(query, workshop):
    """The Agenda a query string asks for in this workshop; items of other workshops or gone are counted unknown."""
    asked = starred(query)
    found = {}
    for kind, queryset in (
        ("sessions", Session.objects.for_timetable(workshop)),
        ("posters", Poster.objects.for_listing(workshop)),
    ):
        keys, slugs = asked[kind]
        found[kind] = list(queryset.filter(Q(pk__in=keys) | Q(slug__in=slugs))) if keys or slugs else []
    unknown = 0
    for kind, (keys, slugs) in asked.items():
        pks, found_slugs = {item.pk for item in found[kind]}, {item.slug for item in found[kind]}
        unknown += sum(pk not in pks for pk in keys) + sum(slug not in found_slugs for slug in slugs)
    return Agenda(sessions=found["sessions"], posters=found["posters"], unknown=unknown)
