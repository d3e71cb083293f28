"""Template filters for programme text. Each escapes first, then adds only markup it wrote itself."""

import re

from django import template
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe

from schedule.timezones import offered_zone_names
from workshop.search.excerpts import MARK_END, MARK_START

register = template.Library()

TEXT_COMMANDS = {"emph": "em", "textit": "em", "textbf": "strong"}
TEXT_COMMAND = re.compile(r"\\(emph|textit|textbf)\{([^{}$]*)\}")
TEX_QUOTES = re.compile(r"``(.*?)''", re.S)
MARKED = re.compile(f"{MARK_START}(.*?){MARK_END}", re.S)


@register.filter
def abstract_html(text):
    """Paragraphs of an abstract, with LaTeX text commands as HTML; $…$ math is left for KaTeX to draw."""
    html = linebreaks(escape(TEX_QUOTES.sub(r"“\1”", text)))
    html = TEXT_COMMAND.sub(lambda m: f"<{TEXT_COMMANDS[m[1]]}>{m[2]}</{TEXT_COMMANDS[m[1]]}>", html)
    return mark_safe(html.replace("\\ ", " "))


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


@register.filter
def duration(gap):
    hours, minutes = divmod(gap.minutes, 60)
    return f"{hours} h {minutes} min" if hours and minutes else f"{hours} h" if hours else f"{minutes} min"


@register.simple_tag
def offered_zones():
    """The zones a reader can pick, by name."""
    return offered_zone_names()
