"""Both clocks on every time (issue 16): the workshop's always, the reader's beside it where it reads otherwise,
server-rendered when the reader's zone is known (?tz=, the tz cookie), a slot for the browser to fill when not;
and the session on now with the minutes it has left."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.http import int_to_base36

from schedule.models import Session
from tests.test_production import page_cache  # noqa: F401  (the page cache on, as in production)

OPENING = "opening-remarks"  # 09:00–09:05 PDT, Saturday 24 July 2021: 18:00 in Berlin, 01:00 on Sunday in Tokyo


def pages(seed):
    """Every kind of page that lists or shows the opening's time: (path, query)."""
    opening = Session.objects.get(workshop=seed, slug=OPENING)
    return {
        "timetable": ("/oppo2021/", {}),
        "session page": (f"/oppo2021/sessions/{OPENING}/", {}),
        "search results": ("/oppo2021/search/", {"q": "Opening"}),
        "agenda": ("/oppo2021/agenda/", {"s": int_to_base36(opening.pk)}),
    }


def opening_line(text):
    """The HTML of the opening's time: its row's time column, or the session page's time line."""
    row = re.search(rf'id="{OPENING}">\s*<p class="entry__when">(.*?)</p>', text, re.S)
    line = row or re.search(r'<p class="detail__when">(.*?)</p>', text, re.S)
    assert line, "the opening's time is not on the page"
    return line.group(1)


def visible(html):
    """Text as a reader sees it without JavaScript: the browser's empty slot (hidden) left out."""
    return " ".join(strip_tags(re.sub(r"<span [^>]*\bhidden>.*?</span></span>", "", html, flags=re.S)).split())


def opening_time(text):
    """The opening's time as the reader reads it (without JavaScript)."""
    return visible(opening_line(text))


@pytest.mark.parametrize("page", ["timetable", "session page", "search results", "agenda"])
@pytest.mark.parametrize("chosen_by", ["tz parameter", "tz cookie"])
def test_the_readers_clock_stands_beside_the_workshops_on_every_page(client, seed, page, chosen_by):
    path, query = pages(seed)[page]
    for zone, readers_time in [("Europe/Berlin", "· 18:00–18:05 in Berlin"), ("Asia/Tokyo", "· 01:00–01:05 Sun 25 Jul in Tokyo")]:
        if chosen_by == "tz cookie":
            client.cookies["tz"] = zone
            response = client.get(path, query)
        else:
            response = client.get(path, query | {"tz": zone})
        shown = opening_time(response.text)
        assert "09:00–09:05 PDT" in shown, (zone, shown)
        assert shown.endswith(readers_time), (zone, shown)
        assert 'datetime="2021-07-24T09:00:00-07:00"' in response.text


@pytest.mark.parametrize("page", ["timetable", "session page", "search results", "agenda"])
def test_without_a_chosen_zone_only_the_workshops_clock_is_rendered_with_a_slot_for_the_browser(client, seed, page):
    path, query = pages(seed)[page]
    text = client.get(path, query).text
    assert opening_time(text) in {"09:00–09:05 PDT", "09:00–09:05 PDT Sat 24 Jul", "Saturday 24 July 2021, 09:00–09:05 PDT"}
    when = opening_line(text)
    assert '<time datetime="2021-07-24T09:00:00-07:00">' in when  # what the browser converts
    assert '<span class="clock clock--reader" data-reader-clock hidden>' in when  # where it writes, empty till then


def test_in_the_workshops_own_zone_no_second_clock_appears(client, seed):
    client.get("/oppo2021/", {"tz": "Europe/Berlin"})
    text = client.get("/oppo2021/", {"tz": "America/Los_Angeles"}).text
    assert opening_time(text) == "09:00–09:05 PDT"
    assert "data-reader-clock" in text  # only the browser's slot: a reader's browser may be elsewhere
    assert not re.search(r'class="clock__text">[^<]', text)  # no server-rendered second clock on any row


def test_a_zone_that_reads_the_same_as_the_workshops_adds_no_second_clock(client, seed):
    text = client.get("/oppo2021/", {"tz": "America/Vancouver"}).text
    assert opening_time(text) == "09:00–09:05 PDT"
    assert "in Vancouver" not in text


def test_the_speaker_page_shows_both_clocks_and_the_readers_day(client, seed):
    text = client.get("/oppo2021/speakers/peter-bartlett/", {"tz": "Asia/Tokyo"}).text
    row = re.search(r'id="adversarial-examples-in-random-deep-networks">\s*<p class="entry__when">(.*?)</p>', text, re.S)
    assert visible(row.group(1)) == "09:05–09:50 PDT Sat 24 Jul · 01:05–01:50 Sun 25 Jul in Tokyo"


