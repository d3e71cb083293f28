"""The programme in open formats: iCalendar for calendars, frab XML and c3voc JSON for schedule apps."""

import hashlib
import json
import re

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.views import View

from posters.models import Poster
from schedule.models import Session, Workshop

from . import frab, ical
from .programme import build_programme

AGENDA_LIMIT = 500  # more starred items than any programme has is not an agenda
SLUG_LIST = re.compile(r"[-a-zA-Z0-9_]+(,[-a-zA-Z0-9_]+)*")


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


def starred(request, name):
    """The slugs given as ?name=a,b (or repeated ?name=a&name=b); None when the list is malformed."""
    values = [value for value in request.GET.getlist(name) if value != ""]
    slugs = [slug for value in values for slug in value.split(",")]
    if any(not SLUG_LIST.fullmatch(value) for value in values) or len(slugs) > AGENDA_LIMIT:
        return None
    return list(dict.fromkeys(slugs))


def agenda_items(request, workshop):
    """(sessions, posters, unknown slugs) of a personal agenda, or None for a malformed request."""
    session_slugs, poster_slugs = starred(request, "sessions"), starred(request, "posters")
    if session_slugs is None or poster_slugs is None:
        return None
    sessions = list(Session.objects.for_timetable(workshop).filter(slug__in=session_slugs)) if session_slugs else []
    posters = list(Poster.objects.for_listing(workshop).filter(slug__in=poster_slugs)) if poster_slugs else []
    found = {s.slug for s in sessions} | {f"poster:{p.slug}" for p in posters}
    unknown = [s for s in session_slugs if s not in found] + [p for p in poster_slugs if f"poster:{p}" not in found]
    return sessions, posters, unknown


class AgendaCalendarView(WorkshopExportView):
    def get(self, request, workshop):
        items = agenda_items(request, self.workshop)
        if items is None:
            return HttpResponseBadRequest("Give starred items as ?sessions=slug,slug&posters=slug", content_type="text/plain")
        sessions, posters, _unknown = items
        body = ical.to_ical(self.programme(sessions=sessions, posters=posters), name=f"My agenda · {self.workshop.title}")
        return ical_response(body, f"{self.workshop.slug}-agenda.ics")
