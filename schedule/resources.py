"""Spreadsheet rows (CSV, XLSX) for the admin's import and export, through django-import-export.

Imports run every row through the model rules (full_clean) and are all or nothing: one bad row and the
admin rolls the whole file back. Ordered people travel as one cell, "First Person; Second Person".
"""

from datetime import UTC, datetime

from django.db import models
from django.utils.text import slugify
from import_export import fields, resources, widgets

from .models import Room, Session, SessionSpeaker, Speaker, Workshop
from .ordered_lists import set_people

LIST_SEPARATOR = ";"


def split_list(cell):
    return [part.strip() for part in str(cell or "").split(LIST_SEPARATOR) if part.strip()]


def join_list(values):
    return f"{LIST_SEPARATOR} ".join(values)


def person_named(name):
    """The person with this name, by the slug it would have; a new one when there is none."""
    slug = slugify(name)
    return Speaker.objects.filter(slug=slug).first() or Speaker.objects.create(name=name, slug=slug)


def replace_people(owner, through, owner_field, names):
    """Make owner's ordered list exactly the people named, in that order."""
    set_people(owner, through, owner_field, [person_named(name) for name in names])


class InstantWidget(widgets.Widget):
    """ISO 8601 instants written in UTC, read with any offset, so a round trip is exact in every zone."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            parsed = value
        else:
            try:
                parsed = datetime.fromisoformat(str(value).strip())
            except ValueError:
                raise ValueError(f"“{value}” is not a date and time like 2021-07-24T16:00:00+00:00")
        if parsed.tzinfo is None:
            raise ValueError(f"“{value}” has no UTC offset; write it like 2021-07-24T16:00:00+00:00")
        return parsed

    def render(self, value, obj=None, **kwargs):
        return value.astimezone(UTC).isoformat() if value else ""


class WorkshopRoomWidget(widgets.ForeignKeyWidget):
    """A room by its slug within the row's workshop (room slugs repeat across workshops)."""

    def __init__(self):
        super().__init__(Room, field="slug")

    def get_lookup_kwargs(self, value, row=None, **kwargs):
        return {"slug": value, "workshop__slug": (row or {}).get("workshop")}


class ProgrammeResource(resources.ModelResource):
    """Long text columns read like short ones: an empty cell is an empty text. django-import-export gives a
    TextField its generic widget, which turns the empty cell an XLSX file has into None, and a NOT NULL error."""

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if isinstance(f, models.TextField):
            return widgets.CharWidget
        return super().widget_from_django_field(f, default)

    def before_import(self, dataset, **kwargs):
        """A sheet holds this resource's columns and no others. A column it does not know (an id, a password, a
        user's flags) refuses the whole file, naming it, rather than being passed over in silence; no row is read.
        What a row can write is fixed by the resource: its model's row, and the people, spots and ordered lists
        that after_save_instance makes."""
        known = {field.column_name for field in self.get_import_fields()}
        unknown = [str(name) for name in dataset.headers or () if name not in (None, "") and name not in known]
        if unknown:
            del dataset[0 : len(dataset)]
            raise ValueError(
                f"Refused: unknown column(s) {', '.join(unknown)}. "
                f"A {self._meta.model._meta.verbose_name} sheet has only these: {', '.join(sorted(known))}."
            )
        super().before_import(dataset, **kwargs)


class SpeakerResource(ProgrammeResource):
    class Meta:
        model = Speaker
        fields = ("slug", "name", "affiliation", "homepage")
        import_id_fields = ("slug",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class SessionResource(ProgrammeResource):
    workshop = fields.Field("workshop", "workshop", widgets.ForeignKeyWidget(Workshop, field="slug"))
    room = fields.Field("room", "room", WorkshopRoomWidget())
    starts_at = fields.Field("starts_at", "starts_at", InstantWidget())
    ends_at = fields.Field("ends_at", "ends_at", InstantWidget())
    speakers = fields.Field(column_name="speakers")

    class Meta:
        model = Session
        fields = (
            "workshop", "slug", "title", "kind", "starts_at", "ends_at", "room",
            "speakers", "abstract", "video_url", "video_provider",
        )
        export_order = fields
        import_id_fields = ("workshop", "slug")
        clean_model_instances = True
        skip_unchanged = False

    def get_queryset(self):
        return super().get_queryset().select_related("workshop", "room").prefetch_related("session_speakers__speaker")

    def dehydrate_speakers(self, session):
        return join_list(entry.speaker.name for entry in session.session_speakers.all())

    def after_save_instance(self, instance, row, **kwargs):
        replace_people(instance, SessionSpeaker, "session", split_list(row.get("speakers")))
