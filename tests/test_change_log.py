"""The public change log (/<workshop>/changes/ and its Atom feed) and the "changed lately" marks on the timetable
and detail pages. The rules of what is listed are in workshop/changes/log.py's docstring."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from posters.models import Poster, PosterSpot
from schedule.models import Room, Session, SessionSpeaker, Speaker
from workshop.changes.log import PUBLICATION_WINDOW

from .admin_forms import management, poster_form, session_form

ATOM = "{http://www.w3.org/2005/Atom}"
MARKS = "//a[@class='change-mark']"
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def typed(field, value, workshop):
    local = value.astimezone(workshop.tzinfo)
    return {f"{field}_0": local.strftime("%Y-%m-%d"), f"{field}_1": local.strftime("%H:%M:%S")}


def listed(client, workshop="oppo2021"):
    """The change log's entries as a reader sees them, one line of text each, whitespace run together, without
    the time of day each begins with."""
    page = lxml.html.fromstring(client.get(f"/{workshop}/changes/").content)
    return [" ".join(item.text_content().split()).split(" ", 1)[1] for item in page.xpath("//ol[@class='change-log']/li")]


def feed_entries(client, workshop="oppo2021"):
    return etree.fromstring(client.get(f"/{workshop}/changes.atom").content).findall(f"{ATOM}entry")


@pytest.fixture
def published(seed):
    """The seed as `load_workshop` leaves it: each session, poster and spot with a history row that later saves
    are compared with (loaddata, which loads the seed for the tests, records none), a week old."""
    a_week_ago = timezone.now() - timedelta(days=7)
    for model, rows in [(Session, Session.objects.filter(workshop=seed)), (Poster, Poster.objects.filter(workshop=seed)),
                        (PosterSpot, PosterSpot.objects.filter(poster__workshop=seed))]:
        model.history.bulk_history_create(list(rows), update=True, default_date=a_week_ago)
    return seed


@pytest.fixture
def closing(published):
    return Session.objects.get(workshop=published, slug="closing-remarks")  # 18:15–18:20 in Los Angeles


def move_in_admin(admin_client, session, hours=1, **changes):
    data = session_form(session, **changes) | typed("starts_at", session.starts_at + timedelta(hours=hours), session.workshop)
    data |= typed("ends_at", session.ends_at + timedelta(hours=hours), session.workshop)
    response = admin_client.post(admin_url(Session, "change", session.pk), data)
    assert response.status_code == 302, response.text
    return response


# The first publication and reloads ------------------------------------------------------------------------


def test_the_seed_as_published_lists_no_change_and_a_reload_of_the_same_fixture_adds_none(client, seed):
    assert listed(client) == []
    assert "Nothing has changed since the programme was published." in client.get("/oppo2021/changes/").text
    call_command("load_workshop", "fixtures/oppo2021.json", verbosity=0)
    assert listed(client) == []
    assert feed_entries(client) == []


def test_a_programme_loaded_into_an_empty_site_is_published_not_added_and_a_later_addition_is_listed(
    client, empty_db, make_session
):
    call_command("load_workshop", "fixtures/oppo2021.json", verbosity=0)
    call_command("load_workshop", "fixtures/oppo2021.json", verbosity=0)  # unchanged: nothing to say
    assert listed(client) == []
    workshop = Session.objects.filter(workshop__slug="oppo2021").first().workshop
    late = make_session(workshop=workshop, title="A late addition", slug="late",
                        starts_at=datetime(2021, 7, 24, 17, 30, tzinfo=workshop.tzinfo),
                        ends_at=datetime(2021, 7, 24, 17, 50, tzinfo=workshop.tzinfo))
    published_at = workshop.history.earliest("history_date").history_date
    late.history.update(history_date=published_at + PUBLICATION_WINDOW + timedelta(minutes=1))
    assert listed(client) == ["Added: A late addition at 17:30–17:50"]


# What is listed, in plain words --------------------------------------------------------------------------


def test_a_session_and_a_poster_moved_in_the_admin_are_exactly_the_two_changes_with_old_and_new_places(
    admin_client, client, closing
):
    move_in_admin(admin_client, closing, hours=1)
    poster = Poster.objects.get(workshop=closing.workshop, slug="benign-overfitting-in-adversarially-robust-linear-classification")
    spot = poster.spots.get()
    old_room, new_room = poster.room.name, Room.objects.get(workshop=closing.workshop, slug="gather-town-room-2")
    assert (spot.label, old_room) == ("B3", "Gather.town room 1")
    data = poster_form(poster, room=new_room.pk) | management("spots", total=1, initial=1) | {
        "spots-0-id": spot.pk, "spots-0-poster": poster.pk, "spots-0-label": "F9",
    } | management("poster_authors")
    assert admin_client.post(admin_url(Poster, "change", poster.pk), data).status_code == 302

    assert listed(client) == [
        f"Poster moved: {poster.title} from B3 (Gather.town room 1) to F9 (Gather.town room 2)",
        "Moved: Closing Remarks from 18:15–18:20 to 19:15–19:20",  # in Los Angeles, the workshop's zone
    ]


def test_a_retitle_a_speaker_added_and_a_session_removed_are_each_described(admin_client, client, closing):
    data = session_form(closing, title="Farewell") | management("session_speakers", total=1) | {
        "session_speakers-0-position": 5, "session_speakers-0-speaker": Speaker.objects.get(slug="peter-bartlett").pk,
    }
    assert admin_client.post(admin_url(Session, "change", closing.pk), data).status_code == 302
    opening = Session.objects.get(workshop=closing.workshop, slug="opening-remarks")
    assert admin_client.post(admin_url(Session, "delete", opening.pk), {"post": "yes"}).status_code == 302

    assert sorted(listed(client)) == sorted([
        "Retitled: Closing Remarks → Farewell",
        "Speaker added: Peter Bartlett, to Farewell",
        f"Removed: {opening.title} (was at {timezone.localtime(opening.starts_at, opening.workshop.tzinfo):%H:%M}–"
        f"{timezone.localtime(opening.ends_at, opening.workshop.tzinfo):%H:%M})",
    ])


def test_an_edit_marked_minor_in_the_admin_is_not_listed_nor_marked(admin_client, client, closing):
    form = admin_client.get(admin_url(Session, "change", closing.pk)).text
    assert "Minor edit (keep off the public change log)" in form
    data = session_form(closing, title="Closing remarks", minor_edit="on") | management("session_speakers", total=1) | {
        "session_speakers-0-position": 5, "session_speakers-0-speaker": Speaker.objects.get(slug="peter-bartlett").pk,
    }
    assert admin_client.post(admin_url(Session, "change", closing.pk), data).status_code == 302
    assert Session.objects.get(pk=closing.pk).title == "Closing remarks"
    assert listed(client) == []
    assert "change-mark" not in client.get("/oppo2021/").text


def test_a_minor_edit_of_a_posters_spot_is_not_listed(admin_client, client, published):
    poster = Poster.objects.get(workshop=published, slug="benign-overfitting-in-adversarially-robust-linear-classification")
    spot = poster.spots.get()
    data = poster_form(poster, minor_edit="on") | management("spots", total=1, initial=1) | {
        "spots-0-id": spot.pk, "spots-0-poster": poster.pk, "spots-0-label": "F9",
    } | management("poster_authors")
    assert admin_client.post(admin_url(Poster, "change", poster.pk), data).status_code == 302
    assert poster.spots.get().label == "F9"
    assert listed(client) == []


def test_saving_without_changing_what_attendees_see_lists_nothing(client, closing):
    closing.save()  # a new revision, a history row, no difference an attendee could see
    assert closing.history.count() == 2
    assert listed(client) == []


# The feed ------------------------------------------------------------------------------------------------


def test_the_feed_has_an_entry_per_change_with_an_id_a_time_and_a_link_to_the_page(client, closing):
    closing.starts_at += timedelta(hours=1)
    closing.ends_at += timedelta(hours=1)
    closing.save()
    opening = Session.objects.get(workshop=closing.workshop, slug="opening-remarks")
    opening.title = "Welcome"
    opening.save()
    page = client.get("/oppo2021/changes/").text
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert '<link rel="alternate" type="application/atom+xml"' in client.get("/oppo2021/").text

    entries = feed_entries(client)
    assert len(entries) == len(listed(client)) == 2
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert all(ids) and len(set(ids)) == 2
    assert all(entry.findtext(f"{ATOM}updated") for entry in entries)
    links = {entry.findtext(f"{ATOM}title"): entry.find(f"{ATOM}link").get("href") for entry in entries}
    assert links == {
        "Retitled: Welcome": "http://testserver/oppo2021/sessions/opening-remarks/",
        "Moved: Closing Remarks": "http://testserver/oppo2021/sessions/closing-remarks/",
    }
    moved = next(entry for entry in entries if entry.findtext(f"{ATOM}title").startswith("Moved"))
    summary = lxml.html.fromstring(moved.findtext(f"{ATOM}summary")).text_content()
    assert "from 18:15–18:20 to 19:15–19:20" in " ".join(summary.split())  # Los Angeles time, as on the page


def test_a_hostile_title_is_text_in_the_page_and_in_the_feed(client, closing):
    closing.title = HOSTILE
    closing.save()
    page = client.get("/oppo2021/changes/").text
    assert "<script>" not in page and "&lt;script&gt;" in page
    (entry,) = feed_entries(client)
    assert entry.findtext(f"{ATOM}title") == f"Retitled: {HOSTILE}"  # escaped once, by the feed: read back exactly
    summary = lxml.html.fromstring(entry.findtext(f"{ATOM}summary"))
    assert not summary.xpath("//script | //b") and HOSTILE in summary.text_content()


def test_a_removed_session_links_to_the_change_log_rather_than_to_a_missing_page(client, closing):
    closing.delete()
    (entry,) = feed_entries(client)
    assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/oppo2021/changes/#")
    assert 'href="/oppo2021/sessions/closing-remarks/"' not in client.get("/oppo2021/changes/").text


# Marks on the programme pages ----------------------------------------------------------------------------


def test_the_timetable_and_the_session_page_mark_a_session_moved_within_a_day(client, closing):
    closing.starts_at -= timedelta(hours=1)
    closing.ends_at -= timedelta(hours=1)
    closing.save()
    for url in ["/oppo2021/", "/oppo2021/sessions/closing-remarks/"]:
        marks = lxml.html.fromstring(client.get(url).content).xpath(MARKS)
        assert len(marks) == 1, url
        assert marks[0].text_content().startswith("Moved ")
        assert marks[0].get("href").startswith("/oppo2021/changes/#session-")
    assert not lxml.html.fromstring(client.get("/oppo2021/sessions/opening-remarks/").content).xpath(MARKS)


def test_a_mark_reads_the_workshops_clock_whatever_zone_the_reader_chose(client, closing):
    closing.starts_at -= timedelta(hours=1)
    closing.ends_at -= timedelta(hours=1)
    closing.save()
    moved_at = closing.history.latest().history_date.astimezone(ZoneInfo("America/Los_Angeles"))
    page = lxml.html.fromstring(client.get("/oppo2021/", {"tz": "Asia/Tokyo"}).content)
    (mark,) = page.xpath(MARKS)
    assert mark.text_content().endswith(f"{moved_at:%a %H:%M} PDT") or mark.text_content().endswith(
        f"{moved_at:%a %H:%M} PST"
    )


def test_a_session_moved_two_days_ago_is_listed_but_no_longer_marked(client, closing):
    closing.starts_at -= timedelta(hours=1)
    closing.ends_at -= timedelta(hours=1)
    closing.save()
    closing.history.filter(history_date__gt=timezone.now() - timedelta(days=1)).update(
        history_date=timezone.now() - timedelta(days=2)
    )
    assert "change-mark" not in client.get("/oppo2021/").text
    assert "change-mark" not in client.get("/oppo2021/sessions/closing-remarks/").text
    assert len(listed(client)) == 1


def test_the_poster_page_marks_a_poster_moved_within_a_day(client, published):
    spot = PosterSpot.objects.get(poster__slug="benign-overfitting-in-adversarially-robust-linear-classification")
    spot.label = "F9"
    spot.save()
    page = lxml.html.fromstring(client.get(f"/oppo2021/posters/{spot.poster.slug}/").content)
    (mark,) = page.xpath(MARKS)
    assert mark.text_content().startswith("Poster moved ")


def test_a_speaker_added_with_a_new_session_is_part_of_its_addition(client, seed, make_speaker):
    workshop = seed
    added = Session.objects.create(workshop=workshop, title="Extra talk", slug="extra-talk", kind="invited_talk",
                                   starts_at=datetime(2021, 7, 24, 17, 30, tzinfo=workshop.tzinfo),
                                   ends_at=datetime(2021, 7, 24, 17, 50, tzinfo=workshop.tzinfo))
    SessionSpeaker.objects.create(session=added, speaker=make_speaker(name="Ada Lovelace"), position=0)
    assert listed(client) == ["Added: Extra talk at 17:30–17:50"]
