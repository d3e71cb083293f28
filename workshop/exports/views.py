"""The programme in open formats: iCalendar for calendars, frab XML and c3voc JSON for schedule apps."""

import hashlib
import json

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.views import View

from posters.models import Poster, PosterAuthor
from schedule.models import Session, SessionSpeaker, Workshop

from ..agenda import AgendaLinkError, read_agenda
from ..changes.log import removed_rows
from . import frab, ical
from .events import Event
from .programme import build_programme

AGENDA_LINK_HELP = "Not an agenda ({problem}). Starred items are listed as ?s=key.key&p=key, keys in base 36.\n"


def export_response(body, content_type, filename):
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def ical_response(body, filename):
    response = export_response(body, "text/calendar; charset=utf-8", filename)
    # DTSTAMP says when the file was made; the ETag speaks only of its content.
    content = b"\n".join(line for line in body.splitlines() if not line.startswith(b"DTSTAMP"))
    response["ETag"] = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    return response


def with_content_etag(response):
    response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    return response


def history_rows(model, **owner):
    """How many history rows match owner, counted inside the outer query (no query of its own)."""
    rows = model.history.filter(**owner).order_by().values(*owner).annotate(count=Count("history_id")).values("count")
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def sequence(model, key="pk"):
    """An event's SEQUENCE: the saves recorded of its session or poster and of its list of people. Every save adds
    a history row and none is taken away, so it grows with each change (and with saves that changed nothing an
    attendee sees, which RFC 5545 allows); a removal adds one more. key: the field holding the item's key, "id" on
    a history row."""
    people, owner = (SessionSpeaker, "session_id") if model is Session else (PosterAuthor, "poster_id")
    return history_rows(model, id=OuterRef(key)) + history_rows(people, **{owner: OuterRef(key)})


def sequences(*items):
    return {str(item.guid): item.sequence for item in items}


class WorkshopExportView(View):
    def dispatch(self, request, *args, **kwargs):
        self.workshop = get_object_or_404(Workshop, slug=kwargs["workshop"])
        return super().dispatch(request, *args, **kwargs)

    def programme(self, **only):
        return build_programme(self.workshop, self.request.build_absolute_uri, **only)


    def calendar_items(self):
        """The workshop's sessions and posters as calendars read them, each with its sequence."""
        return (Session.objects.for_timetable(self.workshop).annotate(sequence=sequence(Session)),
                Poster.objects.for_listing(self.workshop).annotate(sequence=sequence(Poster)))


class CalendarView(WorkshopExportView):
    def get(self, request, workshop):
        sessions, posters = self.calendar_items()
        sessions, posters = list(sessions), list(posters.filter(starts_at__isnull=False))
        body = ical.to_ical(self.programme(sessions=sessions, posters=posters), sequences=sequences(*sessions, *posters))
        return ical_response(body, f"{self.workshop.slug}.ics")


class SessionCalendarView(WorkshopExportView):
    def get(self, request, workshop, slug):
        session = get_object_or_404(self.calendar_items()[0], slug=slug)
        body = ical.to_ical(self.programme(sessions=[session], posters=[]), name=session.title,
                            sequences=sequences(session))
        return ical_response(body, f"{self.workshop.slug}-{session.slug}.ics")


class FrabXmlView(WorkshopExportView):
    def get(self, request, workshop):
        body = frab.to_xml(self.programme())
        return with_content_etag(export_response(body, "application/xml; charset=utf-8", "schedule.xml"))


class ScheduleJsonView(WorkshopExportView):
    def get(self, request, workshop):
        body = json.dumps(frab.to_json(self.programme()), ensure_ascii=False, indent=1)
        return with_content_etag(export_response(body, "application/json; charset=utf-8", "schedule.json"))


class AgendaCalendarView(WorkshopExportView):
    def get(self, request, workshop):
        sessions, posters = self.calendar_items()
        try:
            agenda = read_agenda(request.GET, self.workshop, sessions, posters)
        except AgendaLinkError as error:
            return HttpResponseBadRequest(AGENDA_LINK_HELP.format(problem=error), content_type="text/plain")
        programme = self.programme(sessions=agenda.sessions, posters=agenda.posters)
        removed = self.removed(agenda.missing["sessions"], Session) + self.removed(agenda.missing["posters"], Poster)
        body = ical.to_ical(programme, name=f"My agenda · {self.workshop.title}", cancelled=[event for event, _ in removed],
                            sequences=sequences(*agenda.sessions, *agenda.posters) | dict(guid for _, guid in removed))
        return ical_response(body, f"{self.workshop.slug}-agenda.ics")

    def removed(self, keys, model):
        """[(cancelled Event, (guid, sequence))] of the starred keys removed from the programme: one query, none
        without keys. The UID stays the one calendars hold for the item."""
        if not keys:
            return []
        name = "session" if model is Session else "poster"
        rows = removed_rows(self.workshop, name, keys).annotate(sequence=sequence(model, "id"))
        latest = {}
        for record in rows:
            latest.setdefault(record.id, record)
        return [(Event(guid=str(record.guid), slug=record.slug, title=record.title, kind=record.kind if name == "session" else "poster",
                       kind_label=record.get_kind_display() if name == "session" else "Poster",
                       starts_at=record.starts_at, ends_at=record.ends_at, url=""),
                 (str(record.guid), record.sequence))
                for record in latest.values() if record.starts_at and record.ends_at]
