"""One session or poster as a list row: the row every timetable, search, agenda and person page repeats.

Built in Python rather than by an included template because a page repeats it dozens to hundreds of times:
the template engine spent about 110 µs on each row (some thirty variable lookups), format_html about 40 µs
(Django's escape() checks every argument for lazy strings); joining strings escaped by the standard
library's html.escape, which is what Django's escape() calls, costs a few. Every value from the database
goes through escape() below; the pieces marked safe are this module's own markup.
"""

from functools import lru_cache
from html import escape

from django import template
from django.utils.dateformat import format as format_date
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone, localtime

from schedule.links import slug_url, workshop_url
from schedule.models import SessionKind
from schedule.timetable import Gap

from .programme import duration, highlight, people_links, time_range

register = template.Library()

NOW = '<strong class="badge badge--now">Now</strong>'
NEXT = '<strong class="badge badge--next">Next</strong>'
NO_SPOT = '<span class="spot-label spot-label--none">No spot yet</span>'
SPOTLIGHT = ' <span class="badge badge--spotlight">Spotlight</span>'
KIND_BADGES = {
    kind: f'<span class="badge badge--{escape(kind)}">{escape(str(label))}</span>' for kind, label in SessionKind.choices
}


@lru_cache(maxsize=1024)
def day_label(day):
    """"Sat 24 Jul", escaped: search results name each session's day, and a programme has few days."""
    return escape(format_date(day, "D j M"))


def _title(text, words):
    return highlight(text, words) if words else escape(text)


@register.simple_tag(takes_context=True)
def session_row(context, session, is_now=False, is_next=False, show_date=False, tz=None):
    """Needs the session's room and speakers preloaded (Session.objects.for_timetable)."""
    workshop = context["workshop"]
    slug, title = escape(session.slug), escape(session.title)
    classes = f"entry kind-{escape(session.kind)}" + (" is-now" if is_now else "") + (" is-next" if is_next else "")
    when = time_range(session.starts_at, session.ends_at, tz)
    if show_date:
        when += f' <span class="entry__date">{day_label(localtime(session.starts_at).date())}</span>'
    video = ""
    if session.has_video:
        video = ('<span class="video-marker" title="Recorded video">▶ '
                 f'<span>{escape(session.video_provider or "Video")}</span></span>')
    room = f'<p class="entry__room">{escape(session.room.name)}</p>' if session.room_id else ""
    url = escape(slug_url("schedule:session-detail", workshop.slug, session.slug))
    return mark_safe(
        f'<li class="{classes}" id="{slug}">\n'
        f'  <p class="entry__when">{when}</p>\n'
        '  <div class="entry__what">\n'
        '    <p class="entry__badges">\n'
        f'      {KIND_BADGES[session.kind]}\n'
        f'      {NOW if is_now else NEXT if is_next else ""}{video}\n'
        f'      <span class="star-slot" data-star-kind="sessions" data-star-slug="{slug}" data-star-title="{title}"></span>\n'
        '    </p>\n'
        f'    <h3 class="entry__title"><a href="{url}">{_title(session.title, context.get("highlight_words"))}</a></h3>\n'
        f'    {people_links(workshop, session.speaker_list)}\n'
        f'    {room}\n'
        '  </div>\n'
        '</li>\n'
    )


@register.simple_tag(takes_context=True)
def poster_row(context, poster, show_room=False):
    """Needs the poster's spot labels, authors and room preloaded (Poster.objects.for_listing)."""
    workshop = context["workshop"]
    slug, title = escape(poster.slug), escape(poster.title)
    spots = " and ".join(f'<span class="spot-label">{escape(label)}</span>' for label in poster.spot_labels)
    room = f'<p class="entry__room">{escape(poster.room.name)}</p>' if show_room and poster.room_id else ""
    url = escape(slug_url("posters:poster-detail", workshop.slug, poster.slug))
    return mark_safe(
        f'<li class="poster-row" id="poster-{slug}">\n'
        f'  <p class="poster-row__spot">{spots or NO_SPOT}</p>\n'
        '  <div>\n'
        f'    <span class="star-slot" data-star-kind="posters" data-star-slug="{slug}" data-star-title="{title}"></span>\n'
        f'    <h3 class="poster-row__title"><a href="{url}">{_title(poster.title, context.get("highlight_words"))}</a>'
        f'{SPOTLIGHT if poster.spotlight_id else ""}</h3>\n'
        f'    {people_links(workshop, poster.author_list)}\n'
        f'    {room}\n'
        '  </div>\n'
        '</li>\n'
    )


def gap_row(gap, posters_url, tz=None):
    posters = f' · <a href="{escape(posters_url)}">the posters are up</a>' if posters_url else ""
    return (
        '<li class="gap">\n'
        f'  <p class="entry__when">{time_range(gap.starts_at, gap.ends_at, tz)}</p>\n'
        f'  <p class="gap__text">{duration(gap)} without talks{posters}</p>\n'
        "</li>\n"
    )


@register.simple_tag(takes_context=True)
def timetable_entries(context, day):
    """A day's sessions and the gaps between them (schedule.timetable.arrange), as rows: one tag for the
    whole list, because a template loop costs more per row than the row."""
    workshop = context["workshop"]
    posters_url = workshop_url("posters:poster-list", workshop.slug) if context.get("has_posters") else ""
    tz = get_current_timezone()
    return mark_safe(
        "".join(
            gap_row(entry, posters_url, tz)
            if isinstance(entry, Gap)
            else session_row(context, entry.session, is_now=entry.is_now, is_next=entry.is_next, tz=tz)
            for entry in day.entries
        )
    )
