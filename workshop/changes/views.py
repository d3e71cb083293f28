from itertools import groupby

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView

from schedule.models import Workshop
from schedule.timezones import ViewerZone, abbreviation

from .log import changes


def day_of(change, workshop):
    return timezone.localtime(change.at, workshop.tzinfo).date()


class ChangeLogView(TemplateView):
    """What changed in the published programme, newest first. Times are in the workshop's zone whatever the
    reader chose elsewhere: a log read by everyone, and quoted, says one clock."""

    template_name = "changes/change_log.html"

    def get_context_data(self, **kwargs):
        workshop = get_object_or_404(Workshop, slug=kwargs["workshop"])
        days = [(day, list(group)) for day, group in groupby(changes(workshop), key=lambda change: day_of(change, workshop))]
        return super().get_context_data(
            workshop=workshop,
            zone=ViewerZone(workshop.timezone, True),
            zone_abbreviation=abbreviation(workshop.timezone, workshop.start_date),
            days=days,
        )
