"""sitemap.xml: an index of one sitemap per workshop (sitemap-<workshop>.xml), each listing that workshop's pages.

One sitemap of every page of every workshop grew to 1.6 MB and a second of work for the NeurIPS-sized demo;
split per workshop, each part is small, and each is cached whole like any page (workshop/caching.py). The pages
are read for every workshop at once, in six queries whatever their number: the index needs each part's size
(Django pages a sitemap longer than Sitemap.limit, and the index links every page of it).
"""

from collections import defaultdict

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import index, sitemap
from django.http import Http404
from django.urls import reverse

from posters.models import Poster, PosterAuthor
from schedule.models import Session, SessionSpeaker, Workshop, WorkshopOrganizer

WORKSHOP_PAGES = [("schedule:timetable", 1.0), ("speaker-list", 0.6), ("posters:poster-list", 0.8), ("changes", 0.3)]
SESSION_PRIORITY, POSTER_PRIORITY, PERSON_PRIORITY = 0.7, 0.5, 0.4


class WorkshopSitemap(Sitemap):
    """Every public page of one workshop; items are (URL name, its arguments, priority)."""

    changefreq = "daily"

    def __init__(self, pages):
        self.pages = pages

    def items(self):
        return self.pages

    def location(self, item):
        return reverse(item[0], args=item[1])

    def priority(self, item):
        return item[2]


def workshop_sitemaps(slugs=None):
    """{workshop slug: its WorkshopSitemap}, of every workshop or of those named."""
    workshops = Workshop.objects.order_by("slug")
    if slugs is not None:
        workshops = workshops.filter(slug__in=slugs)
    pages = {slug: [(name, [slug], priority) for name, priority in WORKSHOP_PAGES]
             for slug in workshops.values_list("slug", flat=True)}
    chosen = {"workshop__slug__in": list(pages)}
    sessions = Session.objects.filter(**chosen).order_by("workshop__slug", "starts_at", "slug")
    for workshop, slug in sessions.values_list("workshop__slug", "slug"):
        pages[workshop].append(("schedule:session-detail", [workshop, slug], SESSION_PRIORITY))
    posters = Poster.objects.filter(**chosen).order_by("workshop__slug", "slug")
    for workshop, slug in posters.values_list("workshop__slug", "slug"):
        pages[workshop].append(("posters:poster-detail", [workshop, slug], POSTER_PRIORITY))
    people = defaultdict(set)  # a person who speaks, presents and organizes has one page in the workshop
    for through, path in [(SessionSpeaker, "session__workshop"), (PosterAuthor, "poster__workshop"),
                          (WorkshopOrganizer, "workshop")]:
        rows = through.objects.filter(**{f"{path}__slug__in": list(pages)})
        for workshop, person in rows.values_list(f"{path}__slug", "speaker__slug"):
            people[workshop].add(person)
    for workshop, persons in people.items():
        pages[workshop] += [("speaker-detail", [workshop, person], PERSON_PRIORITY) for person in sorted(persons)]
    return {slug: WorkshopSitemap(workshop_pages) for slug, workshop_pages in pages.items()}


def sitemap_index(request):
    return index(request, workshop_sitemaps(), sitemap_url_name="sitemap-workshop")


def workshop_sitemap(request, section):
    sitemaps = workshop_sitemaps([section])
    if not sitemaps:
        raise Http404("No such workshop.")
    return sitemap(request, sitemaps, section=section)
