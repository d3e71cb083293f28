"""A workshop's programme as export events: its sessions, and its posters once they have a time."""

import uuid

from django.urls import reverse

from posters.models import Poster
from schedule.models import Room as RoomModel
from schedule.models import Session

from .events import Event, Person, Programme, Room


def room_guid(workshop_slug, room_slug):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:workshop-programme:{workshop_slug}:room:{room_slug}"))


def _room(room, workshop):
    if room is None:
        return None
    return Room(name=room.name, slug=room.slug, url=room.url, guid=room_guid(workshop.slug, room.slug))


def _people(people, workshop, absolute):
    return tuple(
        Person(
            name=person.name,
            slug=person.slug,
            url=absolute(reverse("speaker-detail", args=[workshop.slug, person.slug])),
        )
        for person in people
    )


def item_event(item, workshop, absolute, *, kind, kind_label, page, people, **details):
    """A session or a poster as an Event; page is the name of its detail page's URL."""
    return Event(
        guid=str(item.guid),
        slug=item.slug,
        title=item.title,
        kind=kind,
        kind_label=kind_label,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        url=absolute(reverse(page, args=[workshop.slug, item.slug])),
        abstract=item.abstract,
        people=_people(people, workshop, absolute),
        room=_room(item.room, workshop),
        **details,
    )


def session_event(session, workshop, absolute):
    return item_event(
        session, workshop, absolute, kind=session.kind, kind_label=session.get_kind_display(),
        page="schedule:session-detail", people=session.speaker_list,
        video_url=session.video_url, video_provider=session.video_provider,
    )


def poster_event(poster, workshop, absolute):
    return item_event(
        poster, workshop, absolute, kind="poster", kind_label="Poster", page="posters:poster-detail",
        people=poster.author_list,
    )


def build_programme(workshop, absolute, sessions=None, posters=None):
    """The whole programme, or only the given sessions and posters (a personal agenda).

    absolute turns a path into an absolute URL, e.g. request.build_absolute_uri.
    """
    if sessions is None:
        sessions = Session.objects.for_timetable(workshop)
    if posters is None:
        posters = Poster.objects.for_listing(workshop).filter(starts_at__isnull=False)
    events = [session_event(s, workshop, absolute) for s in sessions]
    events += [poster_event(p, workshop, absolute) for p in posters if p.starts_at and p.ends_at]
    events.sort(key=lambda event: (event.starts_at, event.ends_at, event.title))
    rooms = tuple(_room(room, workshop) for room in RoomModel.objects.filter(workshop=workshop))
    return Programme(
        slug=workshop.slug,
        title=workshop.title,
        conference=workshop.conference,
        start_date=workshop.start_date,
        end_date=workshop.end_date,
        timezone=workshop.timezone,
        url=absolute(reverse("schedule:timetable", args=[workshop.slug])),
        description=workshop.description,
        events=tuple(events),
        rooms=rooms,
    )
