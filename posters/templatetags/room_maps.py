"""A poster room's map drawn as SVG: the axes and every spot, linked to the poster standing there.

Built in Python rather than by template loops: a room has dozens of spots of several elements each, and
the template engine spent about 4 ms on a map of 45. Every value from the database is escaped here, with
the standard library's html.escape, which is what Django's escape() calls.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from schedule.links import slug_url

register = template.Library()


def _spot(cell, room_map, workshop_slug):
    label = escape(cell.label)
    shape = (
        f'<rect x="{cell.x}" y="{cell.y}" width="{room_map.cell_width}" height="{room_map.cell_height}" rx="8"></rect>'
        f'<text x="{cell.text_x}" y="{cell.y + 24}" text-anchor="middle" class="room-map__label">{label}</text>'
    )
    if not cell.poster:
        return f'<g class="room-map__spot is-empty" aria-hidden="true">{shape}</g>'
    title = escape(cell.poster.title)
    url = escape(slug_url("posters:poster-detail", workshop_slug, cell.poster.slug))
    here = " is-here" if cell.highlighted else ""
    link = (
        f'<a href="{url}" class="room-map__spot{here}" data-spot="{label}" aria-label="Spot {label}: {title}">'
        f"<title>Spot {label}: {title}</title>{shape}</a>"
    )
    # The clipped title is outside the link, whose name (label in name) must contain all of its visible text;
    # clicks pass through to the spot.
    lines = "".join(
        f'<text x="{cell.text_x}" y="{y}" text-anchor="middle" class="room-map__title" aria-hidden="true">'
        f"{escape(line)}</text>"
        for line, y in cell.title_lines
    )
    return link + lines


@register.simple_tag(takes_context=True)
def room_map_drawing(context, room_map):
    """The inside of the map's <svg>: letters down the side, numbers along the top, then the spots."""
    workshop_slug = context["workshop"].slug
    parts = [
        f'<text class="room-map__axis" x="12" y="{y}" dominant-baseline="middle" text-anchor="middle" '
        f'aria-hidden="true">{escape(str(letter))}</text>'
        for letter, y in room_map.rows
    ]
    parts += [
        f'<text class="room-map__axis" x="{x}" y="18" text-anchor="middle" aria-hidden="true">{escape(str(number))}</text>'
        for number, x in room_map.columns
    ]
    parts += [_spot(cell, room_map, workshop_slug) for cell in room_map.cells]
    return mark_safe("\n    ".join(parts))
