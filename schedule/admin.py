from django.contrib import admin
from django.db import models

from .models import Room, Session, SessionSpeaker, Speaker, Workshop, WorkshopOrganizer


# Organizers paste bare hosts ("example.org/talk"); read them as https, Django 6's default.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class ProgrammeAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS


class OrderedPeopleInline(admin.TabularInline):
    """People in the order they are listed; the position column sets the order."""

    autocomplete_fields = ["speaker"]
    fields = ["position", "speaker"]
    extra = 0
    ordering = ["position", "id"]


class WorkshopOrganizerInline(OrderedPeopleInline):
    model = WorkshopOrganizer


class SessionSpeakerInline(OrderedPeopleInline):
    model = SessionSpeaker


class RoomInline(admin.TabularInline):
    model = Room
    formfield_overrides = URL_FIELDS
    fields = ["position", "name", "slug", "kind", "url"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


@admin.register(Workshop)
class WorkshopAdmin(ProgrammeAdmin):
    list_display = ["title", "conference", "start_date", "end_date", "timezone"]
    search_fields = ["title", "slug", "conference"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [WorkshopOrganizerInline, RoomInline]


@admin.register(Room)
class RoomAdmin(ProgrammeAdmin):
    list_display = ["name", "workshop", "kind", "url"]
    list_filter = ["workshop", "kind"]
    search_fields = ["name", "workshop__title"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["workshop"]


@admin.register(Speaker)
class SpeakerAdmin(ProgrammeAdmin):
    list_display = ["name", "affiliation", "slug"]
    search_fields = ["name", "affiliation", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Session)
class SessionAdmin(ProgrammeAdmin):
    list_display = ["title", "kind", "starts_at", "ends_at", "room", "speaker_names", "workshop"]
    list_filter = ["workshop", "kind", "room"]
    date_hierarchy = "starts_at"
    search_fields = ["title", "abstract", "speakers__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["room", "belongs_to"]
    list_select_related = ["room", "workshop"]
    inlines = [SessionSpeakerInline]
    ordering = ["starts_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("session_speakers__speaker")

    @admin.display(description="Speakers")
    def speaker_names(self, session):
        return ", ".join(entry.speaker.name for entry in session.session_speakers.all())
