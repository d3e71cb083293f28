import math
from itertools import groupby

from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.generic import ListView, TemplateView

from posters.models import Poster
from schedule.models import Session, Speaker, Workshop
from schedule.views import WorkshopPageMixin

from . import people
from .agenda import LIMIT as AGENDA_LIMIT
from .agenda import DamagedLink, TooManyItems, read_agenda, what_changed


class WorkshopListView(ListView):
    """Every workshop; with only one, straight to its timetable."""

    model = Workshop
    template_name = "workshop_list.html"

    def get(self, request, *args, **kwargs):
        workshops = list(Workshop.objects.all()[:2])
        if len(workshops) == 1:
            return redirect(workshops[0])
        return super().get(request, *args, **kwargs)


PEOPLE_PER_PAGE = 200


class SpeakerListView(WorkshopPageMixin, TemplateView):
    """Everyone in the workshop by family name, a page at a time, with initials that jump to their page."""

    template_name = "speakers/speaker_list.html"

    def get_context_data(self, **kwargs):
        everyone = people.alphabetical(people.people_of(self.workshop))
        page = Paginator(everyone, PEOPLE_PER_PAGE).get_page(self.request.GET.get("page"))
        letters = [(letter, list(group)) for letter, group in groupby(page, key=people.index_letter)]
        initials = {}
        for position, person in enumerate(everyone):
            initials.setdefault(people.index_letter(person), position // PEOPLE_PER_PAGE + 1)
        return super().get_context_data(
            letters=letters, initials=initials.items(), speaker_count=len(everyone), page_obj=page, **kwargs
        )


class SpeakerDetailView(WorkshopPageMixin, TemplateView):
    template_name = "speakers/speaker_detail.html"

    def get_context_data(self, **kwargs):
        speaker = get_object_or_404(Speaker, slug=self.kwargs["slug"])
        sessions = list(Session.objects.for_timetable(self.workshop).filter(session_speakers__speaker=speaker))
        posters = list(Poster.objects.for_listing(self.workshop).filter(poster_authors__speaker=speaker))
        organizes = self.workshop.workshop_organizers.filter(speaker=speaker).exists()
        if not (sessions or posters or organizes):
            raise Http404("This person has no part in this workshop.")
        return super().get_context_data(
            speaker=speaker, sessions=sessions, posters=posters, organizes=organizes, **kwargs
        )


class AgendaView(WorkshopPageMixin, TemplateView):
    """The sessions and posters a reader starred (kept in their browser, sent as ?s=…&p=…, see agenda.py)."""

    template_name = "agenda.html"

    def get(self, request, *args, **kwargs):
        try:
            agenda = read_agenda(request.GET, self.workshop)
        except DamagedLink:
            return self.refuse(malformed=True, **kwargs)
        except TooManyItems as error:
            return self.refuse(too_many=error.count, **kwargs)
        now = timezone.now()
        news = what_changed(agenda, self.workshop, now)
        context = self.get_context_data(
            sessions=agenda.sessions, posters=agenda.posters, agenda_query=agenda.query(), kept_fields=agenda.fields(),
            unknown=agenda.unknown - len(news.removed["sessions"]) - len(news.removed["posters"]), news=news,
            session_rows=news.in_time(agenda.sessions), poster_count=len(agenda.posters) + len(news.removed["posters"]),
            # The server's clock, not the browser's: agenda.js keeps it as seen, for the next link's since. Rounded
            # up: a change earlier in this second is on this page, and must not be news again.
            shown_at=math.ceil(now.timestamp()), **kwargs
        )
        return self.render_to_response(context)

    def refuse(self, **context):
        context = self.get_context_data(agenda_limit=AGENDA_LIMIT, **context)
        return self.render_to_response(context, status=400)


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not: for load balancers and process managers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
