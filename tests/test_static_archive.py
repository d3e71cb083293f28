"""export_static: the seed's public site written as plain files that work from any path, any host or the disk."""

import json
import posixpath
import re
from collections import deque
from urllib.parse import unquote, urlsplit

import icalendar
import lxml.etree
import lxml.html
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from posters.models import Poster
from schedule.models import Session
from tests.conftest import SEED
from workshop.sitemaps import workshop_sitemaps

BASE_URL = "https://archive.example.org/"
# Elements that load something into the page: never from another host.
LOADED = {"script", "img", "source", "iframe", "audio", "video", "embed", "object"}
LOADED_LINK_RELS = {"stylesheet", "icon", "manifest", "preload", "modulepreload", "prefetch"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


@pytest.fixture(scope="module")
def archive(tmp_path_factory, django_db_setup, django_db_blocker):
    """The seed's archive, written once for this module's tests (they only read it)."""
    directory = tmp_path_factory.mktemp("archive")
    with django_db_blocker.unblock():
        call_command("export_static", directory, "--workshop", SEED, "--base-url", BASE_URL, verbosity=0)
    return directory


def references(document):
    """(element, address) of each link and asset reference of a page."""
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        for name in ("href", "src", "action", "formaction", "poster"):
            if element.get(name) is not None:
                yield element, element.get(name)
        for candidate in (element.get("srcset") or "").split(","):
            if candidate.strip():
                yield element, candidate.split()[0]


def is_absolute(address):
    return bool(urlsplit(address).scheme) or address.startswith("//")


def target_file(archive, page, address):
    path = unquote(urlsplit(address).path)
    if not path:
        return page
    return archive / posixpath.normpath(posixpath.join(posixpath.dirname(page.relative_to(archive).as_posix()), path))


def crawl(archive):
    """Every HTML file reachable from index.html, and the broken or foreign references met on the way."""
    start = archive / "index.html"
    queue, reached, broken, foreign = deque([start]), {start}, [], []
    while queue:
        page = queue.popleft()
        document = lxml.html.document_fromstring(page.read_bytes())
        for element, address in references(document):
            rel = set((element.get("rel") or "").split())
            if is_absolute(address):
                if element.tag in LOADED or (element.tag == "link" and rel & LOADED_LINK_RELS):
                    foreign.append((page, address))
                elif element.tag == "form" or (urlsplit(address).scheme in ("http", "https", "")
                                               and urlsplit(address).hostname == urlsplit(BASE_URL).hostname):
                    # A page of the archive's own site is linked relatively; webcal:// subscriptions stay absolute.
                    foreign.append((page, address))
                continue
            if address.startswith("#"):
                continue
            target = target_file(archive, page, address)
            if not target.is_file():
                broken.append((page.relative_to(archive), address))
            elif target.suffix == ".html" and target not in reached:
                reached.add(target)
                queue.append(target)
    return reached, broken, foreign


def test_every_session_poster_and_speaker_has_its_page_in_the_archive(archive, seed):
    pages = [sitemap_item for sitemap_item in workshop_sitemaps([SEED])[SEED].items()]
    sessions = Session.objects.filter(workshop=seed).values_list("slug", flat=True)
    posters = Poster.objects.filter(workshop=seed).values_list("slug", flat=True)
    assert len(sessions) == 17 and len(posters) == 45
    for slug in sessions:
        assert (archive / SEED / "sessions" / slug / "index.html").is_file()
        assert (archive / SEED / "sessions" / f"{slug}.ics").is_file()
    for slug in posters:
        assert (archive / SEED / "posters" / slug / "index.html").is_file()
    for name, args, _ in pages:
        assert (archive / reverse(name, args=args).lstrip("/") / "index.html").is_file(), name
    for page in ("changes", "programme", "agenda", "search", "speakers", "posters"):
        assert (archive / SEED / page / "index.html").is_file()


def test_every_link_and_asset_from_index_html_resolves_to_a_file_of_the_archive(archive):
    reached, broken, foreign = crawl(archive)
    assert broken == []
    assert foreign == []
    every_page = set(archive.rglob("*.html"))
    assert every_page == reached  # no page is written that nothing links to


def test_stylesheets_ask_only_for_fonts_and_images_the_archive_holds(archive):
    for stylesheet in archive.rglob("*.css"):
        for address in CSS_URL.findall(stylesheet.read_text(encoding="utf-8")):
            if address.startswith("data:"):
                continue
            assert not is_absolute(address), (stylesheet, address)
            assert (stylesheet.parent / unquote(urlsplit(address).path)).resolve().is_file(), (stylesheet, address)


def test_every_page_says_it_is_an_archive_and_when_it_was_made(archive):
    for page in archive.rglob("*.html"):
        document = lxml.html.document_fromstring(page.read_bytes())
        banner = document.xpath("//*[@data-archive-banner]")
        assert len(banner) == 1, page
        assert re.search(r"Archive: .* made on \d{1,2} \w+ \d{4}, \d\d:\d\d UTC", banner[0].text_content()), page


def test_the_archive_names_the_workshops_zone_instead_of_offering_a_picker(archive):
    document = lxml.html.document_fromstring((archive / SEED / "index.html").read_bytes())
    assert document.xpath("//select[@name='tz']") == []
    assert "Times in PDT (America/Los_Angeles)" in document.find_class("zone-picker")[0].text_content()
    # site.js registers no service worker in the archive: there is no /service-worker.js to register
    assert document.body.get("data-service-worker") is None
    assert document.body.get("data-archive") is not None


def test_the_archives_exports_parse_and_keep_absolute_addresses_on_the_base_url(archive):
    calendar = icalendar.Calendar.from_ical((archive / SEED / "schedule.ics").read_bytes())
    assert len(calendar.walk("VEVENT")) == 17
    one = icalendar.Calendar.from_ical((archive / SEED / "sessions" / "opening-remarks.ics").read_bytes())
    assert [str(event["SUMMARY"]) for event in one.walk("VEVENT")] == ["Opening Remarks"]
    assert lxml.etree.parse(archive / SEED / "schedule.xml").getroot().tag == "schedule"
    assert json.loads((archive / SEED / "schedule.json").read_text())["schedule"]
    feed = lxml.etree.parse(archive / SEED / "changes.atom").getroot()
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    sitemap = lxml.etree.parse(archive / f"sitemap-{SEED}.xml")
    locations = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locations and all(location.startswith(BASE_URL + SEED + "/") for location in locations)
    index = json.loads((archive / SEED / "search-index.json").read_text())
    for item in index["sessions"] + index["posters"]:
        assert (archive / SEED / item["url"]).is_file()  # read relative to the index, as offline-search.js does


def test_the_search_index_is_also_a_script_for_an_archive_opened_from_disk(archive):
    script = (archive / SEED / "search-index.js").read_text(encoding="utf-8")
    prefix, suffix = "window.workshopSearchIndex = ", ";\n"
    assert script.startswith(prefix) and script.endswith(suffix)
    index = json.loads((archive / SEED / "search-index.json").read_bytes())
    assert json.loads(script[len(prefix):-len(suffix)]) == index
    assert len(index["sessions"]) == 17


def test_the_qr_codes_of_the_printed_programme_open_pages_on_the_base_url(archive):
    code = (archive / SEED / "qr" / "session" / "opening-remarks.svg").read_text()
    assert f"{BASE_URL}{SEED}/sessions/opening-remarks/" in code


@override_settings(PROGRAMME_CACHE_SECONDS=3600, PROGRAMME_FRAGMENT_SECONDS=3600)
def test_the_live_site_never_serves_a_page_rendered_for_the_archive(client, seed, tmp_path):
    call_command("export_static", tmp_path, "--workshop", SEED, verbosity=0)
    response = client.get(reverse("schedule:timetable", args=[SEED]))
    assert response.status_code == 200
    assert b"data-archive-banner" not in response.content
    assert b'name="tz"' in response.content


def test_an_unknown_workshop_or_a_base_url_below_the_root_is_refused(seed, tmp_path):
    with pytest.raises(CommandError, match="No such workshop: nope"):
        call_command("export_static", tmp_path, "--workshop", "nope", verbosity=0)
    with pytest.raises(CommandError, match="root of a host"):
        call_command("export_static", tmp_path, "--base-url", "https://example.org/archive/", verbosity=0)
    assert list(tmp_path.iterdir()) == []
