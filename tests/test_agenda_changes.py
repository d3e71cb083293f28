"""A personal agenda tells what changed in its starred items since the reader last looked (?since=, unix seconds,
sent by agenda.js), or in the last day without it; items removed from the programme stay, struck through; its
calendar keeps each event's UID, with a higher SEQUENCE after a change and STATUS:CANCELLED once it is removed."""

from datetime import timedelta
from urllib.parse import urlencode

import lxml.html
import pytest
from django.utils import timezone
from icalendar import Calendar

from schedule.models import Session
from workshop.agenda import compact_query

AGENDA = "/oppo2021/agenda/"
CALENDAR = "/oppo2021/agenda.ics"
ONE_HOUR = timedelta(hours=1)


@pytest.fixture
def published(seed):
    """The seed with a history row for each session to compare later saves with, a week old (loaddata, which
    loads the seed for the tests, records none), as in tests/test_change_log.py."""
    Session.history.bulk_history_create(list(Session.objects.filter(workshop=seed)), update=True,
                                        default_date=timezone.now() - timedelta(days=7))
    return seed


@pytest.fixture
def starred(published):
    """Two starred sessions (moved: Opening Remarks, 09:00–09:05 in Los Angeles; kept: Closing Remarks) and the
    agenda link's query, as agenda.js makes it."""
    moved = Session.objects.get(workshop=published, slug="opening-remarks")
    kept = Session.objects.get(workshop=published, slug="closing-remarks")
    return moved, kept, compact_query([moved, kept], [])


def seconds(moment):
    return int(moment.timestamp())


def move(session, by=ONE_HOUR):
    session.starts_at, session.ends_at = session.starts_at + by, session.ends_at + by
    session.save()


def page(client, query, **params):
    response = client.get(f"{AGENDA}?{query}&{urlencode(params)}" if params else f"{AGENDA}?{query}")
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def text(element):
    return " ".join(element.text_content().split())


def news(tree):
    """The agenda's heading of changes and each change listed under it, as a reader reads them; None without."""
    heading = tree.xpath("//*[@data-agenda-changed]")
    return (text(heading[0]), [text(item) for item in tree.xpath("//ul[@class='agenda-news__list']/li")]) if heading else None


def row(tree, slug):
    return tree.xpath(f"//li[@id='{slug}']")[0]


def calendar_events(client, query):
    response = client.get(f"{CALENDAR}?{query}")
    assert response.status_code == 200
    return {str(event["SUMMARY"]): event for event in Calendar.from_ical(response.content).walk("VEVENT")}


def test_a_session_moved_after_since_is_listed_with_its_old_and_new_time_on_the_workshops_clock(client, starred):
    moved, kept, query = starred
    before = seconds(timezone.now()) - 60
    move(moved)
    tree = page(client, query, since=before)
    heading, listed = news(tree)
    assert heading == "1 of your starred talks changed since you last looked"
    assert listed == ["Moved: Opening Remarks from 09:00–09:05 to 10:00–10:05"]
    assert row(tree, "opening-remarks").xpath(".//a[@class='change-mark']")
    assert not row(tree, "closing-remarks").xpath(".//a[@class='change-mark']")


def test_changes_before_since_are_not_listed(client, starred):
    moved, kept, query = starred
    move(moved)
    tree = page(client, query, since=seconds(timezone.now()) + 1)
    assert news(tree) is None
    assert not tree.xpath("//a[@class='change-mark']")


def test_without_since_the_agenda_lists_the_changes_of_the_last_day(client, starred):
    moved, kept, query = starred
    move(moved)
    heading, listed = news(page(client, query))
    assert heading == "1 of your starred talks changed in the last day"
    Session.history.filter(id=moved.pk, history_type="~").update(history_date=timezone.now() - timedelta(days=2))
    assert news(page(client, query)) is None


def test_the_count_says_how_many_starred_talks_changed(client, starred):
    moved, kept, query = starred
    before = seconds(timezone.now()) - 60
    move(moved)
    kept.title = "Closing words"
    kept.save()
    heading, listed = news(page(client, query, since=before))
    assert heading == "2 of your starred talks changed since you last looked"
    assert "Retitled: Closing Remarks → Closing words" in listed