def test_a_posters_own_time_and_its_spotlights_show_both_clocks(client, seed, make_workshop, make_poster, make_session):
    workshop = make_workshop(timezone="America/New_York")
    spotlight = make_session(workshop=workshop)  # 09:00 EDT, Monday 6 May 2030
    starts = spotlight.starts_at + timedelta(hours=3)
    poster = make_poster(workshop=workshop, spotlight=spotlight, starts_at=starts, ends_at=starts + timedelta(hours=1))
    text = client.get(f"/{workshop.slug}/posters/{poster.slug}/", {"tz": "Asia/Kolkata"}).text
    assert "Monday 6 May 2030, 12:00–13:00 EDT · 21:30–22:30 in Kolkata" in visible(text)
    assert "Monday 6 May 2030, 09:00 EDT · 18:30 in Kolkata" in visible(text)


def test_the_pager_and_related_sessions_show_both_clocks(client, seed):
    text = visible(client.get("/oppo2021/sessions/adversarial-examples-in-random-deep-networks/", {"tz": "Europe/Berlin"}).text)
    assert "← 09:00 PDT · 18:00 in Berlin Opening Remarks" in text
    assert "Live Q&amp;A with Peter Bartlett, 09:50 PDT · 18:50 in Berlin" in text


def test_the_zone_picker_names_the_workshops_zone_first_and_the_readers_beside_it(client, seed):
    text = client.get("/oppo2021/", {"tz": "Asia/Tokyo"}).text
    current = visible(re.search(r'class="zone-picker__current">(.*?)</p>', text, re.S).group(1))
    assert current == "Times in PDT (America/Los_Angeles), the workshop's zone, and beside them in JST (Asia/Tokyo), your choice."


@pytest.mark.parametrize("path", [f"/oppo2021/sessions/{OPENING}/", "/oppo2021/speakers/peter-bartlett/"])
def test_session_and_speaker_pages_send_the_reader_to_the_timetables_list_of_zones_and_keep_the_choice(client, seed, path):
    page = client.get(path).text
    assert 'name="tz"' not in page  # some 400 zones, 16 kB, on every such page of a phone's offline copy
    assert '<a href="/oppo2021/#zone-select">Show times in another zone</a>' in page
    assert '<select id="zone-select" name="tz">' in client.get("/oppo2021/").text
    client.get("/oppo2021/", {"tz": "Europe/Berlin"})  # chosen on the timetable: remembered in the cookie
    current = visible(re.search(r'class="zone-picker__current">(.*?)</p>', client.get(path).text, re.S).group(1))
    assert current.endswith("and beside them in CEST (Europe/Berlin), your choice.")


def test_kept_timetable_rows_show_each_reader_their_own_second_clock(client, seed, page_cache, settings):
    settings.PROGRAMME_CACHE_SECONDS = 0  # each page rendered anew: only its rows are kept
    settings.PROGRAMME_FRAGMENT_SECONDS = 600
    assert opening_time(client.get("/oppo2021/", {"tz": "Europe/Berlin"}).text).endswith("in Berlin")
    client.cookies.clear()
    assert opening_time(client.get("/oppo2021/").text) == "09:00–09:05 PDT"
    assert opening_time(client.get("/oppo2021/", {"tz": "Asia/Tokyo"}).text).endswith("Sun 25 Jul in Tokyo")


@pytest.fixture
def live_session(make_workshop, make_session, monkeypatch):
    """A session of a workshop of our own that started ten minutes ago and has 12 minutes left, at a fixed now."""
    now = timezone.now().replace(second=30, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: now)
    workshop = make_workshop(timezone="UTC", start_date=now.date() - timedelta(days=1), end_date=now.date() + timedelta(days=1))
    minute = now.replace(second=0)
    return make_session(workshop=workshop, starts_at=minute - timedelta(minutes=10), ends_at=minute + timedelta(minutes=12))


def live_badge(response, session):
    row = re.search(rf'id="{session.slug}">(.*?)</li>', response.text, re.S).group(1)
    badge = re.search(r'<strong class="badge badge--now">(.*?)</strong>', row, re.S)
    return badge and strip_tags(badge.group(1))


def test_the_session_on_now_says_so_with_the_minutes_it_has_left(client, live_session):
    response = client.get(f"/{live_session.workshop.slug}/")
    assert live_badge(response, live_session) == "Now · 12 min left"
    # The browser counts on from the end it is given.
    assert f'data-minutes-left data-ends="{live_session.ends_at.isoformat()}"' in response.text
    # In another zone the session is on now all the same.
    assert live_badge(client.get(f"/{live_session.workshop.slug}/", {"tz": "Asia/Tokyo"}), live_session) == "Now · 12 min left"


def test_kept_rows_count_the_minutes_left_on_with_the_clock(client, live_session, page_cache, settings, monkeypatch):
    settings.PROGRAMME_CACHE_SECONDS = 0
    settings.PROGRAMME_FRAGMENT_SECONDS = 600
    now = timezone.now()
    assert live_badge(client.get(f"/{live_session.workshop.slug}/"), live_session) == "Now · 12 min left"
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(seconds=20))  # the same minute: the same rows
    assert live_badge(client.get(f"/{live_session.workshop.slug}/"), live_session) == "Now · 12 min left"
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(minutes=5))
    assert live_badge(client.get(f"/{live_session.workshop.slug}/"), live_session) == "Now · 7 min left"
