"""sitemap.xml: every public page of every workshop."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from posters.models import Poster, PosterAuthor
from schedule.models import Session, SessionSpeaker, Workshop, WorkshopOrganizer


class WorkshopPagesSitemap(Sitemap):
    """Each workshop's timetable and its lists."""

    changefreq = "daily"
    PAGES = [("schedule:timetable", 1.0), ("speaker-list", 0.6), ("posters:poster-list", 0.8)]

    def items(self):
        return [(workshop.slug, name, priority) for workshop in Workshop.objects.all() for name, priority in self.PAGES]

    def location(self, item):
        return reverse(item[1], args=[item[0]])

    def priority(self, item):
        return item[2]


class SessionSitemap(Sitemap):
    priority = 0.7

    def items(self):
        return Session.objects.select_related("workshop").order_by("workshop_id", "starts_at")


class PosterSitemap(Sitemap):
    priority = 0.5

    def items(self):
        return Poster.objects.select_related("workshop").order_by("workshop_id", "slug")


class SpeakerSitemap(Sitemap):
    priority = 0.4

    def items(self):
        # Three queries for every workshop at once, rather than one per workshop.
        pairs = set(SessionSpeaker.objects.values_list("session__workshop__slug", "speaker__slug"))
        pairs |= set(PosterAuthor.objects.values_list("poster__workshop__slug", "speaker__slug"))
        pairs |= set(WorkshopOrganizer.objects.values_list("workshop__slug", "speaker__slug"))
        return sorted(pairs)

    def location(self, item):
        return reverse("speaker-detail", args=list(item))


SITEMAPS = {
    "workshops": WorkshopPagesSitemap,
    "sessions": SessionSitemap,
    "posters": PosterSitemap,
    "speakers": SpeakerSitemap,
}
