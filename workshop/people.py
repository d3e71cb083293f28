"""People as one workshop sees them: who appears in it, and how often."""

from functools import lru_cache
from typing import NamedTuple

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from posters.models import PosterAuthor
from schedule.models import SessionSpeaker, Speaker, WorkshopOrganizer
from schedule.prepared import PreparedQuery

from .search import NameIndex


def _count(rows):
    return Coalesce(
        Subquery(rows.values("speaker").annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
    )


def listed_in(workshop, *columns):
    """The given columns of every entry of the workshop's lists (speakers, authors, organizers), as one UNION
    of values_list() rows."""
    first, *others = (
        entries.order_by().values_list(*columns)
        for entries in (
            SessionSpeaker.objects.filter(session__workshop=workshop),
            PosterAuthor.objects.filter(poster__workshop=workshop),
            WorkshopOrganizer.objects.filter(workshop=workshop),
        )
    )
    return first.union(*others)


def appearing_in(workshop):
    """Everyone who speaks, presents a poster or organizes."""
    # Start from the workshop's lists (one UNION the database reads by index), not from every person.
    return Speaker.objects.filter(pk__in=listed_in(workshop, "speaker_id"))


class Person(NamedTuple):
    pk: int
    slug: str
    name: str


def _everyone(workshop_id):
    # Each list joined to its people, then one UNION: PostgreSQL looks each person up by key. Asked for the
    # people whose key is in the lists, it read all 10,000 of the demo's and planned longer (2.4 ms, not 1.5).
    return listed_in(workshop_id, "speaker_id", "speaker__slug", "speaker__name")


_EVERYONE = PreparedQuery(_everyone)


def everyone_in(workshop):
    """appearing_in(workshop) as Person rows, in no order, prepared (schedule/prepared.py): every search lists
    them all."""
    return [Person(*row) for row in _EVERYONE(workshop.pk)]


class Directory(NamedTuple):
    """Everyone in a workshop as its search page uses them."""

    choices: tuple  # (slug, name) in alphabetical order (family_name_key)
    names: NameIndex  # for matching searched words to names; it remembers the words it matched


def directory(workshop):
    """The workshop's Directory: a search reads everyone on every request, and builds from them the same
    list and index as long as the same people are there."""
    return _directory(tuple(sorted(everyone_in(workshop))))


# Keyed on the people themselves, so nothing here can be out of date; an edit makes a new entry.
@lru_cache(maxsize=64)
def _directory(everyone):
    everyone = alphabetical(everyone)
    return Directory(
        choices=tuple((person.slug, person.name) for person in everyone),
        names=NameIndex((person.pk, person.name) for person in everyone),
    )


def people_of(workshop):
    """Everyone who appears in the workshop, with their session and poster counts."""
    sessions = SessionSpeaker.objects.filter(speaker=OuterRef("pk"), session__workshop=workshop)
    posters = PosterAuthor.objects.filter(speaker=OuterRef("pk"), poster__workshop=workshop)
    return appearing_in(workshop).annotate(session_count=_count(sessions), poster_count=_count(posters))


def family_name_key(speaker):
    """Sort "Yasaman Bahri" under B, as an author index does."""
    parts = speaker.name.split()
    return (parts[-1].casefold() if parts else "", speaker.name.casefold(), speaker.slug)


def alphabetical(people):
    return sorted(people, key=family_name_key)


def index_letter(speaker):
    key = family_name_key(speaker)[0]
    return key[:1].upper() if key[:1].isalpha() else "#"
