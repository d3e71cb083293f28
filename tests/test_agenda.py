"""The agenda's link: short keys that fit a server's request line, old slug links, and links made to break it."""

import html
import re
from datetime import datetime, timedelta

import icalendar
import pytest
from django.utils.http import int_to_base36

from posters.models import Poster
from schedule.models import Session, SessionKind

REQUEST_LINE_LIMIT = 4094  # gunicorn's limit_request_line: a longer line is answered 414
CALENDAR_LINK = re.compile(r'href="(?P<path>/[^"?]*/agenda\.ics)\?(?P<query>[^"]*)"')


def request_line(url):
    return len(f"GET {url} HTTP/1.1".encode())


def calendar_link(response):
    """The query string of the page's "Add my agenda to a calendar" link, as a browser would send it."""
    return html.unescape(CALENDAR_LINK.search(response.text)["query"])


def events(response):
    assert response.status_code == 200
    return [str(event["summary"]) for event in icalendar.Calendar.from_ical(response.content).walk("VEVENT")]


def keys(*items):
    return ".".join(int_to_base36(item.pk) for item in items)


@pytest.fixture
def five_hundred_items(make_workshop):
    """A workshop of 250 sessions and 250 posters, all with times (so all go in a calendar) and long slugs."""
    workshop = make_workshop()
    start = datetime.combine(workshop.start_date, datetime.min.time(), tzinfo=workshop.tzinfo)
    long = "what-over-parameterized-networks-learn-and-forget"
    sessions = Session.objects.bulk_create(
        Session(
            workshop=workshop, title=f"Talk {n}", slug=f"{workshop.slug}-{long}-{n}", kind=SessionKind.INVITED_TALK,
            starts_at=start + timedelta(minutes=n), ends_at=start + timedelta(minutes=n + 1),
        )
        for n in range(250)
    )
    posters = Poster.objects.bulk_create(
        Poster(
            workshop=workshop, title=f"Poster {n}", slug=f"{long}-and-how-{n}",
            starts_at=start + timedelta(hours=9), ends_at=start + timedelta(hours=10),
        )
        for n in range(250)
    )
    return workshop, sessions, posters


def test_five_hundred_starred_items_fit_in_an_agenda_link_and_are_all_listed(client, five_hundred_items):
    workshop, sessions, posters = five_hundred_items
    by_slug = f"/{workshop.slug}/agenda/?sessions={','.join(s.slug for s in sessions)}&posters={','.join(p.slug for p in posters)}"
    assert request_line(by_slug) > 5 * REQUEST_LINE_LIMIT  # what the link used to be

    query = calendar_link(client.get(by_slug))
    agenda = f"/{workshop.slug}/agenda/?{query}"
    assert request_line(agenda) < REQUEST_LINE_LIMIT
    assert request_line(f"/{workshop.slug}/agenda.ics?{query}") < REQUEST_LINE_LIMIT

    page = client.get(agenda)
    assert page.status_code == 200
    assert page.context["sessions"] == sessions  # in timetable order
    assert set(page.context["posters"]) == set(posters)
    assert "Sessions (250)" in page.text and "Posters (250)" in page.text
    assert len(events(client.get(f"/{workshop.slug}/agenda.ics?{query}"))) == 500


def test_a_few_hundred_items_take_well_under_2000_bytes(client, five_hundred_items):
    workshop, sessions, posters = five_hundred_items
    query = f"s={keys(*sessions[:150])}&p={keys(*posters[:150])}"
    assert request_line(f"/{workshop.slug}/agenda/?{query}") < 1500
    assert len(client.get(f"/{workshop.slug}/agenda/?{query}").context["sessions"]) == 150


def test_star_slots_carry_the_key_the_link_lists(client, seed):
    session = Session.objects.get(workshop=seed, slug="opening-remarks")
    poster = Poster.objects.get(workshop=seed, slug="a-universal-law-of-robustness-via-isoperimetry")
    assert f'data-star-kind="sessions" data-star-slug="opening-remarks" data-star-id="{session.pk}"' in client.get("/oppo2021/").text
    posters = client.get("/oppo2021/posters/").text
    assert f'data-star-kind="posters" data-star-slug="{poster.slug}" data-star-id="{poster.pk}"' in posters


def test_detail_pages_star_by_the_same_key_as_the_lists(client, seed):
    session = Session.objects.get(workshop=seed, slug="opening-remarks")
    poster = Poster.objects.get(workshop=seed, slug="a-universal-law-of-robustness-via-isoperimetry")
    assert f'data-star-id="{session.pk}"' in client.get("/oppo2021/sessions/opening-remarks/").text
    assert f'data-star-id="{poster.pk}"' in client.get(f"/oppo2021/posters/{poster.slug}/").text


def test_the_whole_seed_starred_is_a_short_link(client, seed):
    sessions, posters = Session.objects.filter(workshop=seed), Poster.objects.filter(workshop=seed)
    url = f"/oppo2021/agenda/?s={keys(*sessions)}&p={keys(*posters)}"
    assert request_line(url) < 400  # by slug it was 4,062 bytes
    page = client.get(url)
    assert len(page.context["sessions"]) == 17 and len(page.context["posters"]) == 45


