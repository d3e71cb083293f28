from functools import partial

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from posters.models import Poster
from schedule.models import Session
from schedule.views import WorkshopPageMixin
from workshop import people

from .excerpts import with_excerpts
from .filters import PosterFilter, SessionFilter
from .words import words

POSTERS_FOUND_PER_PAGE = 20


def person_options(workshop, field):
    """The people's select: "Anyone", then everyone by family name."""
    return [("", field.empty_label), *people.choices(workshop)]


class SearchView(WorkshopPageMixin, TemplateView):
    """Sessions and posters matching a text and filters; invalid input is a 400 with the form explaining why."""

    template_name = "search.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=400 if context["form"].errors else 200)

    def get_context_data(self, **kwargs):
        data = self.request.GET or None
        choices = {
            "people": people.appearing_in(self.workshop),
            "rooms": list(self.workshop.rooms.order_by("position", "name").values_list("slug", "name")),
        }
        sessions = SessionFilter(data, Session.objects.for_timetable(self.workshop), **choices)
        posters = PosterFilter(data, Poster.objects.for_listing(self.workshop).order_by(*PosterFilter.ties), **choices)
        found_sessions, page = [], None
        searching = sessions.is_searching and sessions.is_valid()
        cleaned = sessions.form.cleaned_data if sessions.is_bound and sessions.is_valid() else {}
        terms = words(cleaned.get("q")) if searching else []
        if searching:
            found_sessions = with_excerpts(list(sessions.qs), terms)
            # A workshop has tens of sessions but may have hundreds of posters: those come a page at a time.
            page = Paginator(posters.qs, POSTERS_FOUND_PER_PAGE).get_page(self.request.GET.get("page"))
            page.object_list = with_excerpts(list(page.object_list), terms)
        poster_count = page.paginator.count if page else 0
        return super().get_context_data(
            form=sessions.form,
            searching=searching,
            sessions=found_sessions,
            posters=page or [],
            page_obj=page,
            poster_count=poster_count,
            result_count=len(found_sessions) + poster_count,
            highlight_words=terms,
            # The people's select, by family name: read when its cached fragment is rendered (the template calls
            # this), and kept under the checked choice.
            people_options=partial(person_options, self.workshop, sessions.form.fields["speaker"]),
            chosen_person=cleaned["speaker"].slug if cleaned.get("speaker") else "",
            **kwargs,
        )
