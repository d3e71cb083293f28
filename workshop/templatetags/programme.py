"""Template filters for programme text. Each escapes first, then adds only markup it wrote itself."""

import html
import re
from functools import cache, lru_cache

from django import template
from django.utils.html import escape, format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone

from schedule.links import slug_url

register = template.Library()

TEXT_COMMANDS = {"emph": "em", "textit": "em", "textbf": "strong"}
TEXT_COMMAND = re.compile(r"\\(emph|textit|textbf)\{([^{}$]*)\}")
TEX_QUOTES = re.compile(r"``(.*?)''", re.S)


@register.filter
def abstract_html(text):
    """Paragraphs of an abstract, with LaTeX text commands as HTML; $…$ math is left for KaTeX to draw."""
    html = linebreaks(escape(TEX_QUOTES.sub(r"“\1”", text)))
    html = TEXT_COMMAND.sub(lambda m: f"<{TEXT_COMMANDS[m[1]]}>{m[2]}</{TEXT_COMMANDS[m[1]]}>", html)
    return mark_safe(html.replace("\\ ", " "))


@register.filter
def highlight(text, words):
    """text, escaped, with each of words marked wherever it occurs (matched before escaping, so that a
    word never lands inside an entity such as &amp;)."""
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.I)
    pieces, end = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[end : match.start()]))
        pieces.append(format_html("<mark>{}</mark>", match.group()))
        end = match.end()
    pieces.append(escape(text[end:]))
    return mark_safe("".join(pieces))


@register.filter
def summary(text, length=300):
    """text cut to at most length characters, the last of them "…" when cut. truncatechars walks every
    character of the text looking for combining marks: a tenth of a millisecond for a long abstract."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


@register.filter
def duration(gap):
    minutes = gap.minutes
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours and minutes else f"{hours} h" if hours else f"{minutes} min"


@cache
def _zone_options():
    from schedule.timezones import offered_zone_names

    return "".join(f"<option>{escape(name)}</option>" for name in offered_zone_names())


@register.simple_tag
def zone_options(zone, workshop):
    """The picker's few hundred zones, rendered once per process (a template loop took milliseconds)."""
    own = format_html(
        '<option value="{}"{}>Workshop\'s zone ({})</option>',
        workshop.timezone,
        " selected" if zone.is_workshop_zone else "",
        workshop.timezone,
    )
    others = _zone_options()
    if not zone.is_workshop_zone:
        chosen = f"<option>{escape(zone.name)}</option>"
        others = others.replace(chosen, f"<option selected>{escape(zone.name)}</option>", 1)
    return mark_safe(own + others)


@register.simple_tag
def choice_options(field, choices=None):
    """A form field's options (its choices, or those given) as plain HTML: Django's widget templates cost a
    millisecond per hundred. Escaped by html.escape, which Django's escape() calls after checking for lazy
    strings (a person list has hundreds)."""
    value = html.escape(str(field.value() or ""))
    options = _options(tuple(field.field.choices if choices is None else choices))
    # Keys are unique: the first option with the value is the only one.
    return mark_safe(options.replace(f'<option value="{value}">', f'<option value="{value}" selected>', 1))


# The same lists (a workshop's people, its rooms) come back on every search.
@lru_cache(maxsize=256)
def _options(choices):
    return "".join(
        f'<option value="{html.escape(str(key))}">{html.escape(str(label))}</option>' for key, label in choices
    )


PEOPLE_SEPARATOR = '<span aria-hidden="true"> · </span>'


def person_links(workshop, people, separator):
    """Links to each person's page in this workshop, in order. Built with the standard library's html.escape
    (what Django's escape() calls) for speed: see rows.py."""
    return separator.join(
        f'<a href="{html.escape(slug_url("speaker-detail", workshop.slug, person.slug))}">'
        f"{html.escape(person.name)}</a>"
        for person in people
    )


def people_links(workshop, people):
    """A session's speakers or a poster's authors."""
    links = person_links(workshop, people, PEOPLE_SEPARATOR)
    return mark_safe(f'<p class="people">{links}</p>') if links else ""


@register.simple_tag(takes_context=True)
def organizer_links(context, organizers):
    return mark_safe(person_links(context["workshop"], organizers, ", "))


def _time(moment):
    iso = moment.isoformat()  # YYYY-MM-DDTHH:MM:SS[.ffffff]+HH:MM; strftime costs more than the slice
    return f'<time datetime="{iso}">{iso[11:16]}</time>'


@register.simple_tag
def time_range(starts_at, ends_at, tz=None):
    """Start and end as <time> elements, in the zone the page is shown in ({% timezone %} in base.html)
    unless tz says, which a page printing many saves looking up every time."""
    tz = tz or get_current_timezone()
    return mark_safe(f"{_time(starts_at.astimezone(tz))}–{_time(ends_at.astimezone(tz))}")
