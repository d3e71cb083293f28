"""A personal agenda: the sessions and posters a link carries, read the same way by the page and its calendar.

A link lists primary keys in base 36, dot-separated: ?s=3.7.1c&p=4.9. Keys never change (a slug may), and a few
hundred of them take well under 2,000 bytes, where slugs overflowed the request line servers accept (gunicorn:
4,094 bytes) at about fifty items. Links made before, ?sessions=slug,slug&posters=slug, are still read; a link
may mix both.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import Q
from django.http import QueryDict
from django.utils.http import base36_to_int, int_to_base36

from posters.models import Poster
from schedule.models import Session

from .changes.log import RECENT, agenda_changes, removals

LIMIT = 500  # the request line holds about this many keys; more than that is no longer a personal agenda
# At most 12 base-36 digits: below 2**63, so no key reaches the database out of its integer's range.
ID_LIST = re.compile(r"[0-9a-z]{1,12}(\.[0-9a-z]{1,12})*")
SLUG_LIST = re.compile(r"[-a-zA-Z0-9_]+(,[-a-zA-Z0-9_]+)*")
KINDS = {"sessions": "s", "posters": "p"}  # the old parameter and the compact one
SINCE = "since"  # ?since=<unix seconds>: the changes to show are those after it (agenda.js, README)
# Up to ten digits: until the year 2286, and never past what a datetime holds. Anything else is ignored.
SECONDS = re.compile(r"[0-9]{1,10}")


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
    missing: dict = field(default_factory=dict)  # {kind: keys asked for and not found}, to look up in the history
    since: int | None = None  # the ?since= the link carried, if it was a time

    def query(self):
        """The compact query string that lists these items, for links; with the keys not found, which may be of
        items removed since, still shown (and sent to calendars as cancelled)."""
        return compact_query(self.sessions, self.posters, self.missing)

    def fields(self):
        """(name, value) pairs of that query and the since: what a form on the page (the zone picker) must send to
        keep them."""
        kept = list(QueryDict(self.query()).items())
        return kept + [(SINCE, str(self.since))] if self.since is not None else kept


def compact_query(sessions, posters, missing=None):
    query = QueryDict(mutable=True)
    for kind, name, items in (("sessions", "s", sessions), ("posters", "p", posters)):
        keys = {item.pk for item in items} | set((missing or {}).get(kind, ()))
        if keys:
            query[name] = ".".join(int_to_base36(pk) for pk in sorted(keys))
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


def read_agenda(query, workshop, sessions=None, posters=None):
    """The Agenda a query string asks for in this workshop; items of other workshops or gone are counted unknown.
    sessions and posters: the QuerySets to read them from, when a page needs more than the timetable's joins."""
    asked = starred(query)
    found = {}
    for kind, queryset in (
        ("sessions", Session.objects.for_timetable(workshop) if sessions is None else sessions),
        ("posters", Poster.objects.for_listing(workshop) if posters is None else posters),
    ):
        keys, slugs = asked[kind]
        found[kind] = list(queryset.filter(Q(pk__in=keys) | Q(slug__in=slugs))) if keys or slugs else []
    unknown, missing = 0, {}
    for kind, (keys, slugs) in asked.items():
        pks, found_slugs = {item.pk for item in found[kind]}, {item.slug for item in found[kind]}
        missing[kind] = [pk for pk in keys if pk not in pks]
        unknown += len(missing[kind]) + sum(slug not in found_slugs for slug in slugs)
    return Agenda(sessions=found["sessions"], posters=found["posters"], unknown=unknown, missing=missing,
                  since=read_since(query))


def read_since(query):
    """The ?since= of a query string as unix seconds, or None when it is absent or not a time (letters, a sign, more
    digits than a date holds): a damaged since only costs the reader the changes since their last visit."""
    value = query.get(SINCE, "")
    return int(value) if SECONDS.fullmatch(value) else None


def moment(seconds):
    return datetime.fromtimestamp(seconds, UTC)


MODELS = {"sessions": "session", "posters": "poster"}  # an agenda's kinds, as the change log names them


@dataclass
class News:
    """What changed in an agenda's items since a moment: the since its link carried, else the last RECENT."""

    since_given: bool
    marks: dict  # {kind: {pk: its latest change}}, for the rows' marks
    changed: dict  # {kind: [[the changes of one item, newest first], ...]}, in the agenda's order
    removed: dict  # {kind: {pk: its removal}}, of starred keys no longer in the programme, however long ago

    @property
    def changed_count(self):
        return {kind: len(items) for kind, items in self.changed.items()}

    def in_time(self, sessions):
        """(session, None) and (None, removal) pairs in the order of their (last) start: a removed session keeps
        its place among the others, struck through."""
        rows = [(session, None) for session in sessions] + [(None, gone) for gone in self.removed["sessions"].values()]
        return sorted(rows, key=lambda row: row[0].starts_at if row[0] else row[1].before.starts_at)


def what_changed(agenda, workshop, now):
    """The News of an agenda: at most five queries for its items' changes and two for removed keys, whatever it
    holds."""
    since = moment(agenda.since) if agenda.since is not None else now - RECENT
    found = agenda_changes(workshop, agenda.sessions, agenda.posters, since)
    news = News(agenda.since is not None, {}, {}, {})
    for kind, model in MODELS.items():
        items = getattr(agenda, kind)
        news.removed[kind] = removals(workshop, model, agenda.missing[kind])
        news.marks[kind] = {item.pk: found[model, item.pk][0] for item in items if (model, item.pk) in found}
        news.changed[kind] = [found[model, item.pk] for item in items if (model, item.pk) in found] + [
            [gone] for gone in news.removed[kind].values() if gone.at >= since]
    return news
