"""The workshop offline at the venue: the web app manifest, the list of what the service worker keeps, the search
index it answers searches from, and the worker itself (workshop/offline.py)."""

import gzip
import json
from datetime import datetime, timedelta

import pytest
from django.db.models import Q
from django.test import Client

from posters.models import Poster
from schedule.models import Session, Speaker

MEGABYTE = 1_000_000  # a phone fills its copy over the venue's Wi-Fi


@pytest.fixture
def static_client(settings):
    """A client that is also served the static files, from the finders, as the development server serves them."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    return Client()


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def seed_pages(seed):
    sessions = {f"/{seed.slug}/sessions/{slug}/" for slug in seed.sessions.values_list("slug", flat=True)}
    posters = {f"/{seed.slug}/posters/{slug}/" for slug in seed.posters.values_list("slug", flat=True)}
    people = Speaker.objects.filter(Q(sessions__workshop=seed) | Q(posters__workshop=seed)).values_list("slug", flat=True)
    speakers = {f"/{seed.slug}/speakers/{slug}/" for slug in people}
    return sessions, posters, speakers


def test_the_manifest_makes_the_workshop_installable_from_its_timetable(client, seed):
    response = client.get("/oppo2021/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == seed.title
    assert manifest["start_url"] == "/oppo2021/"
    assert manifest["display"] == "standalone"
    icon = manifest["icons"][0]
    assert icon["type"] == "image/svg+xml" and icon["src"].endswith(".svg")


def test_every_page_of_the_workshop_links_its_manifest_and_says_where_its_worker_is(client, seed):
    page = client.get("/oppo2021/").text
    assert '<link rel="manifest" href="/oppo2021/manifest.webmanifest">' in page
    assert 'data-service-worker="/service-worker.js"' in page
    assert 'data-offline-list="/oppo2021/offline.json"' in page
    assert "<p class=\"notice\" role=\"status\" data-offline-banner hidden></p>" in page


def test_the_manifest_icon_is_served(static_client, seed):
    icon = json.loads(static_client.get("/oppo2021/manifest.webmanifest").content)["icons"][0]["src"]
    response = static_client.get(icon)
    assert response.status_code == 200
    assert b"<svg" in body_of(response)


def test_the_offline_list_names_every_session_poster_and_speaker_page_and_the_static_files(client, seed):
    listed = client.get("/oppo2021/offline.json").json()
    sessions, posters, speakers = seed_pages(seed)
    pages = set(listed["pages"])
    assert sessions <= pages and len(sessions) == 17
    assert posters <= pages and len(posters) == 45
    assert speakers <= pages and speakers
    assert {"/oppo2021/", "/oppo2021/posters/", "/oppo2021/speakers/", "/oppo2021/search/", "/oppo2021/agenda/",
            "/oppo2021/search-index.json"} <= pages
    assert {"/static/css/site.css", "/static/js/site.js", "/static/js/agenda.js", "/static/js/offline-search.js",
            "/static/vendor/katex/katex.min.js"} <= set(listed["assets"])


def test_every_page_and_file_of_the_offline_list_is_there(static_client, seed):
    listed = static_client.get("/oppo2021/offline.json").json()
    missing = [url for url in listed["pages"] + listed["assets"] if static_client.get(url).status_code != 200]
    assert missing == []


def test_the_offline_list_has_a_new_version_once_the_programme_changes(client, seed, django_capture_on_commit_callbacks):
    before = client.get("/oppo2021/offline.json").json()["version"]
    session = Session.objects.filter(workshop=seed).order_by("starts_at").first()
    with django_capture_on_commit_callbacks(execute=True):
        session.title = "Opening remarks, moved"
        session.save()
    after = client.get("/oppo2021/offline.json").json()["version"]
    assert before and after != before


def test_the_offline_list_of_an_unknown_workshop_is_not_found(client, seed):
    assert client.get("/no-such-workshop/offline.json").status_code == 404


def test_the_search_index_holds_every_session_and_poster_with_title_people_and_abstract(client, seed):
    index = client.get("/oppo2021/search-index.json").json()
    sessions = {item["title"]: item for item in index["sessions"]}
    posters = {item["title"]: item for item in index["posters"]}
    assert set(sessions) == set(Session.objects.filter(workshop=seed).values_list("title", flat=True))
    assert set(posters) == set(Poster.objects.filter(workshop=seed).values_list("title", flat=True))
    for session in Session.objects.for_timetable(seed):
        item = sessions[session.title]
        assert item["people"] == [person.name for person in session.speaker_list]
        assert item["abstract"] == session.abstract
        assert item["url"] == f"/oppo2021/sessions/{session.slug}/"
    for poster in Poster.objects.for_listing(seed):
        item = posters[poster.title]
        assert item["people"] == [person.name for person in poster.author_list]
        assert item["abstract"] == poster.abstract
    assert "the" in index["stop_words"]  # the words the server's search ignores, ignored offline too


def test_hostile_titles_are_written_as_json_escapes_and_read_back_exactly(client, seed):
    hostile = '</script><script>alert("x")</script> & <b>'
    session = Session.objects.filter(workshop=seed).order_by("starts_at").first()
    session.title = hostile
    session.save()
    seed.title = hostile
    seed.save()
    for url in ("/oppo2021/search-index.json", "/oppo2021/manifest.webmanifest"):
        raw = client.get(url).content
        assert b"<" not in raw and b">" not in raw and b"&" not in raw, url
    index = client.get("/oppo2021/search-index.json").json()
    assert hostile in [item["title"] for item in index["sessions"]]
    assert json.loads(client.get("/oppo2021/manifest.webmanifest").content)["name"] == hostile


def test_the_worker_is_served_from_the_root_so_that_it_may_control_every_workshop_page(client, seed):
    response = client.get("/service-worker.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-store" in response["Cache-Control"]  # a new release's worker is picked up at once
    assert b'addEventListener("fetch"' in response.content


def test_the_content_security_policy_allows_our_own_worker_and_manifest_only(client, seed):
    policy = client.get("/oppo2021/")["Content-Security-Policy"]
    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy
    assert "'unsafe-inline'" not in policy


def downloaded_size(response):
    """What crosses the venue's Wi-Fi: a page as the site sends it to a browser, compressed. A static file is
    sent by whitenoise from the compressed copy collectstatic writes beside it in production; here, served from
    the finders, it is compressed the same way."""
    body = body_of(response)
    return len(body) if response.get("Content-Encoding") == "gzip" else len(gzip.compress(body))


def test_the_seeds_offline_copy_downloads_in_under_a_megabyte(static_client, seed):
    listed = static_client.get("/oppo2021/offline.json").json()
    responses = [static_client.get(url, HTTP_ACCEPT_ENCODING="gzip") for url in listed["pages"] + listed["assets"]]
    pages = [response for response in responses if response.get("Content-Encoding") == "gzip"]
    assert len(pages) >= len(listed["pages"]) - 2  # all but the tiny ones (the manifest) come compressed
    total = sum(downloaded_size(response) for response in responses)
    assert total < MEGABYTE, f"{total} bytes in {len(listed['pages'])} pages and {len(listed['assets'])} files"


def test_the_seeds_offline_copy_takes_under_two_megabytes_on_the_phone(static_client, seed):
    """What the worker keeps, decompressed: the room map drawn whole on every poster page and the list of every
    zone on every session and speaker page once made it 3.2 MB."""
    listed = static_client.get("/oppo2021/offline.json").json()
    total = sum(len(body_of(static_client.get(url))) for url in listed["pages"] + listed["assets"])
    assert total < 2 * MEGABYTE, f"{total} bytes in {len(listed['pages'])} pages and {len(listed['assets'])} files"


def test_moving_a_session_changes_its_time_in_the_search_index(client, seed, django_capture_on_commit_callbacks):
    session = Session.objects.filter(workshop=seed).order_by("starts_at").first()
    with django_capture_on_commit_callbacks(execute=True):
        session.starts_at += timedelta(minutes=5)
        session.ends_at += timedelta(minutes=5)
        session.save()
    index = client.get("/oppo2021/search-index.json").json()
    item = next(item for item in index["sessions"] if item["title"] == session.title)
    assert datetime.fromisoformat(item["starts_at"]) == session.starts_at
