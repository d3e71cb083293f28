"""The programme in open formats: iCalendar for calendars, frab XML and c3voc JSON for schedule apps."""

import hashlib
import json

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.views import View

from schedule.models import Session, Workshop

from ..agenda import AgendaLinkError, read_agenda
from . import frab, ical
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


class WorkshopExportView(View):
    def dispatch(self, request, *args, **kwargs):
        self.workshop = get_object_or_404(Workshop, slug=kwargs["workshop"])
        return super().dispatch(request, *args, **kwargs)

    def programme(self, **only):
        return build_programme(self.workshop, self.request.build_absolute_uri, **only)


class CalendarView(WorkshopExportView):
    def get(self, request, workshop):
        return ical_response(ical.to_ical(self.programme()), f"{self.workshop.slug}.ics")


class SessionCalendarView(WorkshopExportView):
    def get(self, request, workshop, slug):
        session = get_object_or_404(Session.objects.for_timetable(self.workshop), slug=slug)
        body = ical.to_ical(self.programme(sessions=[session], posters=[]), name=session.title)
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
        try:
            agenda = read_agenda(request.GET, self.workshop)
        except AgendaLinkError as error:
            return HttpResponseBadRequest(AGENDA_LINK_HELP.format(problem=error), content_type="text/plain")
        programme = self.programme(sessions=agenda.sessions, posters=agenda.posters)
        body = ical.to_ical(programme, name=f"My agenda · {self.workshop.title}")
        return ical_response(body, f"{self.workshop.slug}-agenda.ics")
