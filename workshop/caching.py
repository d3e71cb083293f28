"""Whole public pages and exports served from Django's cache, retired the moment programme data changes.

A cached page is keyed on the programme version (workshop.models.ProgrammeVersion), which every change to a
schedule or posters row moves on, once per transaction and only after it commits. Each process reads the
version at most every PROGRAMME_VERSION_CHECK_SECONDS, so an edit reaches every worker within that time and
the process that made it at once. Hits are answered near the top of the middleware stack: no session, no
authentication, no view, no template. The costly parts of a page ({% cache %} fragments: a timetable's
rows, a long list of people, a room map) are kept under the same version, so that a page rendered afresh
(the page cache off, a signed-in organizer, the first request after an edit) is cheaper too.
"""

import hashlib
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date

from schedule.timezones import ZONE_COOKIE

PROGRAMME_APPS = {"schedule", "posters"}
NOT_CACHED_PREFIXES = ("/admin/", "/healthz", "/static/")
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "ETag", "Last-Modified", "Vary", "X-Frame-Options",
                "Content-Language", "Cache-Control", "Content-Security-Policy")

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


def fragments(request):
    """Context for {% cache fragment_seconds name ... programme_version %}: a fragment is kept while the
    programme stays at the version the request began with (ProgrammeCacheMiddleware); none without one."""
    version = getattr(request, "programme_version", None)
    return {"fragment_seconds": settings.PROGRAMME_FRAGMENT_SECONDS if version is not None else 0,
            "programme_version": version}


def page_key(request, number):
    parts = [str(number), request.get_host(), request.method == "HEAD" and "GET" or request.method,
             request.get_full_path(), request.COOKIES.get(ZONE_COOKIE, "")]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def is_cacheable_request(request):
    return (
        settings.PROGRAMME_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(NOT_CACHED_PREFIXES)
        # Signed-in organizers are never served a whole cached page (fragments, keyed on the version, they are).
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def is_cacheable_response(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


class ProgrammeCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cacheable = is_cacheable_request(request)
        number = changed_at = None
        if cacheable or settings.PROGRAMME_FRAGMENT_SECONDS:
            number, changed_at = current_version()
        # Pages and fragments are kept under the version as the request began: an edit that commits while the
        # view runs moves the version on, so nothing rendered from the older rows is kept under the newer one.
        request.programme_version = number
        if not cacheable or number is None:  # None: the database has not answered since this process started
            return self.get_response(request)
        key = page_key(request, number)
        entry = cache().get(key)
        if entry is not None:
            return self.hit(request, entry)
        response = self.get_response(request)
        if is_cacheable_response(response):
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
