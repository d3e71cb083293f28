from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from schedule.admin import (
    ConflictWarningsMixin, MinorEditAdmin, OrderedPeopleInline, SpreadsheetAdmin, WorkshopTimesAdmin,
)

from . import rules
from .models import Poster, PosterAuthor, PosterSpot
from .resources import PosterResource
from .restoring import restore_spots, standing_clashes


class PosterAuthorInline(OrderedPeopleInline):
    model = PosterAuthor


class PosterSpotInline(admin.TabularInline):
    model = PosterSpot
    extra = 0


@admin.register(Poster)
class PosterAdmin(MinorEditAdmin, WorkshopTimesAdmin, ConflictWarningsMixin, SpreadsheetAdmin):
    resource_classes = [PosterResource]
    list_display = [
        "title", "room", "spot_labels", "author_names", "spotlight_link", "starts", "ends", "conflicts", "workshop",
    ]
    list_filter = ["workshop", "room"]
    search_fields = ["title", "abstract", "authors__name", "spots__label"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["room", "spotlight"]
    list_select_related = ["room", "spotlight", "workshop"]
    readonly_fields = ["spotlight_link"]
    inlines = [PosterSpotInline, PosterAuthorInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("spots", "poster_authors__speaker")

    def restore_parts(self, request, record):
        super().restore_parts(request, record)
        labels, clashes = restore_spots(record)
        if clashes:
            self.message_user(request, "Spots left as they are: " + " ".join(clashes), messages.WARNING)
        elif labels is None:
            self.message_user(request, "Spots left as they are: their history does not reach back to that "
                                       "version.", messages.WARNING)
        else:
            shown = ", ".join(labels) or "no spot"
            self.message_user(request, f"Spots put back as they were: {shown}.", messages.INFO)
        standing = standing_clashes(record.instance)
        if standing:
            self.message_user(request, "Check the spots: " + " ".join(standing), messages.WARNING)

    def conflict_queryset(self, workshop_ids):
        return Poster.objects.filter(workshop_id__in=workshop_ids).prefetch_related("spots")

    def conflicts_for(self, posters):
        return rules.spot_conflicts(posters)

    @admin.display(description="Spots")
    def spot_labels(self, poster):
        return ", ".join(spot.label for spot in poster.spots.all())

    @admin.display(description="Authors")
    def author_names(self, poster):
        return ", ".join(entry.speaker.name for entry in poster.poster_authors.all())

    @admin.display(description="Spotlight talk")
    def spotlight_link(self, poster):
        if not poster.spotlight_id:
            return "—"
        url = reverse("admin:schedule_session_change", args=[poster.spotlight_id])
        return format_html('<a href="{}">{}</a>', url, poster.spotlight)
