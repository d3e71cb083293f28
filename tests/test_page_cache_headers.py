"""What a browser or a shared cache (a CDN, a proxy) in front of the site is told it may keep (issue 14, item 9)."""

import gzip
from datetime import timedelta

from django.utils import timezone
from django.utils.cache import has_vary_header

from tests.test_production import page_cache  # noqa: F401  (the page cache on, as in production)


def directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_the_default_timetable_may_be_kept_by_shared_caches_briefly_and_varies_by_cookie(client, seed, page_cache):
    for response in (client.get("/oppo2021/"), client.get("/oppo2021/")):  # made, then from the cache
        assert directives(response) == {"public", "max-age=60"}, response["X-Cache"]
        assert has_vary_header(response, "Cookie")  # the zone cookie would change it


def test_a_page_in_the_zone_a_cookie_chose_is_private(client, seed, page_cache):
    client.cookies["tz"] = "Asia/Tokyo"
    for response in (client.get("/oppo2021/"), client.get("/oppo2021/")):
        assert "01:00–01:05 Sun 25 Jul in Tokyo" in response.text  # Tokyo times beside the workshop's
        assert "private" in directives(response) and "public" not in directives(response), response["X-Cache"]
        assert has_vary_header(response, "Cookie")


def test_a_signed_in_organizers_page_is_kept_by_no_shared_cache(admin_client, seed, page_cache):
    response = admin_client.get("/oppo2021/")
    assert {"private", "no-cache"} <= directives(response) and "public" not in directives(response)
    assert has_vary_header(response, "Cookie")


def test_exports_do_not_vary_by_cookie(client, seed, page_cache):
    response = client.get("/oppo2021/schedule.ics")
    assert directives(response) == {"public", "max-age=60"}
    assert not has_vary_header(response, "Cookie")


def test_the_timetable_of_a_running_workshop_is_kept_outside_no_longer_than_inside(client, make_workshop, page_cache):
    today = timezone.now().date()
    workshop = make_workshop(start_date=today, end_date=today + timedelta(days=1), timezone="UTC")
    assert "max-age=30" in directives(client.get(f"/{workshop.slug}/"))  # "now" and "next" move on


def test_a_reader_who_accepts_gzip_is_sent_the_page_compressed_and_the_same_once_decompressed(client, seed, page_cache):
    plain = client.get("/oppo2021/")
    made, kept = (client.get("/oppo2021/", HTTP_ACCEPT_ENCODING="gzip, deflate, br") for _ in range(2))
    assert (made["X-Cache"], kept["X-Cache"]) == ("miss", "hit")
    for response in (made, kept):
        assert response["Content-Encoding"] == "gzip"
        assert has_vary_header(response, "Accept-Encoding")  # a shared cache keeps the two apart too
        assert int(response["Content-Length"]) == len(response.content) < len(plain.content) / 3
        assert gzip.decompress(response.content) == plain.content


def test_a_reader_who_does_not_accept_gzip_is_never_sent_the_compressed_page_from_the_cache(client, seed, page_cache):
    client.get("/oppo2021/posters/", HTTP_ACCEPT_ENCODING="gzip")
    response = client.get("/oppo2021/posters/", HTTP_ACCEPT_ENCODING="identity")
    assert not response.has_header("Content-Encoding")
    assert response.content.startswith(b"<!doctype html>")


def test_a_compressed_page_answers_a_conditional_request_with_304(client, seed, page_cache):
    first = client.get("/oppo2021/", HTTP_ACCEPT_ENCODING="gzip")
    again = client.get("/oppo2021/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
