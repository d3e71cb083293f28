"""The printed programme (/<workshop>/programme/): every session with the workshop's clock and a second one,
every poster under its room in spot order, a QR code per item that opens its page, and nothing a title can
break out of."""

from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from lxml import html

from posters.maps import spot_sort_key
from posters.models import Poster
from schedule.models import Room, Session, SessionSpeaker
from workshop.printed import qr_svg

PROGRAMME = "/oppo2021/programme/"
LOS_ANGELES, BERLIN, TOKYO = ZoneInfo("America/Los_Angeles"), ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Tokyo")


def of_class(name):
    """An XPath predicate: the element's class attribute holds name."""
    return f"[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"


def text_in(node, name):
    """The text of the first element with class name inside node."""
    return node.xpath(f".//*{of_class(name)}")[0].text_content()


def row_of(page, row_id):
    rows = page.xpath(f"//tr[@id='{row_id}']")
    assert len(rows) == 1, f"{row_id} is printed {len(rows)} times"
    return rows[0]


def page_of(response):
    assert response.status_code == 200
    return html.fromstring(response.content)


def clock(instant, zone):
    return f"{instant.astimezone(zone):%H:%M}"


def time_cells(row):
    return [cell.text_content().strip() for cell in row.xpath(f".//td{of_class('printed-row__when')}")]


def session_row(page, session):
    return row_of(page, f"session-{session.slug}")


def test_every_session_of_the_seed_is_printed_with_the_workshops_clock_and_the_second_zone_chosen(client, seed):
    seed.print_second_timezone = "Europe/Berlin"
    seed.save()
    page = page_of(client.get(PROGRAMME))
    heads = page.xpath(f"//*{of_class('printed-sessions')}//thead//th")
    assert [th.text_content() for th in heads][:2] == ["PDT", "CEST"]
    sessions = list(Session.objects.filter(workshop=seed))
    assert len(sessions) == 17
    for session in sessions:
        row = session_row(page, session)
        assert text_in(row, "printed-row__title") == session.title
        assert time_cells(row) == [
            f"{clock(session.starts_at, LOS_ANGELES)}–{clock(session.ends_at, LOS_ANGELES)}",
            f"{clock(session.starts_at, BERLIN)}–{clock(session.ends_at, BERLIN)}"
            + (" Sun 25 Jul" if session.starts_at.astimezone(BERLIN).day == 25 else ""),  # past midnight there
        ]
    opening = session_row(page, Session.objects.get(workshop=seed, slug="opening-remarks"))
    assert time_cells(opening) == ["09:00–09:05", "18:00–18:05"]
    late = [s for s in sessions if s.starts_at.astimezone(LOS_ANGELES).hour >= 15]  # midnight and on in Berlin
    assert len(late) == 5 and all(time_cells(session_row(page, s))[1].endswith(" Sun 25 Jul") for s in late)


def test_without_a_second_zone_only_the_workshops_clock_is_printed(client, seed):
    page = page_of(client.get(PROGRAMME))
    assert seed.print_second_timezone == ""
    assert time_cells(session_row(page, Session.objects.get(workshop=seed, slug="opening-remarks"))) == ["09:00–09:05"]
    assert "Times in PDT (America/Los_Angeles)." in page.text_content()


def test_also_in_the_address_overrides_the_organizers_zone_and_names_the_other_day(client, seed):
    seed.print_second_timezone = "Europe/Berlin"
    seed.save()
    page = page_of(client.get(PROGRAMME, {"also": "Asia/Tokyo"}))
    opening = session_row(page, Session.objects.get(workshop=seed, slug="opening-remarks"))
    # 09:00 on Saturday in Los Angeles is 01:00 on Sunday in Tokyo: the row says which day.
    assert time_cells(opening) == ["09:00–09:05", "01:00–01:05 Sun 25 Jul"]
    assert "and JST (Asia/Tokyo)" in page.text_content()


def test_an_empty_also_prints_the_workshops_clock_alone(client, seed):
    seed.print_second_timezone = "Europe/Berlin"
    seed.save()
    page = page_of(client.get(PROGRAMME, {"also": ""}))
    assert time_cells(session_row(page, Session.objects.get(workshop=seed, slug="opening-remarks"))) == ["09:00–09:05"]


@pytest.mark.parametrize("asked", ["Mars/Olympus_Mons", "<script>alert(1)</script>", "x" * 500])
def test_an_unknown_zone_in_also_is_refused_with_400_and_said_back_escaped(client, seed, asked):
    response = client.get(PROGRAMME, {"also": asked})
    assert response.status_code == 400
    text = response.content.decode()
    assert "<script>alert" not in text
    assert "is not a timezone we know" in text
    assert asked[:64].replace("<", "&lt;").replace(">", "&gt;") in text
    assert 'class="printed-row"' not in text


def test_the_second_zone_of_a_workshop_must_be_a_zone(seed):
    seed.print_second_timezone = "Europe/Atlantis"
    with pytest.raises(ValidationError) as refused:
        seed.full_clean()
    assert "print_second_timezone" in refused.value.message_dict


def test_every_poster_is_printed_under_its_room_in_spot_order(client, seed):
    page = page_of(client.get(PROGRAMME))
    rooms = page.xpath(f"//*{of_class('printed-room')}")
    assert [room.xpath(".//h3")[0].text_content() for room in rooms] == ["Gather.town room 1", "Gather.town room 2"]
    printed = {}
    for section, room in zip(rooms, Room.objects.filter(workshop=seed).order_by("position"), strict=True):
        rows = section.xpath(f".//tr{of_class('printed-row')}")
        slugs = [row.get("id").removeprefix("poster-") for row in rows]
        assert set(slugs) == set(Poster.objects.filter(room=room).values_list("slug", flat=True))
        first_spots = [min(text_in(row, "printed-row__spot").split(", "), key=spot_sort_key) for row in rows]
        assert first_spots == sorted(first_spots, key=spot_sort_key), room.name
        assert len(section.xpath(f".//figure{of_class('room-map')}")) == 1, "each room comes with its map"
        printed.update((row.get("id"), text_in(row, "printed-row__title")) for row in rows)
    assert printed == {f"poster-{p.slug}": p.title for p in Poster.objects.filter(workshop=seed)}
    assert len(printed) == 45


