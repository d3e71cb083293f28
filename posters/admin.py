from django.contrib import admin

from schedule.admin import OrderedPeopleInline, ProgrammeAdmin

from .models import Poster, PosterAuthor, PosterSpot


class PosterAuthorInline(OrderedPeopleInline):
    model = PosterAuthor


class PosterSpotInline(admin.TabularInline):
    model = PosterSpot
    extra = 0
    min_num = 0


@admin.register(Poster)
class PosterAdmin(ProgrammeAdmin):
    list_display = ["title", "room", "spot_labels", "author_names", "spotlight", "workshop"]
    list_filter = ["workshop", "room"]
    search_fields = ["title", "abstract", "authors__name", "spots__label"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["room", "spotlight"]
    list_select_related = ["room", "spotlight", "workshop"]
    inlines = [PosterSpotInline, PosterAuthorInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("spots", "poster_authors__speaker")

    @admin.display(description="Spots")
    def spot_labels(self, poster):
        return ", ".join(spot.label for spot in poster.spots.all())

    @admin.display(description="Authors")
    def author_names(self, poster):
        return ", ".join(entry.speaker.name for entry in poster.poster_authors.all())
