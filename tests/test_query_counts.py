"""Every public page makes the same number of SQL queries on the seed and on a workshop ten times larger."""

import pytest
from django.utils.http import int_to_base36

from posters.models import Poster
from schedule.models import Session

SCALES = [1, 10]


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
    # the workshop and whether it has posters, its sessions with rooms, their speakers, its organizers
    "timetable": (lambda w, s, p, who, room, word: f"/{w.slug}/", 4),
    "timetable in another zone": (lambda w, s, p, who, room, word: f"/{w.slug}/?tz=Asia/Tokyo", 4),
    "session": (lambda w, s, p, who, room, word: f"/{w.slug}/sessions/{s.slug}/", 6),
    # the workshop; sessions and posters per person, organizers, then everyone by key
    "speakers": (lambda w, s, p, who, room, word: f"/{w.slug}/speakers/", 5),
    "speaker": (lambda w, s, p, who, room, word: f"/{w.slug}/speakers/{who}/", 8),
    "posters": (lambda w, s, p, who, room, word: f"/{w.slug}/posters/", 6),  # places for maps, then the page
    "posters, a later page": (lambda w, s, p, who, room, word: f"/{w.slug}/posters/?page=2", 6),
    "poster": (lambda w, s, p, who, room, word: f"/{w.slug}/posters/{p.slug}/", 6),
    # workshop, people (for the form and for matching names) and rooms; the sessions found and their speakers;
    # the posters found, then a page of them with authors and spots
    "search text": (lambda w, s, p, who, room, word: f"/{w.slug}/search/?q={word}", 9),
    # the same, with no session found: no speakers to read
    "search filters": (lambda w, s, p, who, room, word: f"/{w.slug}/search/?q={word}&kind=poster&room={room}", 8),
    # the workshop; the sessions with rooms, their speakers; the posters with rooms, their spots and authors
    "agenda": (lambda w, s, p, who, room, word: f"/{w.slug}/agenda/?s={int_to_base36(s.pk)}&p={int_to_base36(p.pk)}", 6),
    "agenda, an old link": (lambda w, s, p, who, room, word: f"/{w.slug}/agenda/?sessions={s.slug}&posters={p.slug}", 6),
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
}


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_the_data(client, django_assert_num_queries, programme, page):
    url_for, queries = PAGES[page]
    url = url_for(*programme)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200, url
    if page == "search text":
        assert response.context["sessions"] and response.context["posters"], "counts are only fair with results"
    if page == "search filters":
        assert response.context["posters"] and not response.context["sessions"]
