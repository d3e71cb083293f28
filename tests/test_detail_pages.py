"""Session, speaker and poster pages, and the poster rooms' maps."""

import re

import pytest

from posters.models import Poster
from schedule.models import Room, RoomKind, Session, SessionKind, Speaker


def test_session_page_shows_everything_about_the_talk(client, seed):
    response = client.get("/oppo2021/sessions/adversarial-examples-in-random-deep-networks/")
    assert response.status_code == 200
    text = response.text
    assert "<h1>Adversarial Examples in Random Deep Networks</h1>" in text
    assert "Invited talk" in text
    assert "Saturday 24 July 2021, 09:05</time>–<time datetime=\"2021-07-24T09:50:00-07:00\">09:50</time> PDT" in text
    assert '<a href="/oppo2021/speakers/peter-bartlett/">Peter Bartlett</a>' in text
    assert "Joint work with Sébastien Bubeck and Yeshwanth Cherapanamjeri" in text
    assert "Recorded on SlidesLive" in text
    assert 'Live Q&amp;A with Peter Bartlett</a>, <span class="clocks" data-clocks><span class="clock clock--workshop"><time datetime="2021-07-24T09:50:00-07:00">09:50</time> PDT' in text
    assert 'rel="prev" href="/oppo2021/sessions/opening-remarks/"' in text
    assert 'rel="next" href="/oppo2021/sessions/live-qa-with-peter-bartlett/"' in text


def test_live_qa_links_back_to_its_talk(client, seed):
    text = client.get("/oppo2021/sessions/live-qa-with-peter-bartlett/").text
    assert 'Part of <a href="/oppo2021/sessions/adversarial-examples-in-random-deep-networks/">' in text


def test_spotlight_page_links_to_its_poster_and_room(client, seed):
    text = client.get("/oppo2021/sessions/a-universal-law-of-robustness-via-isoperimetry/").text
    assert 'Also a poster: <a href="/oppo2021/posters/a-universal-law-of-robustness-via-isoperimetry/">A Universal Law of Robustness via Isoperimetry</a>, Gather.town room 2' in text


def test_session_page_shows_the_chosen_zone_beside_the_workshops(client, seed):
    text = client.get("/oppo2021/sessions/opening-remarks/", {"tz": "Europe/Berlin"}).text
    assert "Saturday 24 July 2021, 09:00</time>–" in text
    assert "09:05</time> PDT" in text
    assert "18:00–18:05 in Berlin" in text


def test_first_and_last_sessions_have_no_previous_or_next(client, seed):
    assert 'rel="prev"' not in client.get("/oppo2021/sessions/opening-remarks/").text
    assert 'rel="next"' not in client.get("/oppo2021/sessions/closing-remarks/").text


def test_latex_text_commands_become_emphasis_and_math_is_left_for_katex(client, seed):
    text = client.get("/oppo2021/sessions/beyond-implicit-regularization-avoiding-overfitting-via-regularizer-mirror/").text
    assert "<em>regularizer mirror descent (RMD)</em>" in text
    assert "$\\ell_2$" in text
    assert "“implicit regularization”" in text
    assert "katex.min.js" in text


