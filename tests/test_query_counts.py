"""Every public page makes the same number of SQL queries on the seed and on a workshop ten times larger."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import int_to_base36

from posters.models import Poster, PosterSpot
from schedule.models import Session, SessionSpeaker, Speaker

SCALES = [1, 10]
ONE_HOUR = timedelta(hours=1)
MARKED_PAGES = {"timetable", "timetable in another zone", "session", "poster"}
AGENDA_PAGES = {"agenda", "agenda, an old link"}  # which list and mark what changed in the starred items
CHANGE_PAGES = MARKED_PAGES | AGENDA_PAGES | {"change log", "change feed"}


@pytest.fixture(params=SCALES, ids=["seed", "ten-times-the-seed"])
def programme(request, seed, make_large_workshop):
    """(workshop, a session, a poster, a busy person, a room, a word that finds sessions and posters)
    at the seed's size or ten times it."""
    if request.param == 1:
        workshop, person, room, word = seed, "peter-bartlett", "gather-town-room-1", "networks"
    else:
        workshop = make_large_workshop(sessions=17 * 10, posters=45 * 10, people_each=3)
        person, room, word = f"{workshop.slug}-person-5", "room-1", "person"
    session = Session.objects.filter(workshop=workshop).order_by("starts_at")[3]
    poster = Poster.objects.filter(workshop=workshop).order_by("slug")[3]
    return workshop, session, poster, person, room, word


PAGES = {
    # page: (url maker, queries)
    # the workshop and whether it has posters, its sessions with rooms, their speakers, its organizers; the
    # changes of the last day to mark: sessions', speakers'
    "timetable": (lambda w, s, p, who, room, word: f"/{w.slug}/", 6),
    "timetable in another zone": (lambda w, s, p, who, room, word: f"/{w.slug}/?tz=Asia/Tokyo", 6),
    "session": (lambda w, s, p, who, room, word: f"/{w.slug}/sessions/{s.slug}/", 8),
    # the workshop; sessions and posters per person, organizers, then everyone by key
    "speakers": (lambda w, s, p, who, room, word: f"/{w.slug}/speakers/", 5),
    "speaker": (lambda w, s, p, who, room, word: f"/{w.slug}/speakers/{who}/", 8),
    "posters": (lambda w, s, p, who, room, word: f"/{w.slug}/posters/", 6),  # places for maps, then the page
    "posters, a later page": (lambda w, s, p, who, room, word: f"/{w.slug}/posters/?page=2", 6),
    "poster": (lambda w, s, p, who, room, word: f"/{w.slug}/posters/{p.slug}/", 8),  # and its recent changes: its own, its spots'
    # the workshop; the history of sessions, their speakers, posters, their spots, their authors
    "change log": (lambda w, s, p, who, room, word: f"/{w.slug}/changes/", 6),
    "change feed": (lambda w, s, p, who, room, word: f"/{w.slug}/changes.atom", 6),
    # workshop, people (for the form and for matching names) and rooms; the sessions found and their speakers;
    # the posters found, then a page of them with authors and spots
    "search text": (lambda w, s, p, who, room, word: f"/{w.slug}/search/?q={word}", 9),
    # the same, with no session found: no speakers to read
    "search filters": (lambda w, s, p, who, room, word: f"/{w.slug}/search/?q={word}&kind=poster&room={room}", 8),
    # the workshop; the sessions with rooms, their speakers; the posters with rooms, their spots and authors; the
    # changes of the last day (no since): the history of sessions, their speakers, posters, their spots, authors
    "agenda": (lambda w, s, p, who, room, word: f"/{w.slug}/agenda/?s={int_to_base36(s.pk)}&p={int_to_base36(p.pk)}", 11),
    "agenda, an old link": (lambda w, s, p, who, room, word: f"/{w.slug}/agenda/?sessions={s.slug}&posters={p.slug}", 11),
    "programme calendar": (lambda w, s, p, who, room, word: f"/{w.slug}/schedule.ics", 5),
    "session calendar": (lambda w, s, p, who, room, word: f"/{w.slug}/sessions/{s.slug}.ics", 4),
    "agenda calendar": (lambda w, s, p, who, room, word: f"/{w.slug}/agenda.ics?s={int_to_base36(s.pk)}", 4),
    "agenda calendar, an old link": (lambda w, s, p, who, room, word: f"/{w.slug}/agenda.ics?sessions={s.slug}", 4),
    "schedule xml": (lambda w, s, p, who, room, word: f"/{w.slug}/schedule.xml", 5),
    "schedule json": (lambda w, s, p, who, room, word: f"/{w.slug}/schedule.json", 5),
    # workshops; their sessions and posters; the people of sessions, posters and organizers
    # offline at the venue (workshop/offline.py): the manifest reads the workshop
    "web app manifest": (lambda w, s, p, who, room, word: f"/{w.slug}/manifest.webmanifest", 1),
    # the programme version; the workshop, its sessions, posters, and the people of each and its organizers
    "offline list": (lambda w, s, p, who, room, word: f"/{w.slug}/offline.json", 7),
    # the workshop; sessions with rooms, their speakers; posters with rooms, their spots, their authors
    "search index": (lambda w, s, p, who, room, word: f"/{w.slug}/search-index.json", 6),
    "service worker": (lambda w, s, p, who, room, word: "/service-worker.js", 0),
    "sitemap index": (lambda w, s, p, who, room, word: "/sitemap.xml", 6),
    "a workshop's sitemap": (lambda w, s, p, who, room, word: f"/sitemap-{w.slug}.xml", 6),
    # the workshop, its organizers; sessions with rooms, their speakers; posters with rooms, their spots, authors
    "printed programme": (lambda w, s, p, who, room, word: f"/{w.slug}/programme/?also=Asia/Tokyo", 7),
    "a session's qr code": (lambda w, s, p, who, room, word: f"/{w.slug}/qr/session/{s.slug}.svg", 1),
    "a poster's qr code": (lambda w, s, p, who, room, word: f"/{w.slug}/qr/poster/{p.slug}.svg", 1),
}


