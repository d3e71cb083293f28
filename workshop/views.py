from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from posters.models import Poster
from schedule.models import Session, Workshop


class WorkshopListView(ListView):
    model = Workshop
    template_name = "workshop_list.html"


class ProgrammeView(DetailView):
    """One workshop's whole programme: sessions in time order, then posters by room and spot."""

    template_name = "programme.html"
    context_object_name = "workshop"

    def get_object(self, queryset=None):
        return get_object_or_404(Workshop, slug=self.kwargs["workshop"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            session_list=Session.objects.for_timetable(self.object),
            poster_list=Poster.objects.for_listing(self.object),
            **kwargs,
        )
