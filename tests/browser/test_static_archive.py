"""The static archive (export_static) in Chromium, served by `python -m http.server`: no Django, no database.

Playwright is used through the page fixture only, so that a machine without it still collects this module.
"""

import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from urllib.error import URLError
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils.http import int_to_base36

from posters.models import Poster
from schedule.models import Session
from tests.conftest import SEED
from workshop.search.words import STOP_WORDS

SERVER_ATTEMPTS = 200


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def archive_folder(seed, tmp_path):
    """The seed's archive written to tmp_path."""
    call_command("export_static", tmp_path, "--workshop", SEED, "--base-url", "https://archive.example.org/",
                 verbosity=0)
    return tmp_path


@pytest.fixture
def archive_site(archive_folder):
    """The seed's archive served by a plain static file server; its root URL."""
    tmp_path = archive_folder
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = f"http://127.0.0.1:{port}"
    try:
        for _ in range(SERVER_ATTEMPTS):  # until the server answers: it starts in well under a second
            try:
                urllib.request.urlopen(root + "/index.html").close()
                break
            except URLError:
                assert server.poll() is None, "http.server did not start"
                time.sleep(0.05)
        yield root
    finally:
        server.terminate()
        server.wait()


def word_only_in(session, sessions):
    """A word of the session's abstract that no other session's title, abstract or speaker holds."""
    def words(item):
        text = " ".join([item.title, item.abstract] + [person.name for person in item.speakers.all()])
        return set(re.findall(r"\w+", text.lower()))
    others = Counter(word for other in sessions if other != session for word in words(other))
    return next(word for word in sorted(re.findall(r"\w{8,}", session.abstract.lower()))
                if word not in others and word not in STOP_WORDS and word not in session.title.lower())


def test_the_archive_works_from_a_plain_static_server(archive_site, page):
    from playwright.sync_api import expect

    sessions = list(Session.objects.filter(workshop__slug=SEED).prefetch_related("speakers"))
    page.goto(archive_site + "/index.html")
    timetable = page.locator("main").inner_text()
    assert all(session.title in timetable for session in sessions)
    assert "Archive: this is a copy of the programme" in page.locator("[data-archive-banner]").inner_text()

    posters = list(Poster.objects.filter(workshop__slug=SEED).with_spots().select_related("room").order_by("slug"))
    page.get_by_role("link", name="Posters", exact=True).first.click()
    page.get_by_role("link", name=posters[0].title, exact=True).first.click()
    for poster in posters:  # every poster's page, with its spot marked on its room's grid
        page.goto(f"{archive_site}/{SEED}/posters/{poster.slug}/index.html")
        assert page.locator("h1").inner_text() == poster.title
        spots = " and ".join(poster.spot_labels)
        assert f"Spot {spots}, {poster.room.name}" in page.locator(".where").inner_text()
        expect(page.get_by_role("img", name=f"Spot {spots} marked on the grid of {poster.room.name}")).to_be_visible()

    session = next(session for session in sessions if len(session.abstract) > 200)
    page.get_by_label("Search talks, posters and people").fill(word_only_in(session, sessions))
    page.get_by_label("Search talks, posters and people").press("Enter")
    page.locator(".offline-results").first.wait_for()
    assert page.locator(".offline-results a").all_inner_texts() == [session.title]
    page.locator(".offline-results a").first.click()
    assert page.locator("h1").inner_text() == session.title

    calendar = page.locator("a[href$='.ics']").first
    response = page.request.get(calendar.evaluate("link => link.href"))
    assert response.status == 200
    assert response.text().startswith("BEGIN:VCALENDAR")

    page.goto(archive_site + "/index.html")
    links = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
    local = {link.split("#")[0] for link in links if urlsplit(link).netloc == urlsplit(archive_site).netloc}
    assert len(local) > len(sessions)
    statuses = {link: page.request.get(link).status for link in sorted(local)}
    assert {link: status for link, status in statuses.items() if status != 200} == {}

    assert page.external_requests == []
    assert page.failed_responses == []
    assert page.console_errors == []


def test_the_archive_opened_from_disk_shows_the_timetable_and_answers_a_search_and_an_agenda(archive_folder, page):
    sessions = list(Session.objects.filter(workshop__slug=SEED).prefetch_related("speakers"))
    page.goto((archive_folder / "index.html").as_uri())
    timetable = page.locator("main").inner_text()
    assert all(session.title in timetable for session in sessions)

    session = next(session for session in sessions if len(session.abstract) > 200)
    page.get_by_label("Search talks, posters and people").fill(word_only_in(session, sessions))
    page.get_by_label("Search talks, posters and people").press("Enter")
    page.locator(".offline-results").first.wait_for()
    assert page.url.startswith("file://")
    assert page.locator(".offline-results a").all_inner_texts() == [session.title]
    page.locator(".offline-results a").first.click()
    assert page.locator("h1").inner_text() == session.title

    agenda = (archive_folder / SEED / "agenda" / "index.html").as_uri()
    page.goto(f"{agenda}?s={int_to_base36(session.pk)}")
    page.locator(".offline-results").first.wait_for()
    assert page.locator(".offline-results a").all_inner_texts() == [session.title]

    assert page.external_requests == []
    assert page.console_errors == []
