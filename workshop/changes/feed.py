import uuid

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from schedule.models import Workshop

from .log import changes


class ChangeFeed(Feed):
    """The change log as an Atom feed: one entry per change, linking to the session's or poster's page (to the
    change log for what was removed). Titles are text (the feed escapes them); summaries are the change log's
    own HTML, in the workshop's zone."""

    feed_type = Atom1Feed
    title_template = "changes/feed_title.txt"
    description_template = "changes/feed_summary.html"

    def get_object(self, request, workshop):
        return get_object_or_404(Workshop, slug=workshop)

    def title(self, workshop):
        return f"Programme changes: {workshop.title}"

    def link(self, workshop):
        return reverse("changes", args=[workshop.slug])

    def subtitle(self, workshop):
        return "What changed in the published programme, newest first."

    def items(self, workshop):
        return changes(workshop)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "workshop": kwargs["obj"]}

    def item_link(self, change):
        return change.item.url or f"{reverse('changes', args=[change.item.workshop])}#{change.key}"

    def item_guid(self, change):
        # A change has no page of its own, and links repeat (two changes of one talk): a stable URN instead.
        return uuid.uuid5(uuid.NAMESPACE_URL, f"{change.item.workshop}/changes/{change.key}").urn

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return change.at

    def item_updateddate(self, change):
        return change.at
