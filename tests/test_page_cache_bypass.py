"""Nothing a reader sends makes a cached page be made afresh, except what the page really reads (issue 14, item 5).

Parameters a page does not read, a session cookie without a signed-in user, and a zone cookie that names no zone
are all answered from the page cache; the sitemap comes in one part per workshop, each cached like a page.
"""

import re

from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils.http import int_to_base36

from schedule.models import Session
from workshop import caching
from tests.test_production import page_cache  # noqa: F401  (the page cache on, as in production)


def test_an_unknown_parameter_is_answered_from_the_cache(client, seed, page_cache):
    plain = client.get("/oppo2021/")
    busted = client.get("/oppo2021/", {"bust": "123"})
    assert (plain["X-Cache"], busted["X-Cache"]) == ("miss", "hit")
    assert busted.content == plain.content


def test_a_page_first_asked_for_with_an_unknown_parameter_is_the_plain_page(client, seed, page_cache, settings):
    busted = client.get("/oppo2021/search/", {"utm_source": "newsletter"})
    plain = Client().get("/oppo2021/search/")
    assert (busted["X-Cache"], plain["X-Cache"]) == ("miss", "hit")
    settings.PROGRAMME_CACHE_SECONDS = 0
    assert plain.content == Client().get("/oppo2021/search/").content  # what the view makes without any parameter


def test_the_parameters_a_page_reads_still_make_pages_of_their_own(client, seed, page_cache):
    descent = client.get("/oppo2021/search/", {"q": "descent", "kind": "poster"})
    kernels = client.get("/oppo2021/search/", {"q": "kernel"})
    assert (descent["X-Cache"], kernels["X-Cache"]) == ("miss", "miss")
    assert descent.content != kernels.content
    again = client.get("/oppo2021/search/?kind=poster&bust=1&q=descent")  # another order, and one more parameter
    assert again["X-Cache"] == "hit" and again.content == descent.content
    assert client.get("/oppo2021/posters/", {"page": "2"})["X-Cache"] == "miss"


def test_the_agenda_keeps_its_starred_items_in_the_key(client, seed, page_cache):
    first = client.get("/oppo2021/agenda/", {"sessions": "opening-remarks"})
    other = client.get("/oppo2021/agenda/", {"sessions": "opening-remarks", "posters": "x", "bust": "1"})
    assert (first["X-Cache"], other["X-Cache"]) == ("miss", "miss")


def test_agendas_of_different_short_links_are_different_pages(client, seed, page_cache):
    # The compact form (?s=…&p=…, base-36 keys) is what the site's own links send.
    sessions = Session.objects.filter(workshop=seed).order_by("pk")
    first = client.get("/oppo2021/agenda/", {"s": int_to_base36(sessions[0].pk)})
    other = client.get("/oppo2021/agenda/", {"s": int_to_base36(sessions[1].pk)})
    assert (first["X-Cache"], other["X-Cache"]) == ("miss", "miss")
    assert sessions[1].title in other.text and sessions[1].title not in first.text
    calendar = client.get("/oppo2021/agenda.ics", {"p": "1"})
    assert calendar["X-Cache"] == "miss" and client.get("/oppo2021/agenda.ics", {"p": "2"})["X-Cache"] == "miss"


def anonymous_session():
    session = SessionStore()
    session["seen_the_banner"] = True  # an anonymous session with data: what a site's own code might keep
    session.create()
    return session.session_key


def test_an_anonymous_session_cookie_is_answered_from_the_cache(client, seed, page_cache):
    assert client.get("/oppo2021/")["X-Cache"] == "miss"
    for key in (anonymous_session(), "madeupsessionkey0123456789abcdef"):
        client.cookies["sessionid"] = key
        response = client.get("/oppo2021/")
        assert response["X-Cache"] == "hit", key
        assert "Opening Remarks" in response.text


def test_a_signed_in_organizer_sees_an_edit_the_cached_page_does_not_show_yet(admin_client, client, seed, page_cache):
    client.get("/oppo2021/")
    Session.objects.filter(slug="opening-remarks").update(title="Welcome")  # no signal: the version stays
    assert "Opening Remarks" in client.get("/oppo2021/").text
    organizer = admin_client.get("/oppo2021/")
    assert "Welcome" in organizer.text and not organizer.has_header("X-Cache")


def test_a_zone_cookie_that_names_no_zone_shares_the_page_of_readers_without_one(client, seed, page_cache):
    assert client.get("/oppo2021/")["X-Cache"] == "miss"
    client.cookies["tz"] = "not-a-zone-4711"
    response = client.get("/oppo2021/")
    assert response["X-Cache"] == "hit" and ">09:00</time>" in response.text and "data-reader-clock" in response.text


def test_exports_ignore_the_zone_cookie(client, seed, page_cache):
    assert client.get("/oppo2021/schedule.ics")["X-Cache"] == "miss"
    client.cookies["tz"] = "Asia/Tokyo"
    assert client.get("/oppo2021/schedule.ics")["X-Cache"] == "hit"


def url_names(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name != "admin":
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from url_names(pattern, inner)
        elif pattern.name:
            yield namespace + pattern.name


def test_every_public_page_says_which_parameters_it_reads():
    """A page left out would keep its whole query string in its cache key: open to `?bust=` again."""
    assert set(url_names(get_resolver())) - {"healthz"} == set(caching.PAGE_PARAMETERS)


# The sitemap -----------------------------------------------------------------------------------------------


def sitemap_locations(text):
    return re.findall(r"<loc>http://testserver([^<]*)</loc>", text)


def test_the_sitemap_index_lists_one_sitemap_per_workshop(client, seed, make_workshop, make_session):
    other = make_workshop(slug="second-workshop")
    make_session(workshop=other, slug="keynote")
    index = sitemap_locations(client.get("/sitemap.xml").text)
    assert index == ["/sitemap-oppo2021.xml", "/sitemap-second-workshop.xml"]
    second = sitemap_locations(client.get("/sitemap-second-workshop.xml").text)
    assert second == ["/second-workshop/", "/second-workshop/speakers/", "/second-workshop/posters/",
                      "/second-workshop/changes/", "/second-workshop/sessions/keynote/"]
    seed_pages = sitemap_locations(client.get("/sitemap-oppo2021.xml").text)
    assert seed_pages and all(path.startswith("/oppo2021/") for path in seed_pages)
    assert client.get("/sitemap-no-such-workshop.xml").status_code == 404


def test_the_sitemap_index_and_each_workshops_sitemap_are_cached(client, seed, page_cache):
    for path in ("/sitemap.xml", "/sitemap-oppo2021.xml"):
        first, again, busted = client.get(path), client.get(path), client.get(path, {"bust": "42"})
        assert (first["X-Cache"], again["X-Cache"], busted["X-Cache"]) == ("miss", "hit", "hit"), path
        assert again.content == first.content
        assert again["X-Robots-Tag"] == first["X-Robots-Tag"]  # sitemaps are not pages to index
