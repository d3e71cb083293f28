"""Whole public pages and exports served from Django's cache, retired the moment programme data changes.

A cached page is keyed on the programme version (workshop.models.ProgrammeVersion, see generation()), which
every change to a schedule or posters row moves on, once per transaction and only after it commits, and on what
the page reads of the request: its path, the query parameters it uses and the zone cookie. Each process reads
the version at most every PROGRAMME_VERSION_CHECK_SECONDS, so an edit reaches every worker within that time and
the process that made it at once. Hits are answered near the top of the middleware stack: no view, no template,
no session either (only a session cookie is looked up, to tell an organizer signed in from anyone else). The
costly parts of a page ({% cache %} fragments: a timetable's rows, a long list of people, a room map) are kept
under the same version, so that a page rendered afresh (the page cache off, a signed-in organizer, the first
request after an edit) is cheaper too.
"""

import hashlib
import re
import threading
import time
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.http import http_date

from schedule.timezones import ZONE_COOKIE, ZONE_PARAMETER, is_zone_name

PROGRAMME_APPS = {"schedule", "posters"}
NOT_CACHED_PREFIXES = ("/admin/", "/healthz", "/static/")
KEPT_HEADERS = ("Content-Type", "Content-Encoding", "Content-Disposition", "ETag", "Last-Modified", "Vary",
                "X-Frame-Options", "Content-Language", "Cache-Control", "Content-Security-Policy", "X-Robots-Tag")

# As GZipMiddleware, below the cache, reads Accept-Encoding: a compressed page and a plain one are kept apart.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")

_seen = {"number": None, "changed_at": None, "checked": 0.0}


def cache():
    return caches[settings.PROGRAMME_CACHE_ALIAS]


def current_version():
    """(number, changed_at) of the programme, read from the database at most every few seconds."""
    now = time.monotonic()
    if _seen["number"] is None or now - _seen["checked"] >= settings.PROGRAMME_VERSION_CHECK_SECONDS:
        from .models import ProgrammeVersion

        try:
            row = ProgrammeVersion.objects.filter(pk=1).values_list("number", "changed_at").first()
        except DatabaseError:
            # The database is away (a restart, a failover): nothing can change meanwhile, so the pages
            # already cached stay right and keep being served. Try again at the next check.
            _seen["checked"] = now
            return _seen["number"], _seen["changed_at"]
        _seen["number"], _seen["changed_at"] = row or (0, timezone.now())
        _seen["checked"] = now
    return _seen["number"], _seen["changed_at"]


def bump_version():
    from .models import ProgrammeVersion

    changed_at = timezone.now()
    try:
        with transaction.atomic():
            updated = ProgrammeVersion.objects.filter(pk=1).update(number=F("number") + 1, changed_at=changed_at)
            if not updated:
                ProgrammeVersion.objects.create(pk=1, number=1, changed_at=changed_at)
    except DatabaseError:
        # Only while migrating: data migrations of the programme apps run before the version table exists.
        return
    _seen["number"] = None  # this process sees its own change at once


_pending = threading.local()  # connections and transactions belong to a thread


def bump_after_commit():
    """Once per transaction, after it commits: a rolled-back change retires nothing. Every change asks; the
    first answer after the commit bumps, the others find nothing left to do."""
    _pending.changed = True
    transaction.on_commit(bump_if_changed)


def bump_if_changed():
    if getattr(_pending, "changed", False):
        _pending.changed = False
        bump_version()


def programme_changed(sender, **kwargs):
    """Connected to every model's saves and deletes (apps.py); counts those of the programme's apps."""
    if sender._meta.app_label in PROGRAMME_APPS:
        bump_after_commit()


def migrated(sender, **kwargs):
    bump_version()


def generation(number, changed_at):
    """What pages and fragments are kept under: the version's number and the instant it was reached.

    The number alone is not enough: restoring a backup (pg_restore --clean) puts an earlier number back, and
    the next edit reaches a number already used before the restore, under which pages of other rows may still
    be cached for an hour. A number together with the instant bump_version() reached it is never reached twice,
    as time moves on; the instant is already stored with the number, so this needs no new column (a random token
    written with each bump would do as well). The restore procedure (README) runs `migrate` afterwards, which
    bumps the version, so that not even pages of the backup's own version come back."""
    return f"{number}@{changed_at.isoformat()}"


def fragments(request):
    """Context for {% cache fragment_seconds name ... programme_version %}: a fragment is kept while the
    programme stays at the version the request began with (ProgrammeCacheMiddleware); none without one."""
    version = getattr(request, "programme_version", None)
    return {"fragment_seconds": settings.PROGRAMME_FRAGMENT_SECONDS if version is not None else 0,
            "programme_version": version}


# The query parameters each public page reads (grep the views for request.GET): only these are part of its cache
# key, so that `?bust=<random>` or a tracking parameter is answered from the cache like the plain address. A
# page missing here keeps its whole query string in the key (correct, but open to such bypassing); a test checks
# that every public URL is listed.
ZONE = ZONE_PARAMETER  # the pages showing times in the reader's zone also read the zone cookie
PAGE_PARAMETERS = {
    "workshop-list": (),
    "schedule:timetable": (ZONE,),
    "schedule:session-detail": (ZONE,),
    "speaker-list": (ZONE, "page"),
    "speaker-detail": (ZONE,),
    "posters:poster-list": (ZONE, "page"),
    "posters:poster-detail": (ZONE,),
    "search": (ZONE, "q", "kind", "speaker", "room", "page"),
    # keys (workshop/agenda.py), slugs in older links, and since: the moment after which its items' changes show
    "agenda": (ZONE, "s", "p", "sessions", "posters", "since"),
    "agenda-ics": ("s", "p", "sessions", "posters"),
    "schedule-ics": (),
    "schedule-xml": (),
    "schedule-json": (),
    "session-ics": (),
    "printed-programme": ("also",),
    "qr-code": (),
    "changes": (),  # in the workshop's zone, whatever the reader's
    "changes-feed": (),
    "sitemap": (),
    "sitemap-workshop": ("p",),
    "manifest": (),
    "offline-list": (),
    "search-index": (),
    "service-worker": (),
}