@pytest.mark.parametrize(
    "url",
    [
        "/oppo2021/sessions/no-such-session/",
        "/oppo2021/speakers/no-such-person/",
        "/oppo2021/posters/no-such-poster/",
        "/nope/sessions/opening-remarks/",
        "/nope/posters/",
    ],
)
def test_unknown_things_are_404s_in_the_sites_layout(client, seed, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_a_session_of_another_workshop_is_not_found_under_this_one(client, seed, make_workshop, make_session):
    other = make_session(workshop=make_workshop(), slug="elsewhere-talk")
    assert client.get(f"/oppo2021/sessions/{other.slug}/").status_code == 404


def test_speaker_list_is_alphabetical_by_family_name_with_counts(client, seed):
    response = client.get("/oppo2021/speakers/")
    assert response.status_code == 200
    names = [person.name for letter, group in response.context["letters"] for person in group]
    assert names[:3] == ["Jacob Abernethy", "Michael Aerni", "Rishabh Agarwal"]
    family = [n.split()[-1].casefold() for n in names]
    assert family == sorted(family)
    assert len(names) == len(set(names)) == Speaker.objects.count() == 132  # every person of the seed, once
    people = {person.name: person for _, group in response.context["letters"] for person in group}
    assert (people["Peter Bartlett"].session_count, people["Peter Bartlett"].poster_count) == (1, 1)
    assert (people["Yuan Cao"].session_count, people["Yuan Cao"].poster_count) == (0, 2)
    assert "1 session · 1 poster" in response.text


def test_speaker_page_lists_every_session_and_poster_of_theirs(client, seed):
    response = client.get("/oppo2021/speakers/hanie-sedghi/")
    assert response.status_code == 200
    assert "Organizer of Over-parameterization: Pitfalls and Opportunities." in response.text
    assert [s.title for s in response.context["sessions"]] == ["Understanding the effect of sparsity on neural networks robustness"]
    assert [p.title for p in response.context["posters"]] == ["Understanding the effect of sparsity on neural networks robustness"]


def test_a_person_outside_this_workshop_has_no_page_in_it(client, seed, make_speaker):
    stranger = make_speaker()
    assert client.get(f"/oppo2021/speakers/{stranger.slug}/").status_code == 404


def test_poster_list_is_grouped_by_room_and_ordered_by_spot(client, seed):
    response = client.get("/oppo2021/posters/")
    assert response.status_code == 200
    rooms = response.context["rooms"]
    assert [room.name for room, posters, room_map in rooms] == ["Gather.town room 1", "Gather.town room 2"]
    first_room = rooms[0][1]
    assert [sorted(s.label for s in p.spots.all()) for p in first_room][:4] == [["A0", "A1"], ["A2"], ["A3"], ["A4"]]
    assert len(first_room) == 23 and len(rooms[1][1]) == 22
    assert 'href="https://eventhosts.gather.town/DbHJbA5ArXpTIoap/icmloppo2021"' in response.text


def test_each_room_map_draws_the_grid_of_spots_with_links_to_posters(client, seed):
    response = client.get("/oppo2021/posters/")
    room_one_map = response.context["rooms"][0][2]
    labels = [cell.label for cell in room_one_map.cells]
    assert labels == [f"{row}{col}" for row in "ABCD" for col in range(7)]
    filled = {cell.label: cell.poster.title for cell in room_one_map.cells if cell.poster}
    assert filled["A2"] == "Generalization Error and Overparameterization While Learning over Networks"
    assert filled["A0"] == filled["A1"]
    assert len(filled) == 24  # 23 posters, one of them on two spots
    room_two = response.context["rooms"][1][2]
    assert [cell.label for cell in room_two.cells if not cell.poster] == ["A0", "D2", "D3", "D4", "D5", "D6"]
    assert response.text.count('class="room-map__spot') == 56
    assert 'aria-label="Spot A2: Generalization Error and Overparameterization While Learning over Networks"' in response.text


def test_poster_page_shows_authors_spot_room_and_spotlight(client, seed):
    response = client.get("/oppo2021/posters/a-universal-law-of-robustness-via-isoperimetry/")
    text = response.text
    assert "<h1>A Universal Law of Robustness via Isoperimetry</h1>" in text
    assert re.search(r"Spot <strong>C4</strong>, <a href=\"https://eventhosts.gather.town/UtqQ3jSJ7wnN0anj/icmloppo2021room2\" rel=\"noopener\">Gather.town room 2</a>", text)
    assert 'Presented as a spotlight talk: <a href="/oppo2021/sessions/a-universal-law-of-robustness-via-isoperimetry/">' in text
    assert [cell.label for cell in response.context["room_map"].cells if cell.highlighted] == ["C4"]


def test_poster_page_keeps_author_order(client, seed):
    response = client.get("/oppo2021/posters/gradient-starvation-a-learning-proclivity-in-neural-networks/")
    names = re.findall(r'/oppo2021/speakers/[\w-]+/">([^<]+)</a>', response.text.split("<h2 class=\"visually-hidden\">Authors</h2>")[1])
    assert names[:6] == ["Mohammad Pezeshki", "Sékou-Oumar Kaba", "Yoshua Bengio", "Aaron Courville", "Doina Precup", "Guillaume Lajoie"]


def test_the_two_spot_poster_shows_both_spots(client, seed):
    poster = Poster.objects.get(title__startswith="On the interplay between data structure")
    text = client.get(f"/oppo2021/posters/{poster.slug}/").text
    assert "Spot <strong>A0</strong> and <strong>A1</strong>" in text


def test_a_posters_page_marks_its_spots_on_the_grid_and_only_spots_the_grid_has(client, make_poster, make_workshop):
    workshop = make_workshop()
    make_poster(workshop=workshop, spots=["A0", "B2"])  # the grid: rows A and B, columns 0 to 2
    both = make_poster(workshop=workshop, spots=["A1", "B1"])
    foyer = make_poster(workshop=workshop, spots=["Foyer"])
    unplaced = make_poster(workshop=workshop)
    unplaced.spots.all().delete()
    text = client.get(f"/{workshop.slug}/posters/{both.slug}/").text
    assert 'aria-label="Spot A1 and B1 marked on the grid of Poster hall"' in text
    assert re.findall(r'class="room-map__spot is-here"><rect[^>]*/><text[^>]*>(\w+)</text>', text) == ["A1", "B1"]
    for poster, where in [(foyer, "Spot <strong>FOYER</strong>"), (unplaced, "No spot yet")]:
        text = client.get(f"/{workshop.slug}/posters/{poster.slug}/").text
        assert where in text
        assert "Where it stands" not in text and "<svg" not in text  # no grid with nothing marked on it


def test_posters_without_a_room_or_spot_are_listed_apart(client, make_poster, make_workshop):
    workshop = make_workshop()
    placed = make_poster(workshop=workshop, spots=["A1"])
    unplaced = Poster.objects.create(workshop=workshop, title="Unplaced", slug="unplaced")
    response = client.get(f"/{workshop.slug}/posters/")
    assert [(room.name if room else None, [p.title for p in posters]) for room, posters, _ in response.context["rooms"]] == [
        ("Poster hall", [placed.title]),
        (None, [unplaced.title]),
    ]
    assert "Not yet placed" in response.text and "No spot yet" in response.text


def test_escaping_covers_titles_names_and_abstracts(empty_db, client, make_session, make_speaker):
    session = make_session(title="<img src=x onerror=alert(1)>", abstract="<script>alert(2)</script> $x<y$")
    text = client.get(f"/{session.workshop.slug}/sessions/{session.slug}/").text
    assert "<img src=x" not in text and "<script>alert(2)" not in text
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in text
    assert Session.objects.filter(kind=SessionKind.INVITED_TALK).count() == 1


def test_list_rows_escape_every_title_name_label_and_room(client, make_session, make_poster, make_speaker):
    hostile = '<b x="1">&\'"'
    shown = "&lt;b x=&quot;1&quot;&gt;&amp;&#x27;&quot;"
    person = make_speaker(name=hostile, slug="hostile-person")
    session = make_session(title=hostile, video_provider=hostile)
    session.session_speakers.create(speaker=person, position=0)
    session.workshop.workshop_organizers.create(speaker=person, position=0)
    room = Room.objects.create(workshop=session.workshop, name=hostile, slug="hostile-room", kind=RoomKind.PHYSICAL)
    poster = make_poster(workshop=session.workshop, title=hostile, spots=[hostile], room=room)
    poster.poster_authors.create(speaker=person, position=0)
    on_the_map = make_poster(workshop=session.workshop, title=hostile, spots=["A1"], room=room)
    slug = session.workshop.slug
    pages = [f"/{slug}/", f"/{slug}/posters/", f"/{slug}/speakers/hostile-person/", f"/{slug}/search/?q=x",
             f"/{slug}/agenda/?sessions={session.slug}&posters={poster.slug}", f"/{slug}/posters/{on_the_map.slug}/"]
    for url in pages:
        text = client.get(url).text
        assert '<b x="1">' not in text, url
    timetable = client.get(f"/{slug}/").text
    assert timetable.count(shown) >= 4  # title, star title, video provider, speaker name
    assert f'Organized by <a href="/{slug}/speakers/hostile-person/">{shown}</a></p>' in timetable
    search = client.get(f"/{slug}/search/?q=x").text
    assert f'<option value="hostile-person">{shown}</option>' in search and f">{shown}</option>" in search
    agenda = client.get(f"/{slug}/agenda/?sessions={session.slug}&posters={poster.slug}").text
    assert agenda.count(shown) >= 8  # and for the poster: title, star title, spot label, author, room
    room_map = client.get(f"/{slug}/posters/").text.split("<svg", 1)[1]
    assert f'aria-label="Spot A1: {shown}"' in room_map and f"<title>Spot A1: {shown}</title>" in room_map
    locator = client.get(f"/{slug}/posters/{on_the_map.slug}/").text.split("<svg", 1)[1]
    assert f'aria-label="Spot A1 marked on the grid of {shown}"' in locator


@pytest.mark.parametrize("workshop_slug", ["slug-mark", "slug-mark-2030", "w"])
def test_row_links_are_the_urls_django_reverses(client, make_workshop, make_session, make_poster, workshop_slug):
    from django.urls import reverse

    workshop = make_workshop(slug=workshop_slug)
    session = make_session(workshop=workshop, slug="slug-mark", speakers=1)
    poster = make_poster(workshop=workshop, authors=1)
    text = client.get(f"/{workshop.slug}/agenda/?sessions={session.slug}&posters={poster.slug}").text
    person = session.session_speakers.get().speaker
    for url in [reverse("schedule:session-detail", args=[workshop.slug, session.slug]),
                reverse("posters:poster-detail", args=[workshop.slug, poster.slug]),
                reverse("speaker-detail", args=[workshop.slug, person.slug])]:
        assert f'href="{url}"' in text, url


def test_a_long_abstract_is_cut_to_300_characters_for_link_previews(client, make_session):
    abstract = "Overparameterized networks generalize. " * 40
    session = make_session(abstract=abstract)

    text = client.get(f"/{session.workshop.slug}/sessions/{session.slug}/").text

    previews = re.findall(r'<meta (?:property="og:description"|name="description") content="([^"]*)">', text)
    assert len(previews) == 2
    for preview in previews:
        assert len(preview) <= 300 and preview.endswith("…")
        assert abstract.startswith(preview[:-1])


def test_a_short_abstract_is_previewed_whole(client, make_session):
    session = make_session(abstract="Double descent, briefly.")

    text = client.get(f"/{session.workshop.slug}/sessions/{session.slug}/").text

    assert '<meta name="description" content="Double descent, briefly.">' in text


def test_an_abstract_keeps_its_paragraphs_and_line_breaks_with_its_markup_escaped(client, make_session):
    session = make_session(abstract="First <b>line</b>\nsecond \\textbf{bold} line\n\nA new paragraph & more")
    text = client.get(f"/{session.workshop.slug}/sessions/{session.slug}/").text
    assert "<p>First &lt;b&gt;line&lt;/b&gt;<br>second <strong>bold</strong> line</p>" in text
    assert "<p>A new paragraph &amp; more</p>" in text
