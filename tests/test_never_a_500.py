"""No address and no query string makes a public page fail: arbitrary input is a page, a redirect, a 400 or a 404.

Hypothesis generates path segments and query parameters (unicode, NUL and other control characters, very
long strings, percent-encoded garbage, unknown and repeated parameters) for every public URL pattern and
requests them against the seed programme. PostgreSQL refuses NUL bytes in strings, so run this module on
both databases.

Loading the seed takes about a second, so there are few test functions, each with many examples.
"""

import json
import os
import traceback
from urllib.parse import quote, unquote_to_bytes, urlencode

import pytest
from django.test import Client
from django.utils.http import int_to_base36
from hypothesis import HealthCheck, currently_in_test_context, event, example, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT

ALLOWED = {200, 301, 302, 304, 400, 404}
# Stands for any markup an attacker sends; a page that shows it unescaped runs their script.
MARKER = "<script>hyp()</script>"
MARKER_SEEN = "<script>hyp"  # a page that cuts the input short may keep only the start


# NEVER_A_500_SCALE=10 multiplies every test's examples, for a longer hunt than the suite can afford.
SCALE = float(os.environ.get("NEVER_A_500_SCALE", "1"))


def fuzz(examples):
    return settings(
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        deadline=None,
        max_examples=max(1, round(examples * SCALE)),
    )


def _seed_slugs():
    items = json.loads((ROOT / "fixtures" / "oppo2021.json").read_text())

    def slugs(model):
        return sorted(item["fields"]["slug"] for item in items if item["model"] == model)

    return {
        "workshop": slugs("schedule.workshop"),
        "session": slugs("schedule.session"),
        "speaker": slugs("schedule.speaker"),
        "poster": slugs("posters.poster"),
        "room": slugs("schedule.room"),
    }


SEED = _seed_slugs()

# Pieces that tend to break things, mixed with arbitrary unicode (surrogates aside: no client can send them).
NASTY = [
    "\x00", "\r\n", "\n", "\t", "\x1b", "\x7f", "\u2028", "\ufeff", "\u202e", "\U0001f600", "é", "ß", "İ",
    "%", "%00", "%0a", "%ff", "%c3", "%e2%80", "%ed%a0%80", "%zz", "%%", "+", "&", "=", ";", "#", "?",
    "/", "\\", "..", "../", "'", '"', "`", "<", ">", "&amp;", "&#x27;", MARKER, " ", "", "-", "_", ",",
    ",,", "0", "-1", "1e9", "99999999999999999999", "NaN", "null", "None", "[]", "{}", "*", "%s", "{0}",
    "Europe/Berlin", "America/Los_Angeles", "UTC", "Etc/GMT+14", "posix/Europe/Berlin", "poster",
    "invited_talk", "spotlight",
]  # fmt: skip
arbitrary_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
piece = st.one_of(arbitrary_text, st.sampled_from(NASTY), st.sampled_from([slug for slugs in SEED.values() for slug in slugs]))
long_text = st.builds(lambda part, times: part * times, st.text(min_size=1, max_size=4), st.integers(200, 3000))
percent_garbage = st.lists(
    st.one_of(st.integers(0, 255).map("%{:02X}".format), st.sampled_from(["%", "%G", "%0", "%%", "%u00e9"])),
    min_size=1,
    max_size=20,
).map("".join)
text = st.one_of(st.lists(piece, max_size=6).map("".join), long_text, percent_garbage)
SLUG_CHARACTERS = "-_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
slug_like = st.one_of(  # passes the URL's slug converter, so reaches the view and its query
    st.text(SLUG_CHARACTERS, min_size=1, max_size=40),
    st.builds(lambda part, times: part * times, st.text(SLUG_CHARACTERS, min_size=1, max_size=3), st.integers(100, 2000)),
)


def segment(kind):
    """A path segment: the seed's own slug, something the slug converter accepts, or anything at all."""
    return st.one_of(st.sampled_from(SEED[kind]), slug_like, text)