def change_everything(workshop, session, poster):
    """A change of each kind the change log and the marks read: a session moved, retitled and given a speaker, a
    poster retitled and moved to another spot, each recorded against an earlier row, as after a load."""
    a_week_ago = timezone.now() - timedelta(days=7)
    workshop.history.update(history_date=a_week_ago)  # published then: what follows is not its first publication
    for model, rows in [(Session, [session]), (Poster, [poster]), (PosterSpot, list(poster.spots.all()))]:
        model.history.bulk_history_create(rows, update=True, default_date=a_week_ago)
    session.title, session.starts_at, session.ends_at = "New title", session.starts_at + ONE_HOUR, session.ends_at + ONE_HOUR
    session.save()
    newcomer = Speaker.objects.create(name="Newcomer", slug=f"{workshop.slug}-newcomer")
    SessionSpeaker.objects.create(session=session, speaker=newcomer, position=9)
    poster.title = "Retitled"
    poster.save()
    spot = poster.spots.first()
    spot.label = "Z99"
    spot.save()


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_the_data(client, django_assert_num_queries, programme, page):
    url_for, queries = PAGES[page]
    workshop, session, poster = programme[:3]
    if page in CHANGE_PAGES:  # the marks and the log are read fairly only where there are changes
        change_everything(workshop, session, poster)
    url = url_for(*programme)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200, url
    if page in MARKED_PAGES:
        assert b'class="change-mark"' in response.content, "counts are only fair with marks"
    if page in CHANGE_PAGES - MARKED_PAGES:
        said = response.content.decode()
        assert all(kind in said for kind in ["Moved", "Retitled", "Speaker added", "Poster moved"]), said
    if page == "search text":
        assert response.context["sessions"] and response.context["posters"], "counts are only fair with results"
    if page == "search filters":
        assert response.context["posters"] and not response.context["sessions"]
