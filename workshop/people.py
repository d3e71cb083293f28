"""People as one workshop sees them: who appears in it, and how often."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from posters.models import PosterAuthor
from schedule.models import SessionSpeaker, Speaker, WorkshopOrganizer


def _count(rows):
    return Coalesce(
        Subquery(rows.values("speaker").annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
    )


def listed_in(workshop):
    """The people of every entry of the workshop's lists (speakers, authors, organizers), as one UNION."""
    first, *others = (
        entries.order_by().values_list("speaker_id")
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
    return Speaker.objects.filter(pk__in=listed_in(workshop))


def people_of(workshop):
    """Everyone who appears in the workshop, with their session and poster counts."""
    sessions = SessionSpeaker.objects.filter(speaker=OuterRef("pk"), session__workshop=workshop)
    posters = PosterAuthor.objects.filter(speaker=OuterRef("pk"), poster__workshop=workshop)
    return appearing_in(workshop).annotate(session_count=_count(sessions), poster_count=_count(posters))


def choices(workshop):
    """(slug, name) of everyone in the workshop, by family name: a form's choice of person."""
    named = appearing_in(workshop).values_list("slug", "name")
    return sorted(named, key=lambda person: name_key(person[1], person[0]))


def name_key(name, slug):
    """Sort "Yasaman Bahri" under B, as an author index does."""
    parts = name.split()
    return (parts[-1].casefold() if parts else "", name.casefold(), slug)


def family_name_key(speaker):
    return name_key(speaker.name, speaker.slug)


def alphabetical(people):
    return sorted(people, key=family_name_key)


def index_letter(speaker):
    key = family_name_key(speaker)[0]
    return key[:1].upper() if key[:1].isalpha() else "#"
