"""Template filters for programme text. Each escapes first, then adds only markup it wrote itself."""

import re

from django import template
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe

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
    """text, escaped, with each of words marked wherever it occurs."""
    text = escape(text)
    if not words:
        return mark_safe(text)
    pattern = re.compile("|".join(re.escape(escape(word)) for word in sorted(words, key=len, reverse=True)), re.I)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group()}</mark>", text))


@register.filter
def duration(gap):
    minutes = gap.minutes
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours and minutes else f"{hours} h" if hours else f"{minutes} min"