def qr_sources(page):
    """The QR image of every printed row, by row id."""
    sources = {}
    for row in page.xpath(f"//tr{of_class('printed-row')}"):
        images = row.xpath(f".//*{of_class('printed-row__qr')}//img")
        assert len(images) == 1, row.get("id")
        sources[row.get("id")] = images[0].get("src")
    return sources


def test_each_session_and_poster_has_one_qr_code_which_holds_the_absolute_address_of_its_page(client, seed):
    sources = qr_sources(page_of(client.get(PROGRAMME)))
    sessions, posters = Session.objects.filter(workshop=seed), Poster.objects.filter(workshop=seed)
    items = [("session", s.slug, f"/oppo2021/sessions/{s.slug}/", s.title) for s in sessions]
    items += [("poster", p.slug, f"/oppo2021/posters/{p.slug}/", p.title) for p in posters]
    assert len(sources) == len(items) == 17 + 45
    codes = set()
    for kind, slug, path, title in items:
        assert sources[f"{kind}-{slug}"] == f"/oppo2021/qr/{kind}/{slug}.svg"
        response = client.get(sources[f"{kind}-{slug}"])
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        svg = response.content
        assert svg == qr_svg("http://testserver" + path), f"the code for {slug} holds another address"
        assert html.fromstring(svg).findtext(".//title") == "http://testserver" + path
        codes.add(svg)
        assert page_of(client.get(path)).xpath("//h1")[0].text_content() == title, "the address opens the item"
    assert len(codes) == len(items), "no two items share a code"


def test_the_qr_code_follows_the_host_the_programme_was_asked_from(client, seed, settings):
    settings.ALLOWED_HOSTS = ["programme.example.org"]
    response = client.get("/oppo2021/qr/session/opening-remarks.svg", headers={"host": "programme.example.org"})
    assert response.content == qr_svg("http://programme.example.org/oppo2021/sessions/opening-remarks/")


@pytest.mark.parametrize("path", [
    "/oppo2021/qr/session/no-such-session.svg",
    "/oppo2021/qr/poster/no-such-poster.svg",
    "/oppo2021/qr/speaker/peter-bartlett.svg",  # not a kind of item with a code
    "/oppo2021/qr/poster/opening-remarks.svg",  # a session's slug asked as a poster
    "/no-such-workshop/qr/session/opening-remarks.svg",
])
def test_the_qr_view_answers_404_for_an_item_it_does_not_have(client, seed, path):
    assert client.get(path).status_code == 404


def test_hostile_titles_and_names_are_printed_as_text(client, make_session, make_poster, make_speaker):
    session = make_session(title="<script>alert('session')</script>")
    speaker = make_speaker(name="<img src=x onerror=alert(1)>")
    SessionSpeaker.objects.create(session=session, speaker=speaker, position=0)
    poster = make_poster(workshop=session.workshop, title="</table><b>bold</b>", spots=["<A1>"])
    response = client.get(f"/{session.workshop.slug}/programme/")
    text = response.content.decode()
    assert response.status_code == 200
    for hostile in (session.title, speaker.name, poster.title, "<A1>"):
        assert hostile not in text
    page = html.fromstring(response.content)
    assert text_in(row_of(page, f"session-{session.slug}"), "printed-row__title") == session.title
    assert text_in(row_of(page, f"session-{session.slug}"), "printed-row__people") == speaker.name
    assert text_in(row_of(page, f"poster-{poster.slug}"), "printed-row__title") == poster.title
    assert not page.xpath("//script[not(@src)] | //b | //img[@onerror]")


def test_a_workshop_without_posters_prints_its_sessions_alone(client, make_session):
    session = make_session()
    page = page_of(client.get(f"/{session.workshop.slug}/programme/"))
    assert page.xpath(f"//tr[@id='session-{session.slug}']")
    assert not page.xpath(f"//*{of_class('printed-posters')}")


def test_a_poster_without_a_room_is_printed_last_as_not_yet_placed(client, make_poster, make_workshop):
    workshop = make_workshop()
    placed = make_poster(workshop=workshop, spots=["B2"])
    unplaced = make_poster(workshop=workshop, spots=["Z9"])
    unplaced.room = None
    unplaced.save()
    page = page_of(client.get(f"/{workshop.slug}/programme/"))
    headings = [h.text_content() for h in page.xpath(f"//*{of_class('printed-room')}//h3")]
    assert headings == [placed.room.name, "Not yet placed"]


def test_the_timetable_links_to_the_printable_programme(client, seed):
    page = page_of(client.get("/oppo2021/"))
    assert [a.get("href") for a in page.xpath("//a") if a.text_content() == "Printable programme"] == [PROGRAMME]


def test_the_seeds_one_day_is_printed_as_one_table_of_its_sessions_without_the_gaps(client, seed):
    page = page_of(client.get(PROGRAMME))
    days = page.xpath(f"//*{of_class('printed-sessions')}//*{of_class('printed-day')}")
    assert [day.text_content() for day in days] == ["Saturday 24 July 2021"]
    assert len(page.xpath(f"//*{of_class('printed-sessions')}//tbody/tr")) == 17
