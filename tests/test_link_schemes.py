"""Every link the site prints to another site is http or https: rows loaded with plain loaddata skip validation,
so a javascript: or data: URL can be in the database, and no page or export may turn it into a link."""

import json
from html.parser import HTMLParser
from io import StringIO
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from schedule.models import Room, RoomKind, Session, SessionSpeaker, Speaker, Workshop

HOSTILE = [
    "javascript:alert('evil')",
    " JavaScript:alert('evil')",
    "java\tscript:alert('evil')",
    "JAVASCRIPT:alert('evil')",
    "data:text/html,<script>alert('evil')</script>",
    "vbscript:msgbox('evil')",
    "//evil.example/x",
    "ftp://evil.example/x",
    "https:evil.example",
]
GOOD = "https://good.example/there"
REFUSAL = "Enter a valid URL. A link must start with http:// or https://."
URL_FIELDS = [(Workshop, "website"), (Room, "url"), (Session, "video_url"), (Speaker, "homepage")]


@pytest.fixture
def linked(make_workshop, make_session, make_poster, make_speaker):
    """A workshop whose every link is url: its website, a room, a session's video, a speaker's homepage; saved
    through the ORM without validation, as loaddata saves them."""

    def make(url):
        workshop = make_workshop(website=url, description="Where over-parameterized models go wrong, and right.")
        room = Room.objects.create(workshop=workshop, name="Gather hall", slug="gather-hall",
                                   kind=RoomKind.VIRTUAL_WORLD, url=url)
        speaker = make_speaker(name="Ada Linked", slug="ada-linked", homepage=url)
        session = make_session(workshop=workshop, slug="linked-talk", room=room, video_url=url)
        SessionSpeaker.objects.create(session=session, speaker=speaker, position=0)
        poster = make_poster(workshop=workshop, slug="linked-poster", room=room)
        return workshop, session, speaker, poster

    return make


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        self.links += [value or "" for name, value in attrs if name in ("href", "src", "action")]


def page_links(client, path):
    response = client.get(path)
    assert response.status_code == 200
    collector = LinkCollector()
    collector.feed(response.content.decode())
    return collector.links, response.content.decode()


PAGES = {
    "timetable": lambda w, s, p, poster: reverse("schedule:timetable", args=[w.slug]),
    "session": lambda w, s, p, poster: reverse("schedule:session-detail", args=[w.slug, s.slug]),
    "speaker": lambda w, s, p, poster: reverse("speaker-detail", args=[w.slug, p.slug]),
    "poster": lambda w, s, p, poster: reverse("posters:poster-detail", args=[w.slug, poster.slug]),
    "poster list": lambda w, s, p, poster: reverse("posters:poster-list", args=[w.slug]),
    "workshop list": lambda w, s, p, poster: reverse("workshop-list"),
}
# Where each page shows the link, when it is one: the workshop list shows none today, and must stay so.
GOOD_LINKS_ON = {"timetable", "session", "speaker", "poster", "poster list"}
EXPORTS = {
    "schedule.xml": lambda w, s: reverse("schedule-xml", args=[w.slug]),
    "schedule.json": lambda w, s: reverse("schedule-json", args=[w.slug]),
    "schedule.ics": lambda w, s: reverse("schedule-ics", args=[w.slug]),
    "session .ics": lambda w, s: reverse("session-ics", args=[w.slug, s.slug]),
}


@pytest.mark.parametrize("url", HOSTILE)
@pytest.mark.parametrize("page", PAGES)
def test_a_page_links_to_no_url_but_http_and_https(client, linked, page, url):
    links, _ = page_links(client, PAGES[page](*linked(url)))
    assert [link for link in links if "evil" in link] == []


@pytest.mark.parametrize("page", sorted(GOOD_LINKS_ON))
def test_a_page_still_links_to_an_https_url(client, linked, page):
    links, _ = page_links(client, PAGES[page](*linked(GOOD)))
    assert GOOD in links


def test_a_room_whose_link_is_left_out_is_still_named(client, linked):
    workshop, session, _speaker, _poster = linked("javascript:alert('evil')")
    _, text = page_links(client, reverse("schedule:session-detail", args=[workshop.slug, session.slug]))
    assert "Gather hall" in text and "Watch the video" not in text


@pytest.mark.parametrize("url", HOSTILE)
@pytest.mark.parametrize("export", EXPORTS)
def test_an_export_carries_no_url_but_http_and_https(client, linked, export, url):
    workshop, session, _speaker, _poster = linked(url)
    response = client.get(EXPORTS[export](workshop, session))
    assert response.status_code == 200
    assert "evil" not in response.content.decode()


@pytest.mark.parametrize("export", EXPORTS)
def test_an_export_still_carries_an_https_url(client, linked, export):
    workshop, session, _speaker, _poster = linked(GOOD)
    response = client.get(EXPORTS[export](workshop, session))
    assert GOOD in response.content.decode().replace("\r\n ", "")  # iCalendar folds long lines


def test_frab_xml_gives_an_https_video_as_its_link_and_the_room_url_as_the_rooms(client, linked):
    workshop, session, _speaker, _poster = linked(GOOD)
    schedule = ElementTree.fromstring(client.get(reverse("schedule-xml", args=[workshop.slug])).content)
    assert [link.get("href") for link in schedule.iter("link")] == [GOOD]
    document = client.get(reverse("schedule-json", args=[workshop.slug])).json()
    assert [room.get("url") for room in document["schedule"]["conference"]["rooms"]] == [GOOD]


@pytest.mark.parametrize("url", HOSTILE)
@pytest.mark.parametrize(("model", "name"), URL_FIELDS)
def test_a_link_field_refuses_every_scheme_but_http_and_https(model, name, url):
    with pytest.raises(ValidationError) as refused:
        model._meta.get_field(name).clean(url, None)
    assert refused.value.messages == [REFUSAL]


@pytest.mark.parametrize(("model", "name"), URL_FIELDS)
def test_a_link_field_accepts_http_and_https(model, name):
    field = model._meta.get_field(name)
    assert field.clean(GOOD, None) == GOOD
    assert field.clean("http://good.example/", None) == "http://good.example/"


def test_the_loader_refuses_a_javascript_homepage_with_a_clear_message(seed, tmp_path):
    path = tmp_path / "programme.json"
    path.write_text(json.dumps([
        {"model": "schedule.speaker", "fields": {"slug": "peter-bartlett", "homepage": "javascript:alert(1)"}},
    ]))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_workshop", str(path), stdout=StringIO(), stderr=err)
    assert f"homepage: {REFUSAL}" in err.getvalue()
    assert Speaker.objects.get(slug="peter-bartlett").homepage != "javascript:alert(1)"

