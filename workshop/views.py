from itertools import groupby

from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.cache import never_cache
from django.views.generic import ListView, TemplateView

from posters.models import Poster, listed_posters
from schedule.models import Session, Speaker, Workshop, room_choices
from schedule.views import WorkshopPageMixin

from . import people, search
from .export_views import agenda_items
from .filters import SearchForm, found_poster_ids, found_sessions


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


POSTERS_FOUND_PER_PAGE = 20


class SearchView(WorkshopPageMixin, TemplateView):
    """Sessions and posters matching a text and filters; invalid input is a 400 with the form explaining why."""

    template_name = "search.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        status = 400 if context["form"].is_bound and not context["form"].is_valid() else 200
        return self.render_to_response(context, status=status)

    def get_context_data(self, **kwargs):
        data = self.request.GET if self.request.GET else None
        directory = people.directory(self.workshop)
        form = SearchForm(data, people=directory.choices, rooms=room_choices(self.workshop))
        sessions, posters, poster_count, q = [], [], 0, None
        if form.is_bound and form.is_valid() and form.is_searching:
            values = form.cleaned_data
            q = search.read(values["q"], directory.names) if values["q"] else None
            filters = (q, values["kind"], values["speaker"], values["room"])
            sessions = found_sessions(self.workshop, *filters)
            # A workshop has tens of sessions but may have hundreds of posters: those come a page at a time.
            found = found_poster_ids(self.workshop, *filters)
            posters = Paginator(found, POSTERS_FOUND_PER_PAGE).get_page(self.request.GET.get("page"))
            posters.object_list = listed_posters(self.workshop, posters.object_list)  # the page's ids, then rows
            poster_count = posters.paginator.count
        return super().get_context_data(
            form=form,
            sessions=sessions,
            posters=posters,
            page_obj=posters or None,
            poster_count=poster_count,
            result_count=len(sessions) + poster_count,
            highlight_words=q.terms if q else [],
            **kwargs,
        )


class AgendaView(WorkshopPageMixin, TemplateView):
    """The sessions and posters a reader starred (kept in their browser, sent as ?sessions=…&posters=…)."""

    template_name = "agenda.html"

    def get(self, request, *args, **kwargs):
        items = agenda_items(request, self.workshop)
        if items is None:
            context = self.get_context_data(malformed=True, sessions=[], posters=[], unknown=[], **kwargs)
            return self.render_to_response(context, status=400)
        sessions, posters, unknown = items
        context = self.get_context_data(sessions=sessions, posters=posters, unknown=unknown, **kwargs)
        return self.render_to_response(context)


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
