"""The workshop offline at the venue, in a real browser: the service worker keeps a copy of every page on the first
visit, pages never opened before work without a network, a search and My agenda are answered from the copy, and
the network, when back, brings a change published meanwhile.

Playwright is imported inside the tests, not at the top, so that a machine without it still collects this module and
conftest can skip (or, with CI=true, fail) with its own message.
"""

import re
from datetime import datetime, timedelta

from django.test import Client

from posters.models import Poster
from schedule.models import Session

WORKSHOP = "/oppo2021/"
BANNER = re.compile(r"^Offline · programme as of \d\d:\d\d$")
# Words of abstracts (both must appear), and a name.
QUERIES = ["double descent", "Bartlett"]

STORE = """async (list) => {
  const registration = await navigator.serviceWorker.ready;
  return await new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    registration.active.postMessage({ type: "store", list }, [channel.port2]);
  });
}"""


def keep_copy(page):
    """What the worker says once the workshop is stored (the request joins the one site.js made already)."""
    return page.evaluate(STORE, WORKSHOP + "offline.json")


def visit_then_go_offline(page, site):
    """Open the timetable, wait until the worker has kept the workshop, then take the network away."""
    page.goto(site + WORKSHOP)
    stored = keep_copy(page)
    assert stored["stored"] is True, stored
    page.context.set_offline(True)


def found_on_the_server(query):
    response = Client().get(WORKSHOP + "search/", {"q": query})
    return sorted([session.title for session in response.context["sessions"]] +
                  [poster.title for poster in response.context["posters"]])


def test_the_workshop_works_without_a_network_once_visited(worker_page, site):
    from playwright.sync_api import expect

    page = worker_page

    visit_then_go_offline(page, site)
    banner = page.locator("[data-offline-banner]")
    expect(banner).to_be_hidden()  # the page was opened online

    page.goto(site + WORKSHOP)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("li#the-polyak-lojasiewicz-condition-as-a-framework-for-overparameterized")).to_be_visible()
    expect(banner).to_have_text(BANNER)

    poster = Poster.objects.get(slug="on-low-rank-training-of-deep-neural-networks")
    page.goto(site + f"{WORKSHOP}posters/{poster.slug}/")  # never opened online
    expect(page.get_by_role("heading", level=1)).to_have_text(poster.title)
    expect(banner).to_have_text(BANNER)
    spots = " and ".join(poster.spot_labels)
    expect(page.get_by_role("img", name=f"Spot {spots} marked on the grid of {poster.room.name}")).to_be_visible()

    page.goto(site + WORKSHOP + "posters/")
    expect(page.locator("figure.room-map").first).to_be_visible()
    expect(page.locator("figure.room-map a.room-map__spot").first).to_be_visible()
    assert page.console_errors == []


def test_a_search_offline_finds_what_the_server_finds(worker_page, site):
    from playwright.sync_api import expect

    page = worker_page

    visit_then_go_offline(page, site)
    page.goto(site + WORKSHOP)
    for query in QUERIES:
        expected = found_on_the_server(query)
        assert expected, f"{query!r} finds nothing even on the server"
        page.locator("#site-search").fill(query)
        page.locator("#site-search").press("Enter")
        expect(page.locator("main .result-count")).to_contain_text(f"{len(expected)} result")
        found = page.locator("main .offline-results li > a").all_text_contents()
        assert sorted(found) == expected
        expect(page.locator("main form [name=q]")).to_have_value(query)


def test_my_agenda_offline_lists_the_items_starred_offline(worker_page, site):
    from playwright.sync_api import expect

    page = worker_page

    visit_then_go_offline(page, site)
    page.goto(site + WORKSHOP)
    session = Session.objects.get(slug="a-universal-law-of-robustness-via-isoperimetry")
    page.locator(f"li#{session.slug} button.star").click()
    page.get_by_role("navigation", name="Programme").get_by_role("link", name="My agenda").click()
    expect(page.locator("main .offline-results li > a")).to_have_text([session.title])
    expect(page.locator("[data-agenda-empty]")).to_be_hidden()


def test_a_session_moved_while_offline_shows_its_new_time_once_the_network_is_back(worker_page, site):
    from playwright.sync_api import expect

    page = worker_page

    visit_then_go_offline(page, site)
    session = Session.objects.get(slug="the-polyak-lojasiewicz-condition-as-a-framework-for-overparameterized")
    session.starts_at += timedelta(minutes=5)
    session.ends_at += timedelta(minutes=5)
    session.save()
    page.goto(site + WORKSHOP)
    start = page.locator(f"li#{session.slug} time").first
    assert datetime.fromisoformat(start.get_attribute("datetime")) == session.starts_at - timedelta(minutes=5)

    page.context.set_offline(False)
    page.reload()
    expect(page.locator("[data-offline-banner]")).to_be_hidden()
    assert datetime.fromisoformat(start.get_attribute("datetime")) == session.starts_at
    stored = keep_copy(page)  # the new version replaces the copy
    page.context.set_offline(True)
    page.goto(site + WORKSHOP)
    expect(page.locator("[data-offline-banner]")).to_have_text(BANNER)
    assert datetime.fromisoformat(start.get_attribute("datetime")) == session.starts_at, stored
