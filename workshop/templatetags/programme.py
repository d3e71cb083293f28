"""Template filters and tags for programme text: each gives data (parts, words, times) that the templates mark
up, escaped by the engine."""

import re

from django import template
from django.utils.text import normalize_newlines

from schedule.links import http_url
from schedule.timezones import abbreviation, both_clocks, offered_zone_names
from workshop.search.excerpts import MARK_END, MARK_START

register = template.Library()
# Templates print a link to another site only through this: a loaddata row may hold javascript: or data:.
register.filter("http_url", http_url)

TEXT_COMMANDS = {"emph": "em", "textit": "em", "textbf": "strong"}
TEXT_COMMAND = re.compile(r"\\(emph|textit|textbf)\{([^{}$]*)\}")
TEX_QUOTES = re.compile(r"``(.*?)''", re.S)
MARKED = re.compile(f"{MARK_START}(.*?){MARK_END}", re.S)


@register.filter
def abstract_paragraphs(text):
    """An abstract as paragraphs of (text, tag) parts for includes/_abstract.html to mark up: LaTeX's \\emph,
    \\textit and \\textbf as "em" and "strong", a line break as "br"; $…$ math is left for KaTeX to draw."""
    text = TEX_QUOTES.sub(r"“\1”", normalize_newlines(text)).replace("\\ ", " ")
    paragraphs = []
    for paragraph in re.split(r"\n{2,}", text.strip()):
        parts = []
        for number, line in enumerate(paragraph.split("\n")):
            if number:
                parts.append(("", "br"))
            end = 0
            for match in TEXT_COMMAND.finditer(line):
                parts += [(line[end : match.start()], ""), (match[2], TEXT_COMMANDS[match[1]])]
                end = match.end()
            parts.append((line[end:], ""))
        paragraphs.append(parts)
    return paragraphs


@register.simple_tag(takes_context=True)
def marked_parts(context, text):
    """text as [(part, matched)] for templates to mark up (includes/_marked.html): the parts an excerpt marks,
    else every occurrence of any of the words searched (highlight_words), whatever its case."""
    words = context.get("highlight_words")
    if MARK_START in text:
        pattern = MARKED
    elif words:
        pattern = re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.I)
    else:
        return [(text, False)]
    parts, end = [], 0
    for match in pattern.finditer(text):
        parts += [(text[end : match.start()], False), (match.group(match.lastindex or 0), True)]
        end = match.end()
    return [*parts, (text[end:], False)]


# Times on rows that lists repeat by the dozen: the date filter's general formatting costs ten times these.
@register.filter(expects_localtime=True)
def iso(value):
    """An instant as ISO 8601 with its offset, in the page's zone: 2021-07-24T09:00:00-07:00."""
    return value.isoformat()


@register.filter(expects_localtime=True)
def clock(value):
    """An instant's time of day in the page's zone: 09:00."""
    return f"{value:%H:%M}"


@register.simple_tag
def clocks(starts_at, ends_at, workshop_zone, reader_zone=""):
    """A time range (ends_at None: an instant) on the workshop's clock and the reader's beside it, as data
    (schedule.timezones.Clocks) for includes/_time_range.html; whatever zone the page has activated."""
    return both_clocks(starts_at, ends_at, workshop_zone, reader_zone)


@register.filter
def abbreviation_on(zone_name, day):
    """The zone's short name on that day: America/Los_Angeles|abbreviation_on:workshop.start_date is PDT."""
    return abbreviation(zone_name, day)


@register.filter
def duration(gap):
    hours, minutes = divmod(gap.minutes, 60)
    return f"{hours} h {minutes} min" if hours and minutes else f"{hours} h" if hours else f"{minutes} min"


@register.simple_tag
def offered_zones():
    """The zones a reader can pick, by name."""
    return offered_zone_names()