def test_an_old_slug_link_still_shows_its_items_and_offers_a_short_calendar_link(client, seed):
    session = Session.objects.get(workshop=seed, slug="opening-remarks")
    poster = Poster.objects.get(workshop=seed, slug="a-universal-law-of-robustness-via-isoperimetry")
    page = client.get("/oppo2021/agenda/", {"sessions": "opening-remarks", "posters": poster.slug})
    assert page.status_code == 200
    assert page.context["sessions"] == [session] and page.context["posters"] == [poster]
    assert calendar_link(page) == f"s={keys(session)}&p={keys(poster)}"
    assert events(client.get("/oppo2021/agenda.ics", {"sessions": "opening-remarks"})) == ["Opening Remarks"]


def test_keys_and_old_slugs_in_one_link_make_one_agenda(client, seed):
    opening = Session.objects.get(workshop=seed, slug="opening-remarks")
    closing = Session.objects.get(workshop=seed, slug="closing-remarks")
    page = client.get("/oppo2021/agenda/", {"s": keys(opening), "sessions": "closing-remarks,opening-remarks"})
    assert page.context["sessions"] == [opening, closing]
    assert "no longer in the programme" not in page.text
    ics = client.get("/oppo2021/agenda.ics", {"s": keys(opening), "sessions": "closing-remarks"})
    assert events(ics) == ["Opening Remarks", "Closing Remarks"]


def test_keys_in_any_order_or_repeated_list_each_item_once_in_timetable_order(client, seed):
    opening = Session.objects.get(workshop=seed, slug="opening-remarks")
    closing = Session.objects.get(workshop=seed, slug="closing-remarks")
    page = client.get("/oppo2021/agenda/", {"s": ".".join([keys(closing), keys(opening)] * 50_000)})
    assert page.status_code == 200
    assert page.context["sessions"] == [opening, closing]


def test_items_of_another_workshop_are_left_out_and_counted(client, seed, make_session, make_poster):
    elsewhere, other_poster = make_session(), make_poster()
    opening = Session.objects.get(workshop=seed, slug="opening-remarks")
    page = client.get("/oppo2021/agenda/", {"s": keys(opening, elsewhere), "p": keys(other_poster)})
    assert page.status_code == 200
    assert page.context["sessions"] == [opening] and page.context["posters"] == []
    assert "2 starred items no longer in the programme were left out." in page.text
    assert events(client.get("/oppo2021/agenda.ics", {"s": keys(opening, elsewhere)})) == ["Opening Remarks"]


def test_a_key_beyond_any_row_is_left_out(client, seed):
    page = client.get("/oppo2021/agenda/", {"s": "zzzzzzzzzzzz", "p": "0"})  # 36**12 - 1, the largest key read
    assert page.status_code == 200
    assert "2 starred items no longer in the programme were left out." in page.text


@pytest.mark.parametrize(
    "params",
    [
        {"s": "zzzzzzzzzzzzz"},  # 13 digits: more than a 64-bit key
        {"p": "1" + "0" * 40},
        {"s": "A"},  # keys are lower case
        {"s": "1,2"},
        {"s": "1..2"},
        {"p": ".1"},
        {"s": "-1"},
        {"s": "+1"},
        {"s": "1_0"},  # int() would read it
        {"s": " 1"},
        {"s": "1\n"},
        {"s": "١"},  # a digit, but not an ASCII one
        {"p": "<script>alert(1)</script>"},
        {"s": "1", "sessions": "bad slug"},
    ],
)
def test_a_damaged_agenda_link_is_a_400_that_says_so(client, seed, params):
    page = client.get("/oppo2021/agenda/", params)
    assert page.status_code == 400
    assert "This agenda link is damaged" in page.text
    assert "<script>alert(1)</script>" not in page.text
    ics = client.get("/oppo2021/agenda.ics", params)
    assert ics.status_code == 400 and "Starred items are listed as ?s=" in ics.text


@pytest.mark.parametrize(
    "params, count",
    [
        ({"s": ".".join(int_to_base36(n) for n in range(1, 100_001))}, 100_000),
        ({"s": ".".join(int_to_base36(n) for n in range(1, 301)), "p": ".".join(int_to_base36(n) for n in range(1, 202))}, 501),
        ({"s": ".".join(int_to_base36(n) for n in range(1, 301)), "posters": ",".join(f"p{n}" for n in range(201))}, 501),
    ],
)
def test_more_items_than_an_agenda_holds_is_a_400_that_gives_the_limit(client, seed, params, count):
    page = client.get("/oppo2021/agenda/", params)
    assert page.status_code == 400
    assert f"This agenda link lists {count} items, and an agenda holds at most 500." in page.text
    ics = client.get("/oppo2021/agenda.ics", params)
    assert ics.status_code == 400 and f"{count} items starred; an agenda holds at most 500" in ics.text


def test_exactly_as_many_items_as_an_agenda_holds_is_an_agenda(client, seed):
    opening = Session.objects.get(workshop=seed, slug="opening-remarks")
    others = [n for n in range(1, 501) if n != opening.pk][:499]
    page = client.get("/oppo2021/agenda/", {"p": ".".join(int_to_base36(n) for n in others), "s": keys(opening)})
    assert page.status_code == 200
    assert page.context["sessions"] == [opening]


def test_choosing_a_zone_on_the_agenda_keeps_the_starred_items(client, seed):
    session = Session.objects.get(workshop=seed, slug="opening-remarks")
    page = client.get(f"/oppo2021/agenda/?s={int_to_base36(session.pk)}").text
    picker = page.split('class="zone-picker"', 1)[1].split("</form>", 1)[0]
    assert f'<input type="hidden" name="s" value="{int_to_base36(session.pk)}">' in picker