def test_a_removed_session_stays_listed_struck_through_with_when_it_was_removed(client, starred):
    moved, kept, query = starred
    before, key = seconds(timezone.now()) - 60, moved.pk
    moved.delete()
    tree = page(client, query, since=before)
    gone = tree.xpath(f"//li[@id='removed-session-{key}']")[0]
    assert text(gone.xpath(".//h3/del")[0]) == "Opening Remarks"
    at = Session.history.get(id=key, history_type="-").history_date.astimezone(kept.workshop.tzinfo)
    assert f"Removed from the programme on {at:%a %-d %b %H:%M %Z}" in text(gone)
    assert [text(title) for title in tree.xpath("//section[@aria-labelledby='agenda-sessions']//h3")] == [
        "Opening Remarks", "Closing Remarks"]
    assert "1 of your starred talks changed" in news(tree)[0]
    assert not tree.xpath("//*[@role='status'][contains(., 'left out')]")
    # Long ago, it is still there, without being news.
    later = page(client, query, since=seconds(timezone.now()) + 1)
    assert later.xpath(f"//li[@id='removed-session-{key}']//del") and news(later) is None


def test_a_key_of_another_workshop_removed_there_is_not_shown(client, starred, make_session):
    moved, kept, query = starred
    elsewhere = make_session(title="Someone else's talk")
    key = elsewhere.pk
    elsewhere.delete()  # recorded in the history of its own workshop
    tree = page(client, compact_query([moved, kept], [], {"sessions": [key]}), since=0)
    assert not tree.xpath(f"//li[@id='removed-session-{key}']")
    assert "Someone else" not in text(tree)
    assert "1 starred item no longer in the programme was left out." in text(tree)


def test_the_calendar_keeps_the_uid_of_a_moved_session_with_a_higher_sequence(client, starred):
    moved, kept, query = starred
    first = calendar_events(client, query)["Opening Remarks"]
    move(moved)
    second = calendar_events(client, query)["Opening Remarks"]
    assert second["UID"] == first["UID"]
    assert second.decoded("SEQUENCE") > first.decoded("SEQUENCE")
    assert second.decoded("DTSTART") == first.decoded("DTSTART") + ONE_HOUR
    # The workshop's calendar and the session's own say the same.
    for url in ["/oppo2021/schedule.ics", "/oppo2021/sessions/opening-remarks.ics"]:
        events = [event for event in Calendar.from_ical(client.get(url).content).walk("VEVENT") if event["UID"] == first["UID"]]
        assert events[0].decoded("SEQUENCE") == second.decoded("SEQUENCE")


def test_the_calendar_sends_a_removed_session_as_cancelled_under_its_uid(client, starred):
    moved, kept, query = starred
    first = calendar_events(client, query)
    moved.delete()
    events = calendar_events(client, query)
    gone = events["Opening Remarks"]
    assert gone["UID"] == first["Opening Remarks"]["UID"]
    assert gone["STATUS"] == "CANCELLED"
    assert gone.decoded("SEQUENCE") > first["Opening Remarks"].decoded("SEQUENCE")
    assert "STATUS" not in events["Closing Remarks"]


def test_the_page_links_the_calendar_with_the_removed_keys_too(client, starred):
    moved, kept, query = starred
    moved.delete()
    link = page(client, query).xpath("//a[contains(., 'Add my agenda to a calendar')]/@href")[0]
    assert link.endswith("?" + query)


@pytest.mark.parametrize("since", ["yesterday", "-5", "1e9", "99999999999999999999", " 12", "0x10", "１２３"])
def test_a_since_that_is_not_a_time_is_ignored(client, starred, since):
    moved, kept, query = starred
    move(moved)
    heading, listed = news(page(client, query, since=since))
    assert heading == "1 of your starred talks changed in the last day"


def test_a_since_far_in_the_future_lists_nothing(client, starred):
    moved, kept, query = starred
    move(moved)
    assert news(page(client, query, since="9999999999")) is None


def test_since_is_kept_by_the_zone_picker(client, starred):
    moved, kept, query = starred
    tree = page(client, query, since="1600000000")
    assert tree.xpath("//form[@class='zone-picker']//input[@name='since']/@value") == ["1600000000"]