def page_parameters(request):
    """The query parameters the requested page reads, or None when the page is not known here."""
    try:
        view_name = resolve(request.path_info).view_name
    except Resolver404:
        return None
    return PAGE_PARAMETERS.get(view_name)


def chosen_zone(request, parameters):
    """The zone cookie, where the page reads it and it names a zone: the page ignores any other value, so other
    values share the page of those without the cookie instead of each making a page of its own."""
    if parameters is None or ZONE in parameters:
        remembered = request.COOKIES.get(ZONE_COOKIE, "")
        return remembered if is_zone_name(remembered) else ""
    return ""


def page_key(request, version, parameters):
    if parameters is None:
        query = request.META.get("QUERY_STRING", "")
    else:
        # Sorted by name, each name's values in the order given (the agenda lists slugs in that order).
        query = urlencode([(name, value) for name in sorted(parameters) for value in request.GET.getlist(name)])
    gzip = "gzip" if ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else ""
    parts = [version, request.get_host(), request.method == "HEAD" and "GET" or request.method,
             request.path, query, chosen_zone(request, parameters), gzip]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def is_public_request(request):
    return request.method in ("GET", "HEAD") and not request.path.startswith(NOT_CACHED_PREFIXES)


def is_signed_in(request):
    """Whether the request's session belongs to a signed-in user (only staff can sign in: the admin is the one
    login). Read here, before SessionMiddleware, from the session store Django uses: a session cookie alone, of
    an anonymous session or a made-up one, must not pass the page cache by."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    if not key or "\x00" in key:  # no session has such a key, and PostgreSQL refuses NUL in a query
        return False
    try:
        return SESSION_KEY in import_module(settings.SESSION_ENGINE).SessionStore(key)
    except DatabaseError:
        return False  # the database is away: no edit can be made meanwhile, the cached pages are right


def is_cacheable_response(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def tell_shared_caches(request, response, parameters, signed_in):
    """Vary and Cache-Control for browsers and shared caches (a CDN, a proxy) between the reader and us.

    A page in the reader's zone depends on the zone cookie: Vary: Cookie, and private where a zone cookie chose
    it, so that no shared cache hands Tokyo times to everyone. An organizer's page shows unpublished state and
    is never kept downstream. Everything else is public for a short time (PROGRAMME_BROWSER_CACHE_SECONDS):
    caches outside cannot be told when the programme changes, as our page cache is."""
    if response.status_code != 200 or response.has_header("Cache-Control"):
        return  # an error, or a view that decided for itself (never_cache, no-store)
    if parameters is None or ZONE in parameters:
        patch_vary_headers(response, ["Cookie"])
    if signed_in:
        patch_cache_control(response, private=True, no_cache=True)
        return
    seconds = min(getattr(response, "cache_seconds", settings.PROGRAMME_CACHE_SECONDS),
                  settings.PROGRAMME_BROWSER_CACHE_SECONDS)
    per_reader = bool(response.cookies) or chosen_zone(request, parameters)
    patch_cache_control(response, **{"private" if per_reader else "public": True}, max_age=seconds)


class ProgrammeCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        public = is_public_request(request)
        signed_in = public and is_signed_in(request)
        # Signed-in organizers are never served a whole cached page (fragments, keyed on the version, they are).
        cacheable = public and not signed_in and settings.PROGRAMME_CACHE_SECONDS > 0
        number = changed_at = None
        if cacheable or settings.PROGRAMME_FRAGMENT_SECONDS:
            number, changed_at = current_version()
        # Pages and fragments are kept under the version as the request began: an edit that commits while the
        # view runs moves the version on, so nothing rendered from the older rows is kept under the newer one.
        version = request.programme_version = None if number is None else generation(number, changed_at)
        parameters = page_parameters(request) if public else None
        if not cacheable or version is None:  # None: the database has not answered since this process started
            response = self.get_response(request)
            if public:
                tell_shared_caches(request, response, parameters, signed_in)
            return response
        key = page_key(request, version, parameters)
        entry = cache().get(key)
        if entry is not None:
            return self.hit(request, entry)
        response = self.get_response(request)
        storable = is_cacheable_response(response)  # the view's verdict, before the headers for caches outside
        tell_shared_caches(request, response, parameters, signed_in)
        if storable:
            if not response.has_header("ETag"):
                set_response_etag(response)
            if not response.has_header("Last-Modified"):
                response["Last-Modified"] = http_date(changed_at.timestamp())
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            seconds = getattr(response, "cache_seconds", settings.PROGRAMME_CACHE_SECONDS)
            cache().set(key, (response.content, headers), seconds)
            response["X-Cache"] = "miss"
        return response

    def hit(self, request, entry):
        content, headers = entry
        conditional = get_conditional_response(
            request, etag=headers.get("ETag"), last_modified=None, response=None
        )
        if conditional is not None:
            for name in ("ETag", "Last-Modified", "Vary", "Cache-Control"):
                if name in headers:
                    conditional[name] = headers[name]
            conditional["X-Cache"] = "hit"
            return conditional
        response = HttpResponse(content if request.method == "GET" else b"")
        for name, value in headers.items():
            response[name] = value
        response["Content-Length"] = str(len(content))
        response["X-Cache"] = "hit"
        return response