READ_PARAMETERS = ["tz", "q", "kind", "speaker", "room", "sessions", "posters", "s", "page", "p"]


def slug_lists(kind):
    return st.lists(st.one_of(st.sampled_from(SEED[kind]), slug_like), max_size=8).map(",".join)


# The agenda's keys: base-36 numbers joined by dots, from the seed's own to past any integer column's range.
key_lists = st.one_of(
    st.lists(st.integers(0, 36**14).map(int_to_base36), max_size=8).map(".".join),
    st.integers(480, 520).map(lambda n: ".".join(int_to_base36(i) for i in range(1, n + 1))),  # about the limit
)


value_for = {
    "tz": st.one_of(text, st.sampled_from(["Europe/Berlin", "Asia/Kathmandu", "UTC", " UTC ", "Etc/GMT-14"])),
    "kind": st.one_of(text, st.sampled_from(["poster", "invited_talk", "break", "spotlight"])),
    "speaker": st.one_of(text, st.sampled_from(SEED["speaker"])),
    "room": st.one_of(text, st.sampled_from(SEED["room"])),
    "sessions": st.one_of(
        text,
        slug_lists("session"),
        st.integers(480, 520).map(lambda n: ",".join(f"s{i}" for i in range(n))),  # about the agenda's limit
    ),
    "posters": st.one_of(text, slug_lists("poster")),
    "s": st.one_of(text, key_lists),
    "page": st.one_of(text, st.integers(-(10**20), 10**20).map(str)),
    "p": st.one_of(text, st.integers(-(10**20), 10**20).map(str), key_lists),  # the sitemap's page, the agenda's posters
}
# Mostly the parameters some view reads, sometimes any name at all.
parameter_name = st.sampled_from([*READ_PARAMETERS, None, None]).flatmap(lambda name: st.just(name) if name else text)
parameter = parameter_name.flatmap(lambda name: st.tuples(st.just(name), value_for.get(name, text)))
query = st.lists(parameter, max_size=8)  # a list of pairs, so a parameter may come twice


PATTERNS = {
    "/": [],
    "/{workshop}/": ["workshop"],
    "/{workshop}/sessions/{session}/": ["workshop", "session"],
    "/{workshop}/sessions/{session}.ics": ["workshop", "session"],
    "/{workshop}/speakers/": ["workshop"],
    "/{workshop}/speakers/{speaker}/": ["workshop", "speaker"],
    "/{workshop}/posters/": ["workshop"],
    "/{workshop}/posters/{poster}/": ["workshop", "poster"],
    "/{workshop}/search/": ["workshop"],
    "/{workshop}/agenda/": ["workshop"],
    "/{workshop}/agenda.ics": ["workshop"],
    "/{workshop}/schedule.ics": ["workshop"],
    "/{workshop}/schedule.xml": ["workshop"],
    "/{workshop}/schedule.json": ["workshop"],
    "/sitemap.xml": [],
    "/sitemap-{workshop}.xml": ["workshop"],
    "/healthz": [],
}
SEED_PAGES = [pattern.format(**{name: SEED[name][0] for name in names}) for pattern, names in PATTERNS.items()]
# The pages that read most parameters come up more often.
WEIGHTED_SEED_PAGES = SEED_PAGES + 3 * ["/oppo2021/search/", "/oppo2021/agenda/"] + ["/oppo2021/agenda.ics", "/oppo2021/"]


def as_header(value):
    """What a WSGI server hands Django for a header sent as UTF-8: its bytes as latin-1, no line breaks."""
    return value.replace("\r", "").replace("\n", "").encode("utf-8").decode("latin-1")


# One client for the module: each new one loads the middleware again, and WhiteNoise then rescans the
# static files, which would be most of the run's time. It re-raises a view's exception (the default).
CLIENT = Client(raise_request_exception=True)


