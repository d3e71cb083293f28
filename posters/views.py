from itertools import groupby

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, TemplateView

from schedule.views import WorkshopPageMixin

from .maps import room_map, spot_sort_key
from .models import Poster


def first_spot_key(poster):
    return min((spot_sort_key(label) for label in poster.spot_labels), default=(2, "", 0, poster.title))


def by_room(posters):
    """[(room, posters in spot order)], rooms in their listed order, posters without a room last."""
    ordered = sorted(
        posters,
        key=lambda p: (p.room is None, p.room.position if p.room else 0, p.room_id or 0, first_spot_key(p)),
    )
    return [(room, list(group)) for room, group in groupby(ordered, key=lambda p: p.room)]


POSTERS_PER_PAGE = 100


class PosterListView(WorkshopPageMixin, TemplateView):
    """Posters by room and spot, a page at a time, each room with the map of all its spots."""

    template_name = "posters/poster_list.html"

    def get_context_data(self, **kwargs):
        # Every poster's place, lightly, for the order and the maps; authors only for the page shown.
        placed = Poster.objects.filter(workshop=self.workshop).select_related("room").with_spots()
        placed_by_room = by_room(placed.only("pk", "slug", "title", "room", "workshop_id"))
        ordered = [poster.pk for _, group in placed_by_room for poster in group]
        page = Paginator(ordered, POSTERS_PER_PAGE).get_page(self.request.GET.get("page"))
        shown = Poster.objects.for_listing(self.workshop).in_bulk(page.object_list)
        maps = {room: room_map(room, room_posters) for room, room_posters in placed_by_room}
        rooms = [
            (room, room_posters, maps[room])
            for room, room_posters in by_room(shown[pk] for pk in page.object_list)
        ]
        return super().get_context_data(rooms=rooms, poster_count=len(ordered), page_obj=page, **kwargs)


class PosterDetailView(WorkshopPageMixin, DetailView):
    template_name = "posters/poster_detail.html"
    context_object_name = "poster"

    def get_object(self, queryset=None):
        listed = Poster.objects.for_listing(self.workshop).select_related("spotlight")
        return get_object_or_404(listed, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        poster = self.object
        map_ = None
        if poster.room_id:
            neighbours = Poster.objects.filter(workshop=self.workshop, room=poster.room_id).with_spots()
            neighbours = neighbours.only("pk", "slug", "title", "room")
            map_ = room_map(poster.room, neighbours, highlight=set(poster.spot_labels))
        return super().get_context_data(room_map=map_, **kwargs)
