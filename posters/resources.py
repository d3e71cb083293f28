"""Posters as spreadsheet rows: spots and ordered authors each travel as one cell ("A1; A0")."""

from django.core.exceptions import ValidationError
from import_export import fields, widgets

from schedule.models import Session, Workshop
from schedule.resources import (
    InstantWidget, ProgrammeResource, WorkshopRoomWidget, WorkshopTimesResource, join_list, replace_people, split_list,
)

from .models import Poster, PosterAuthor, PosterSpot


class WorkshopSessionWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Session, field="slug")

    def get_lookup_kwargs(self, value, row=None, **kwargs):
        return {"slug": value, "workshop__slug": (row or {}).get("workshop")}


def replace_spots(poster, labels):
    """Make the poster's spots exactly labels, each checked by the model rules (one poster per spot)."""
    poster.spots.exclude(label__in=labels).delete()
    for label in labels:
        if poster.spots.filter(label=label).exists():
            continue
        spot = PosterSpot(poster=poster, label=label)
        spot.full_clean()
        spot.save()


class PosterResource(WorkshopTimesResource, ProgrammeResource):
    workshop = fields.Field("workshop", "workshop", widgets.ForeignKeyWidget(Workshop, field="slug"))
    room = fields.Field("room", "room", WorkshopRoomWidget())
    spotlight = fields.Field("spotlight", "spotlight", WorkshopSessionWidget())
    starts_at = fields.Field("starts_at", "starts_at", InstantWidget())
    ends_at = fields.Field("ends_at", "ends_at", InstantWidget())
    spots = fields.Field(column_name="spots")
    authors = fields.Field(column_name="authors")

    class Meta:
        model = Poster
        fields = (
            "workshop", "slug", "title", "room", "spots", "authors", "abstract", "spotlight", "starts_at", "ends_at",
        )
        export_order = fields
        import_id_fields = ("workshop", "slug")
        clean_model_instances = True
        skip_unchanged = False

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("workshop", "room", "spotlight")
            .prefetch_related("spots", "poster_authors__speaker")
        )

    def dehydrate_spots(self, poster):
        return join_list(spot.label for spot in poster.spots.all())

    def dehydrate_authors(self, poster):
        return join_list(entry.speaker.name for entry in poster.poster_authors.all())

    def after_save_instance(self, instance, row, **kwargs):
        try:
            replace_spots(instance, split_list(row.get("spots")))
        except ValidationError as error:
            raise ValidationError({"spots": error.messages})
        replace_people(instance, PosterAuthor, "poster", split_list(row.get("authors")))