def fetch(url, cookies=(), **headers):
    """GET url; a view's exception fails the test with its traceback rather than passing as a 500."""
    CLIENT.cookies.clear()  # no tz cookie carried from one example to the next
    for name, value in dict(cookies).items():
        CLIENT.cookies[name] = as_header(value)  # sent quoted, with octal escapes that Django unquotes
    raw = {}
    if url.startswith("//"):
        # The test client would read "//x/..." as host x, or refuse "//[" as a bad IPv6 host; a server hands
        # the path to Django as it came, percent-escapes undone and the bytes as latin-1 (WSGI).
        path, _, query_string = url.partition("?")
        raw = {
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "QUERY_STRING": query_string.encode("utf-8").decode("latin-1"),
        }
        url = "/"
    try:
        response = CLIENT.get(url, headers={name: as_header(value) for name, value in headers.items()}, **raw)
    except Exception:  # whatever the view raised is the finding
        pytest.fail(f"GET {url!r} raised:\n{traceback.format_exc()}", pytrace=False)
    assert response.status_code in ALLOWED, f"GET {url!r} answered {response.status_code}"
    if currently_in_test_context():
        event(f"answered {response.status_code}")  # --hypothesis-show-statistics: how deep the examples got
    if response.get("Content-Type", "").startswith("text/html"):
        assert MARKER_SEEN not in response.content.decode("utf-8", "replace"), f"GET {url!r} shows markup unescaped"
    return response


def fill(pattern, segments):
    return pattern.format(**{name: quote(value, safe="") for name, value in segments.items()})


NASTY_QUERY = [(name, f"{MARKER}\x00\n%ff") for name in READ_PARAMETERS] + [("sessions", "a\n"), ("zz", MARKER)]


def with_every_seed_page(test):
    """Explicit examples: whatever hypothesis draws, every seed page gets a nasty query string at least once."""
    for page in SEED_PAGES:
        test = example(page=page, pairs=NASTY_QUERY)(test)
    return test


@fuzz(200)
@given(page=st.sampled_from(WEIGHTED_SEED_PAGES), pairs=query)
@with_every_seed_page
def test_any_query_string_on_the_seed_pages_gets_an_answer_not_a_server_error(seed, page, pairs):
    # The seed's own slugs in the path, so that every view runs its queries on the generated parameters.
    fetch(f"{page}?{urlencode(pairs, quote_via=quote)}")


@fuzz(300)
@given(pattern=st.sampled_from(list(PATTERNS)), data=st.data())
def test_any_path_segment_with_any_query_string_gets_an_answer_not_a_server_error(seed, pattern, data):
    segments = {name: data.draw(segment(name), label=name) for name in PATTERNS[pattern]}
    pairs = data.draw(query, label="query")
    fetch(fill(pattern, segments) + ("?" + urlencode(pairs, quote_via=quote) if pairs else ""))


raw_pair = st.tuples(st.one_of(st.sampled_from(READ_PARAMETERS), text), text).map(lambda kv: f"{kv[0]}={kv[1]}")
raw_query = st.lists(st.one_of(raw_pair, text), max_size=6).map("&".join)


@fuzz(150)
@given(pattern=st.sampled_from(list(PATTERNS)), data=st.data())
def test_unquoted_paths_and_query_strings_get_an_answer_not_a_server_error(seed, pattern, data):
    # Sent as typed: no quoting, so "/", "?", "#", "%" and spaces land wherever they fall.
    segments = {name: data.draw(segment(name), label=name) for name in PATTERNS[pattern]}
    fetch(pattern.format(**segments) + "?" + data.draw(raw_query, label="query"))


@fuzz(100)
@given(path=st.one_of(text, st.lists(text, max_size=5).map("/".join)), trailing=st.sampled_from(["", "/", "//"]))
@example(path="/[", trailing="/")  # "//[/": once refused by the test client itself, as a bad IPv6 host
@example(path="/oppo2021", trailing="/")  # "//oppo2021/": read by the test client as host oppo2021
def test_arbitrary_paths_get_an_answer_not_a_server_error(seed, path, trailing):
    fetch(f"/{path}{trailing}")
    fetch(f"/oppo2021/{path}{trailing}")
    fetch(f"/oppo2021/sessions/{path}{trailing}")


