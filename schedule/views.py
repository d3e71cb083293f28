from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import DetailView, TemplateView

from . import timetable
from .models import Session, Workshop
from .timezones import abbreviation, day_bounds, remember_zone, viewer_zone


class WorkshopPageMixin:
    """A page of one workshop, with times shown in the reader's zone (?tz=, then cookie, then the workshop's)."""

    workshops = Workshop.objects.all()

    def dispatch(self, request, *args, **kwargs):
        self.workshop = get_object_or_404(self.workshops, slug=kwargs["workshop"])
        self.zone = viewer_zone(request, self.workshop.timezone)
        return remember_zone(super().dispatch(request, *args, **kwargs), self.zone)

    def get_context_data(self, **kwargs):
        kwargs.pop("workshop", None)  # TemplateView hands over the URL's slug; the page wants the object
        return super().get_context_data(
            workshop=self.workshop,
            zone=self.zone,
            zone_abbreviation=abbreviation(self.zone.name, self.workshop.start_date),
            **kwargs,
        )


LIVE_CACHE_SECONDS = 30  # while the workshop runs, "now" and "next" must move on


def has_posters():
    # Posters are the posters app's; the timetable only needs to know whether to point at them.
    return Exists(Workshop._meta.get_field("posters").related_model.objects.filter(workshop=OuterRef("pk")))


class TimetableView(WorkshopPageMixin, TemplateView):
    template_name = "schedule/timetable.html"
    workshops = Workshop.objects.with_organizers().annotate(has_posters=has_posters())

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.context_data.get("live"):
            response.cache_seconds = LIVE_CACHE_SECONDS
        return response

    def get_context_data(self, **kwargs):
        sessions = Session.objects.for_timetable(self.workshop)
        now = timezone.now()
        opens, closes = day_bounds(self.workshop.start_date, self.workshop.end_date, self.workshop.timezone)
        live = opens <= now < closes
        days = timetable.arrange(sessions, self.workshop.tzinfo, now=now, live=live)  # the reader's clock comes second
        # While live, "now" and "next" move on with the clock: sessions start and end on the minute.
        live_minute = now.strftime("%Y%m%d%H%M") if live else ""
        return super().get_context_data(days=days, live=live, live_minute=live_minute, **kwargs)


class SessionDetailView(WorkshopPageMixin, DetailView):
    template_name = "schedule/session_detail.html"
    context_object_name = "session"

    def get_object(self, queryset=None):
        return get_object_or_404(Session.objects.for_detail(self.workshop), slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        session = self.object
        siblings = Session.objects.filter(workshop=self.workshop).only("slug", "title", "starts_at")
        return super().get_context_data(
            previous_session=siblings.filter(starts_at__lt=session.starts_at).order_by("-starts_at", "-title").first(),
            next_session=siblings.filter(starts_at__gt=session.starts_at).order_by("starts_at", "title").first(),
            **kwargs,
        )
