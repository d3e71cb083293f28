"""Pages list a session's speakers, a poster's authors and a workshop's organizers in their set order."""

import re

from posters.models import Poster, PosterAuthor
from schedule.models import Session, SessionSpeaker, Workshop, WorkshopOrganizer


def people(listed):
    return [(person.slug, person.name, person.affiliation) for person in listed]


def test_listed_sessions_carry_their_speakers_in_list_order_not_creation_order(make_session, make_speaker):
    session = make_session()
    second, first = make_speaker(name="Second Speaker"), make_speaker(name="First Speaker", affiliation="ETH Zürich")
    SessionSpeaker.objects.create(session=session, speaker=second, position=1)
    SessionSpeaker.objects.create(session=session, speaker=first, position=0)
    make_session()  # a session with no speakers at all

    listed = list(Session.objects.for_timetable(session.workshop))

    assert people(listed[0].speaker_list) == [
        (first.slug, "First Speaker", "ETH Zürich"),
        (second.slug, "Second Speaker", ""),
    ]
    assert listed[1].speaker_list == []


def test_the_speakers_survive_filtering_and_get(make_session):
    session = make_session(speakers=2)
    make_session(speakers=1)

    found = Session.objects.for_timetable(session.workshop).get(slug=session.slug)
    filtered = Session.objects.for_timetable(session.workshop).filter(pk=session.pk)

    assert [p.slug for p in found.speaker_list] == [e.speaker.slug for e in session.session_speakers.all()]
    assert [p.slug for p in filtered[0].speaker_list] == [p.slug for p in found.speaker_list]


def test_listed_posters_carry_their_authors_in_list_order(make_poster, make_speaker):
    poster = make_poster()
    last, first = make_speaker(name="Last Author"), make_speaker(name="First Author")
    PosterAuthor.objects.create(poster=poster, speaker=last, position=5)
    PosterAuthor.objects.create(poster=poster, speaker=first, position=2)

    listed = Poster.objects.for_listing(poster.workshop).get(pk=poster.pk)

    assert [p.name for p in listed.author_list] == ["First Author", "Last Author"]


def test_organizers_come_in_their_order_and_workshops_without_a_list_get_an_empty_one(make_workshop, make_speaker):
    workshop, other = make_workshop(), make_workshop()
    later, earlier = make_speaker(name="Later"), make_speaker(name="Earlier")
    WorkshopOrganizer.objects.create(workshop=workshop, speaker=later, position=1)
    WorkshopOrganizer.objects.create(workshop=workshop, speaker=earlier, position=0)

    listed = Workshop.objects.with_organizers().in_bulk([workshop.pk, other.pk])

    assert [p.name for p in listed[workshop.pk].organizer_list] == ["Earlier", "Later"]
    assert listed[other.pk].organizer_list == []


def test_the_timetable_names_organizers_and_speakers_in_order(client, make_session, make_speaker):
    session = make_session()
    for position, name in enumerate(["Zoë Last-Name", "Ada First"]):
        SessionSpeaker.objects.create(session=session, speaker=make_speaker(name=name), position=position)
    for position, name in enumerate(["Organizer B", "Organizer A"]):
        WorkshopOrganizer.objects.create(workshop=session.workshop, speaker=make_speaker(name=name), position=position)

    text = client.get(f"/{session.workshop.slug}/").text

    names = re.findall(r'<a href="/[\w-]+/speakers/[\w-]+/">([^<]+)</a>', text)
    assert names == ["Organizer B", "Organizer A", "Zoë Last-Name", "Ada First"]