@pytest.fixture
def page_cache(settings):
    """Whole-page caching on, as in production (workshop/caching.py), so that cache hits are fuzzed too."""
    from django.core.cache import caches

    settings.PROGRAMME_CACHE_SECONDS = 3600
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()  # no page cached here may answer another test


# The zone cookie, and the cookies Django's own middleware reads (an organizer's session among them).
COOKIE_NAMES = ["tz", "sessionid", "csrftoken", "messages"]


@fuzz(60)
@given(
    page=st.sampled_from(SEED_PAGES),
    cookies=st.dictionaries(st.sampled_from(COOKIE_NAMES), st.one_of(text, st.sampled_from(["\x00" * 40, "x" * 40])), max_size=4),
    if_none_match=text,
    if_modified_since=text,
)
def test_garbled_cookies_or_conditional_headers_get_an_answer_not_a_server_error(
    seed, page_cache, page, cookies, if_none_match, if_modified_since
):
    for _ in ("the page is made", "and served from the cache"):
        response = fetch(page, cookies=cookies, if_none_match=if_none_match, if_modified_since=if_modified_since)
        event(f"X-Cache: {response.get('X-Cache')}")


NUL_URLS = [
    "/oppo2021/search/?q=%00",
    "/oppo2021/search/?q=a%00b&kind=%00&speaker=%00&room=%00",
    "/oppo2021/search/?q=x&kind=poster%00&speaker=peter-bartlett%00&room=gather-town-room-1%00",
    "/oppo2021/agenda/?sessions=%00",
    "/oppo2021/agenda/?sessions=opening-remarks%0A",
    "/oppo2021/agenda.ics?posters=a%0A&sessions=opening-remarks%0A",
    "/oppo2021/agenda/?s=1%0A&p=%00",
    "/oppo2021/agenda.ics?s=1%00",
    "/oppo2021/?tz=%00",
    "/oppo2021/sessions/opening-remarks/?tz=Europe%2FBerlin%00",
    "/sitemap.xml?p=%00",
    "/oppo2021/sessions/opening%00remarks/",
    "/oppo2021/speakers/peter-bartlett%00/",
    "/oppo2021%00/",
    "/oppo2021/posters/%00/",
]
NUL_COOKIES = {name: "\x00" * 40 for name in COOKIE_NAMES}


def test_a_nul_byte_or_line_break_anywhere_gets_an_answer_not_a_server_error(seed):
    # Inputs hypothesis might take long to hit: PostgreSQL refuses NUL in any string it is sent, and a
    # regular expression's $ also matches before a final line break.
    failures = []
    for url, cookies in [*((url, {}) for url in NUL_URLS), *((page, NUL_COOKIES) for page in SEED_PAGES)]:
        try:
            fetch(url, cookies)
        except (AssertionError, pytest.fail.Exception) as failure:
            failures.append(str(failure))
    assert not failures, "\n\n".join(failures)


def test_the_guard_fails_on_a_view_that_raises(empty_db, make_workshop, monkeypatch):
    """fetch() is only worth something if a crashing view really fails the test."""
    from schedule import views

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    make_workshop(slug="oppo2021")
    monkeypatch.setattr(views.TimetableView, "get_context_data", explode)
    with pytest.raises(pytest.fail.Exception, match="boom"):
        fetch("/oppo2021/")


def test_the_guard_fails_on_markup_shown_unescaped(empty_db, make_workshop, monkeypatch):
    from django.http import HttpResponse

    from schedule import views

    make_workshop(slug="oppo2021")
    monkeypatch.setattr(views.TimetableView, "get", lambda self, request, **kwargs: HttpResponse(MARKER))
    with pytest.raises(AssertionError, match="unescaped"):
        fetch("/oppo2021/")
