from datetime import datetime, time, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import SimpleTemplateResponse, TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import update_change_reason

from . import rules
from .merging import merge_people
from .restoring import restore_lists
from .models import Room, Session, SessionSpeaker, Speaker, Workshop, WorkshopOrganizer
from .resources import SessionResource, SpeakerResource
from .stale_edits import RevisionCheckedForm
from .timezones import abbreviation
from .uploads import BoundedImportForm

# Organizers paste bare hosts ("example.org/talk"); read them as https, Django 6's default.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class ProgrammeAdmin(SimpleHistoryAdmin):
    """History with restore, and no save over someone else's newer save."""

    form = RevisionCheckedForm
    formfield_overrides = URL_FIELDS

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The stale-edit check locks the row until the save (select_for_update), which needs a transaction:
        # the admin's change form has one, django-simple-history's restore form does not.
        with transaction.atomic(using=router.db_for_write(self.model)):
            response = super().history_form_view(request, object_id, version_id, extra_context)
            if request.method == "POST" and response.status_code == 302:
                record = self.model.history.get(pk=version_id)
                for name, people in restore_lists(record):
                    self.report_restored_list(request, name, people)
                self.restore_parts(request, record)
        return response

    def restore_parts(self, request, record):
        """Put back what else belongs to the version in record (a historical record) and say so: a poster's
        spots. The lists of people are done for every model."""

    def report_restored_list(self, request, name, people):
        if people is None:
            self.message_user(request, f"{name.capitalize()} left as they are: their history does not reach "
                                       "back to that version.", messages.WARNING)
        else:
            listed = " · ".join(person.name for person in people) or "nobody"
            self.message_user(request, f"{name.capitalize()} put back as they were: {listed}.", messages.INFO)


MINOR_EDIT = "minor"  # the history_change_reason of a save kept off the public change log (workshop/changes)


class MinorEditForm(RevisionCheckedForm):
    minor_edit = forms.BooleanField(
        label="Minor edit (keep off the public change log)",
        required=False,
        help_text="A typo or a link tidied: attendees need not be told.",
    )


class MinorEditAdmin:
    """A session's or a poster's change form can mark its save minor: the history rows it writes, the row's own
    and its speakers', authors' or spots', carry MINOR_EDIT as their change reason."""

    form = MinorEditForm

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not form.cleaned_data.get("minor_edit"):
            return
        for formset in formsets:
            changed = [obj for obj, _ in formset.changed_objects]
            for obj in [*formset.new_objects, *changed, *formset.deleted_objects]:
                update_change_reason(obj, MINOR_EDIT)
        update_change_reason(form.instance, MINOR_EDIT)


class SpreadsheetAdmin(ImportExportModelAdmin, ProgrammeAdmin):
    """Plus CSV and XLSX import (with preview, all or nothing) and export."""

    formats = [CSV, XLSX]
    import_form_class = BoundedImportForm


def conflict_list(notes):
    if not notes:
        return ""
    return format_html('<ul class="conflicts">{}</ul>', format_html_join("", "<li>⚠ {}</li>", ((n,) for n in notes)))


class ConflictWarningsMixin:
    """Warnings, on the list and on the form, for what the rules allow but people should look at."""

    conflict_message_limit = 10

    def conflicts_for(self, objects):
        raise NotImplementedError

    def conflict_queryset(self, workshop_ids):
        raise NotImplementedError

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is None:
            return response
        page = list(changelist.result_list)
        # Conflicts are between rows, so compare each shown row with all rows of its workshop.
        everything = self.conflict_queryset({obj.workshop_id for obj in page})
        notes = self.conflicts_for(everything)
        for obj in page:
            obj.conflict_notes = notes.get(obj.pk, [])
        shown = [(obj, note) for obj in page for note in obj.conflict_notes]
        for obj, note in shown[: self.conflict_message_limit]:
            messages.warning(request, f"{obj}: {note}")
        if len(shown) > self.conflict_message_limit:
            messages.warning(request, f"… and {len(shown) - self.conflict_message_limit} more conflicts on this page.")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                for note in self.conflicts_for(self.conflict_queryset({obj.workshop_id})).get(obj.pk, []):
                    messages.warning(request, note)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="Conflicts")
    def conflicts(self, obj):
        return conflict_list(getattr(obj, "conflict_notes", []))


def zone_label(workshop):
    """The workshop's zone as organizers are told it: "America/Los_Angeles (PDT)"."""
    return f"{workshop.timezone} ({abbreviation(workshop.timezone, workshop.start_date)})"


def clock_time(value, tz):
    """An instant on the clock of zone tz, naming the zone: "2021-07-24 18:15 PDT"."""
    return f"{timezone.localtime(value, tz):%Y-%m-%d %H:%M %Z}" if value else "—"


class WorkshopTimesHistory(HistoricalRecordContextHelper):
    """The history page's list of changes: times on the clock the page is shown in (the workshop's), where the
    library would print them in UTC."""

    def prepare_delta_change_value(self, change, value):
        if isinstance(value, datetime):
            return clock_time(value, timezone.get_current_timezone())
        return super().prepare_delta_change_value(change, value)


