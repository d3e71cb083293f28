"""The printed programme: one page made for paper, with every session (in the workshop's zone and one more),
every poster by room and spot with the room's map, and a QR code beside each that opens the item's page."""

import io
from dataclasses import dataclass, field
from datetime import date

import segno
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.generic import TemplateView

from posters.maps import room_map
from posters.models import Poster
from posters.views import by_room
from schedule import timetable
from schedule.models import Session, Workshop
from schedule.timezones import MAX_ZONE_NAME, ViewerZone, abbreviation, is_zone_name
from schedule.views import WorkshopPageMixin

SECOND_ZONE_PARAMETER = "also"
QR_KINDS = {
    # kind in the QR code's address: (model, the URL name of the item's page)
    "session": (Session, "schedule:session-detail"),
    "poster": (Poster, "posters:poster-detail"),
}


@dataclass
class PrintedRow:
    session: object
    other_day: date | None = None  # the session's day in the second zone, when it is not the day it is listed under


@dataclass
class PrintedDay:
    date: date
    rows: list = field(default_factory=list)


def printed_days(sessions, home_zone, other_zone=None):
    """The sessions by day in the workshop's zone; each row knows its day in the other zone where that differs."""
    days = []
    for day in timetable.arrange(sessions, home_zone):
        rows = []
        for entry in day.entries:
            if entry.is_gap:
                continue
            other_day = entry.session.starts_at.astimezone(other_zone).date() if other_zone else None
            rows.append(PrintedRow(entry.session, other_day if other_day != day.date else None))
        days.append(PrintedDay(day.date, rows))
    return days


class PrintedProgrammeView(WorkshopPageMixin, TemplateView):
    template_name = "programme.html"
    workshops = Workshop.objects.with_organizers()

    def get(self, request, *args, **kwargs):
        # Paper is read where the workshop happens: the first clock is the workshop's, whichever zone this
        # browser picked for the timetable (a zone without a cookie to set or forget: the choice is left alone).
        self.zone = ViewerZone(self.workshop.timezone, is_workshop_zone=True)
        asked = request.GET.get(SECOND_ZONE_PARAMETER)
        if asked is None:
            second = self.workshop.print_second_timezone
        else:
            second = asked.strip()
            if second and not is_zone_name(second):
                # The page's frame alone, saying what was refused: no programme read for a link that is wrong.
                context = super().get_context_data(rejected_zone=second[:MAX_ZONE_NAME], **kwargs)
                return self.render_to_response(context, status=400)
        if second == self.workshop.timezone:
            second = ""  # the same clock twice says nothing more
        return self.render_to_response(self.get_context_data(second_zone=second, **kwargs))

    def get_context_data(self, second_zone="", **kwargs):
        workshop = self.workshop
        other = ViewerZone(second_zone, is_workshop_zone=False) if second_zone else None
        days = printed_days(
            Session.objects.for_timetable(workshop), workshop.tzinfo, other.tzinfo if other else None
        )
        rooms = [
            (room, posters, room_map(room, posters))
            for room, posters in by_room(Poster.objects.for_listing(workshop))
        ]
        return super().get_context_data(
            days=days,
            rooms=rooms,
            second_zone=other,
            second_zone_abbreviation=abbreviation(other.name, workshop.start_date) if other else "",
            session_count=sum(len(day.rows) for day in days),
            poster_count=sum(len(posters) for _, posters, _ in rooms),
            timetable_url=self.request.build_absolute_uri(workshop.get_absolute_url()),
            **kwargs,
        )


def item_url(request, workshop, kind, slug):
    """The absolute address of a session's or poster's page, for its QR code; Http404 if there is no such item."""
    model, url_name = QR_KINDS.get(kind, (None, None))
    if model is None or not model.objects.filter(workshop__slug=workshop, slug=slug).exists():
        raise Http404("No such session or poster.")
    return request.build_absolute_uri(reverse(url_name, kwargs={"workshop": workshop, "slug": slug}))


def qr_svg(url):
    """The QR code of url as an SVG document, black on white, with its quiet zone."""
    out = io.BytesIO()
    # Medium error correction: a printed code survives a crease or a smudge.
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=4, border=4, title=url)
    return out.getvalue()


def qr_code(request, workshop, kind, slug):
    """A session's or poster's QR code, as an image of its own rather than a data: address inside the page: the
    page stays small and cheap to render, each code is cached like any page (keyed on the host, which the
    address it holds depends on), and the page needs nothing of the Content-Security-Policy beyond img-src
    'self', so data: can leave img-src without this page noticing."""
    return HttpResponse(qr_svg(item_url(request, workshop, kind, slug)), content_type="image/svg+xml")
