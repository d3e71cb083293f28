"""The "changed lately" marks of the timetable and detail pages, as data for templates/changes/_mark.html."""

from django import template

from workshop.changes.log import recent_marks

register = template.Library()


@register.simple_tag
def recent_changes(workshop, model, pk=None):
    """{pk: latest change} of the workshop's sessions or posters changed within the last day, read once for a
    whole page (in two queries) and looked up row by row with change_mark."""
    return recent_marks(workshop, model, pk)


@register.simple_tag
def change_mark(marks, pk):
    """The latest recent change of the row pk, or None; None too on pages that read no marks."""
    return marks.get(pk) if marks else None