class WorkshopTimesAdmin:
    """Organizers read and type a session's or a poster's times in its workshop's zone, named at the fields.

    Django shows and reads form times in the current time zone, so the form views run, and render, with the
    workshop's zone activated. The change list holds rows of several workshops, so it formats each row's times
    itself (starts, ends)."""

    time_fields = ["starts_at", "ends_at"]
    object_history_template = "admin/workshop_times_history.html"

    def times_workshop(self, request, obj):
        """The workshop whose zone the form's times are in: a posted form's own choice (a new row, or one moved
        to another workshop), else the row's; None for a new row not yet posted."""
        if request.method == "POST":
            try:
                return forms.ModelChoiceField(Workshop.objects.all()).clean(request.POST.get("workshop"))
            except ValidationError:
                return None
        return obj.workshop if obj is not None else None

    def in_zone_of(self, workshop, view, *args):
        with timezone.override(workshop.tzinfo if workshop else None):
            response = view(*args)
            # The admin renders its pages after the view returns; the zone has to be active then.
            if isinstance(response, SimpleTemplateResponse):
                response.render()
        return response

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        workshop = self.times_workshop(request, obj)
        if workshop is None:
            said = "Read in the zone of the workshop chosen above."
        else:
            said = f"In {zone_label(workshop)}, the workshop’s zone."
        for name in self.time_fields:
            if name in form.base_fields:
                form.base_fields[name].help_text = said
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, object_id) if object_id else None
        workshop = self.times_workshop(request, obj)
        return self.in_zone_of(workshop, super().changeform_view, request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        workshop = obj.workshop if obj is not None else None
        extra_context = {**(extra_context or {}), "times_zone": zone_label(workshop) if workshop else "UTC"}
        return self.in_zone_of(workshop, super().history_view, request, object_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return WorkshopTimesHistory(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The form shows the version being restored, whose workshop may not be the row's today.
        record = self.model.history.filter(pk=version_id).first()
        workshop = self.times_workshop(request, record.instance if record else None)
        return self.in_zone_of(
            workshop, super().history_form_view, request, object_id, version_id, extra_context
        )

    @admin.display(description="Starts (workshop’s zone)", ordering="starts_at")
    def starts(self, obj):
        return clock_time(obj.starts_at, obj.workshop.tzinfo)

    @admin.display(description="Ends (workshop’s zone)", ordering="ends_at")
    def ends(self, obj):
        return clock_time(obj.ends_at, obj.workshop.tzinfo)


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
    fields = ["position", "name", "slug", "kind", "url"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = URL_FIELDS
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
class SpeakerAdmin(SpreadsheetAdmin):
    resource_classes = [SpeakerResource]
    list_display = ["name", "affiliation", "slug"]
    search_fields = ["name", "affiliation", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge"]

    @admin.action(description="Merge the selected people into one", permissions=["change"])
    def merge(self, request, queryset):
        people = list(queryset.order_by("name", "pk"))
        if len(people) < 2:
            self.message_user(request, "Select at least two records of the same person.", messages.WARNING)
            return None
        if request.POST.get("keep"):
            keep = next((p for p in people if str(p.pk) == request.POST["keep"]), None)
            if keep is None:
                self.message_user(request, "Choose one of the selected records to keep.", messages.ERROR)
                return None
            merge_people(keep, people)
            self.message_user(request, f"Merged {len(people)} records into “{keep}”.", messages.SUCCESS)
            return redirect("admin:schedule_speaker_change", keep.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge people",
            "people": people,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/schedule/speaker/merge.html", context)


class DayFilter(admin.SimpleListFilter):
    """Days as the workshop's own calendar has them."""

    title = "day, in each workshop’s zone"
    parameter_name = "day"

    def lookups(self, request, model_admin):
        rows = Session.objects.values_list("starts_at", "workshop__timezone").distinct()
        days = sorted({starts.astimezone(Workshop(timezone=zone).tzinfo).date() for starts, zone in rows})
        return [(day.isoformat(), f"{day:%a %d %b %Y}") for day in days]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            day = datetime.strptime(self.value(), "%Y-%m-%d").date()
        except ValueError:
            return queryset.none()
        on_that_day = Q(pk__in=[])
        for workshop in Workshop.objects.only("pk", "timezone"):
            start = datetime.combine(day, time.min, tzinfo=workshop.tzinfo)
            on_that_day |= Q(workshop=workshop, starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
        return queryset.filter(on_that_day)


@admin.register(Session)
class SessionAdmin(MinorEditAdmin, WorkshopTimesAdmin, ConflictWarningsMixin, SpreadsheetAdmin):
    resource_classes = [SessionResource]
    list_display = ["title", "kind", "starts", "ends", "room", "speaker_names", "conflicts", "workshop"]
    # No date_hierarchy: it cuts days in one zone for every workshop; DayFilter cuts each in its own.
    list_filter = ["workshop", "kind", "room", DayFilter]
    search_fields = ["title", "abstract", "speakers__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["room", "belongs_to"]
    list_select_related = ["room", "workshop"]
    inlines = [SessionSpeakerInline]
    ordering = ["starts_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("session_speakers__speaker")

    def conflict_queryset(self, workshop_ids):
        return (
            Session.objects.filter(workshop_id__in=workshop_ids)
            .select_related("room")
            .prefetch_related("session_speakers__speaker")
        )

    def conflicts_for(self, sessions):
        return rules.session_conflicts(sessions)

    @admin.display(description="Speakers")
    def speaker_names(self, session):
        return ", ".join(entry.speaker.name for entry in session.session_speakers.all())
