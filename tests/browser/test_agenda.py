"""The personal agenda in a real browser: stars kept in localStorage, the agenda page, and its calendar file.

Playwright is imported inside the tests, not at the top, so that a machine without it still collects this module and
conftest can skip (or, with CI=true, fail) with its own message.
"""

import json
from urllib.parse import urljoin, urlsplit

from django.utils.http import int_to_base36
from icalendar import Calendar

from posters.models import Poster
from schedule.models import Session

WORKSHOP = "/oppo2021/"
AGENDA = WORKSHOP + "agenda/"
STARRED = {
    "adversarial-examples-in-random-deep-networks": "Adversarial Examples in Random Deep Networks",
    "a-universal-law-of-robustness-via-isoperimetry": "A Universal Law of Robustness via Isoperimetry",
}
KEPT, DROPPED = STARRED
STORAGE_KEY = "agenda:oppo2021"


def star_button(page, slug):
    return page.locator(f"li#{slug} button.star")


def agenda_titles(page):
    return page.locator('section[aria-labelledby="agenda-sessions"] .entry__title')


def poster_titles(page):
    return page.locator('section[aria-labelledby="agenda-posters"] .poster-row__title a')


def keys(model, *slugs):
    """The items' keys as an agenda link lists them: base 36, in ascending order, dot-separated."""
    return ".".join(int_to_base36(pk) for pk in sorted(model.objects.filter(slug__in=slugs).values_list("pk", flat=True)))


def starred_query(page):
    """The page's query without since, which tells the changes to list (tests/browser/test_agenda_changes.py)."""
    return "&".join(part for part in urlsplit(page.url).query.split("&") if not part.startswith("since="))


def calendar_summaries(page):
    """The SUMMARY of every event in the file the agenda's calendar link serves, and the response's type."""
    link = page.get_by_role("link", name="Add my agenda to a calendar (.ics)")
    response = page.request.get(urljoin(page.url, link.get_attribute("href")))
    assert response.status == 200
    calendar = Calendar.from_ical(response.body())
    events = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    return response.headers["content-type"], events


def test_starred_sessions_make_an_agenda_that_survives_a_reload_and_exports_to_a_calendar(page, site):
    from playwright.sync_api import expect

    page.goto(site + WORKSHOP)
    header_link = page.get_by_role("navigation", name="Programme").get_by_role("link", name="My agenda")
    # Nothing starred yet: every button is off and the header has no agenda link.
    expect(page.locator("button.star")).to_have_count(17)
    expect(page.locator('button.star[aria-pressed="true"]')).to_have_count(0)
    expect(header_link).to_be_hidden()

    for slug, title in STARRED.items():
        button = star_button(page, slug)
        expect(button).to_have_attribute("aria-pressed", "false")
        expect(button).to_have_accessible_name(f"Star: {title}")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
        expect(button).to_have_text("★ Starred")
        expect(button).to_have_accessible_name(f"Starred: {title}")
    expect(page.locator('button.star[aria-pressed="true"]')).to_have_count(2)

    expect(header_link).to_be_visible()
    with page.expect_navigation():
        header_link.click()
    # The link lists the sessions' keys, not their slugs: a few hundred fit in a request line.
    assert starred_query(page) == "s=" + keys(Session, *STARRED)
    expect(page.locator("h1")).to_have_text("My agenda")
    expect(agenda_titles(page)).to_have_text(list(STARRED.values()))
    expect(page.locator('section[aria-labelledby="agenda-sessions"] button.star[aria-pressed="true"]')).to_have_count(2)

    page.reload()
    expect(agenda_titles(page)).to_have_text(list(STARRED.values()))
    # Opened bare, as from a bookmark: this browser's stars are filled in.
    page.goto(site + AGENDA)
    page.wait_for_url(f"**{AGENDA}?*")
    expect(agenda_titles(page)).to_have_text(list(STARRED.values()))

    content_type, events = calendar_summaries(page)
    assert content_type.startswith("text/calendar")
    assert sorted(events) == sorted(STARRED.values())

    # Unstarring on the agenda page takes the session off it at once, and off the calendar file.
    with page.expect_navigation():
        star_button(page, DROPPED).click()
    expect(agenda_titles(page)).to_have_text([STARRED[KEPT]])
    page.reload()
    expect(agenda_titles(page)).to_have_text([STARRED[KEPT]])
    _content_type, events = calendar_summaries(page)
    assert events == [STARRED[KEPT]]

    # And the timetable agrees.
    page.goto(site + WORKSHOP)
    expect(star_button(page, KEPT)).to_have_attribute("aria-pressed", "true")
    expect(star_button(page, DROPPED)).to_have_attribute("aria-pressed", "false")
    assert page.console_errors == []
    assert page.failed_responses == []


def test_stars_an_older_visit_kept_by_slug_still_count_and_are_then_kept_by_key(page, site):
    from playwright.sync_api import expect

    poster = "a-universal-law-of-robustness-via-isoperimetry"
    page.goto(site + WORKSHOP)
    # What this browser kept before links listed keys.
    page.evaluate(
        "([key, value]) => window.localStorage.setItem(key, value)",
        [STORAGE_KEY, json.dumps({"sessions": [DROPPED], "posters": [poster]})],
    )
    page.reload()
    expect(star_button(page, DROPPED)).to_have_attribute("aria-pressed", "true")
    expect(star_button(page, KEPT)).to_have_attribute("aria-pressed", "false")

    page.goto(site + AGENDA)
    page.wait_for_url(f"**{AGENDA}?*")
    expect(agenda_titles(page)).to_have_text([STARRED[DROPPED]])
    expect(poster_titles(page)).to_have_text(["A Universal Law of Robustness via Isoperimetry"])
    stored = json.loads(page.evaluate("(key) => window.localStorage.getItem(key)", STORAGE_KEY))
    assert stored == {
        "sessions": [Session.objects.get(slug=DROPPED).pk],
        "posters": [Poster.objects.get(workshop__slug="oppo2021", slug=poster).pk],
    }

    page.goto(site + AGENDA)
    page.wait_for_url(f"**{AGENDA}?*")
    assert starred_query(page) == f"s={keys(Session, DROPPED)}&p={keys(Poster, poster)}"
    expect(poster_titles(page)).to_have_text(["A Universal Law of Robustness via Isoperimetry"])
    assert page.console_errors == []
    assert page.failed_responses == []
