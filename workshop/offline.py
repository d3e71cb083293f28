"""The workshop at the venue without a network: a web app manifest, the list of what to keep offline, a search
index and the service worker that keeps them (static/js/service-worker.js).

The worker is served here, at /service-worker.js, rather than from /static/: a worker controls only the pages at
or below its own URL, and answering from the root needs no header set on static files, which whitenoise and the
live server of the browser tests would each need told about. It is sent with no-store, so that a new release's
worker is fetched at once rather than after a page cache's hour.

The list (offline.json) names every page of the workshop and the static files they use, with the programme
version: the worker stores them on the first visit, and again whenever the version has moved on. The search index
(search-index.json) lets static/js/offline-search.js answer a search from the stored copy, word for word as the
SQLite search does (workshop/search/filters.py): every word in the title, the abstract or a name, case aside.
"""

import math

from django.contrib.staticfiles import finders
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import int_to_base36
from django.views.decorators.cache import never_cache

from posters.models import Poster
from posters.views import POSTERS_PER_PAGE
from schedule.models import Session, Workshop

from . import caching
from .models import ProgrammeVersion
from .search.words import MAX_WORDS, STOP_WORDS
from .sitemaps import workshop_sitemaps
from .views import PEOPLE_PER_PAGE

WORKER = "js/service-worker.js"
ICON = "icons/workshop.svg"
# What the pages load (base.html, includes/_math_head.html), and the KaTeX fonts that inline math such as the
# seed's ($\ell_2$, $\lambda > 0$) draws with: the stylesheet asks for a font only when math needs it, so a page
# first opened offline must find it kept. The rarer ones (Fraktur, Script, bold italics…) are left to the network:
# 190 kB more for every phone.
ASSETS = [
    "css/site.css",
    "css/print.css",
    "js/site.js",
    "js/agenda.js",
    "js/offline-search.js",
    "favicon.svg",
    ICON,
    "vendor/katex/katex.min.css",
    "vendor/katex/katex.min.js",
    "vendor/katex/contrib/auto-render.min.js",
    "vendor/katex/fonts/KaTeX_Main-Regular.woff2",
    "vendor/katex/fonts/KaTeX_Math-Italic.woff2",
    "vendor/katex/fonts/KaTeX_Size1-Regular.woff2",
    "vendor/katex/fonts/KaTeX_AMS-Regular.woff2",
]


class ScriptSafeEncoder(DjangoJSONEncoder):
    """JSON with <, > and & written as escapes, as Django's json_script writes them: a title such as
    "</script><script>…" stays text wherever the JSON ends up, even read as HTML by a careless client."""

    def encode(self, o):
        return super().encode(o).translate({ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"})


def static_assets():
    return [static(name) for name in ASSETS]


def programme_version():
    """The version pages are cached under (caching.generation), read afresh: the worker compares it with the
    version of its stored copy, and a copy kept under a version a second old would never be replaced."""
    row = ProgrammeVersion.objects.filter(pk=1).values_list("number", "changed_at").first()
    return caching.generation(*row) if row else ""


def manifest(request, workshop):
    workshop = get_object_or_404(Workshop, slug=workshop)
    home = reverse("schedule:timetable", args=[workshop.slug])
    return JsonResponse(
        {
            "id": home,
            "name": workshop.title,
            "short_name": workshop.conference or workshop.title[:12],
            "description": f"The programme of {workshop.title}, also without a network.",
            "start_url": home,
            "scope": home,
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1d4ed8",  # --accent in site.css
            "icons": [{"src": static(ICON), "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
        },
        encoder=ScriptSafeEncoder,
        content_type="application/manifest+json",
    )


def offline_list(request, workshop):
    """Every page of the workshop (the sitemap's, the later pages of its long lists, search and My agenda) and
    the static files they use, under the programme version."""
    sitemaps = workshop_sitemaps([workshop])
    if not sitemaps:
        raise Http404("No such workshop.")
    pages = [sitemaps[workshop].location(item) for item in sitemaps[workshop].items()]
    kinds = [item[0] for item in sitemaps[workshop].items()]
    for name, count, per_page in [("speaker-list", kinds.count("speaker-detail"), PEOPLE_PER_PAGE),
                                  ("posters:poster-list", kinds.count("posters:poster-detail"), POSTERS_PER_PAGE)]:
        first = reverse(name, args=[workshop])
        pages += [f"{first}?page={number}" for number in range(2, math.ceil(count / per_page) + 1)]
    pages += [reverse(name, args=[workshop]) for name in ("search", "agenda", "search-index", "manifest")]
    return JsonResponse({"version": programme_version(), "pages": pages, "assets": static_assets()},
                        encoder=ScriptSafeEncoder)


def search_index(request, workshop):
    """Each session and poster with what a search matches (title, abstract, people) and what a result shows."""
    workshop = get_object_or_404(Workshop, slug=workshop)
    sessions = [
        {
            "kind": "session",
            "key": int_to_base36(session.pk),
            "url": reverse("schedule:session-detail", args=[workshop.slug, session.slug]),
            "title": session.title,
            "label": session.get_kind_display(),
            "starts_at": session.starts_at.isoformat(),
            "ends_at": session.ends_at.isoformat(),
            "room": session.room.name if session.room else "",
            "people": [person.name for person in session.speaker_list],
            "abstract": session.abstract,
        }
        for session in Session.objects.for_timetable(workshop)
    ]
    posters = [
        {
            "kind": "poster",
            "key": int_to_base36(poster.pk),
            "url": reverse("posters:poster-detail", args=[workshop.slug, poster.slug]),
            "title": poster.title,
            "label": "Poster",
            "room": poster.room.name if poster.room else "",
            "spots": poster.spot_labels,
            "people": [person.name for person in poster.author_list],
            "abstract": poster.abstract,
        }
        for poster in Poster.objects.for_listing(workshop)
    ]
    return JsonResponse({
        "timezone": workshop.timezone,
        # The words a search ignores, as the server ignores them (search/words.py).
        "stop_words": sorted(STOP_WORDS),
        "max_words": MAX_WORDS,
        "sessions": sessions,
        "posters": posters,
    }, encoder=ScriptSafeEncoder)


@never_cache
def service_worker(request):
    path = finders.find(WORKER)
    with open(path, "rb") as worker:
        response = HttpResponse(worker.read(), content_type="application/javascript; charset=utf-8")
    # Already the scope of a worker served from the root; said outright so that moving it keeps the scope.
    response["Service-Worker-Allowed"] = "/"
    return response
