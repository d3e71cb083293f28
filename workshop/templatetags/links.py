"""{% url %} for a workshop's own pages, reversed once per process (see schedule/links.py): a page's frame
links a dozen of them, and {% url %} costs about 20 µs each."""

from django import template

from schedule import links

register = template.Library()


@register.simple_tag
def workshop_url(name, workshop_slug):
    return links.workshop_url(name, workshop_slug)


@register.simple_tag
def slug_url(name, workshop_slug, slug):
    return links.slug_url(name, workshop_slug, slug)
