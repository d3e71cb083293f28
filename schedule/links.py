"""Links to a workshop's pages, for pages that link dozens of rows (a timetable, a poster room's map)."""

from functools import lru_cache
from urllib.parse import quote

from django.urls import reverse

SLUG_MARK = "slug-mark"  # must itself match <slug:…>; the slug is the URL's last argument, so its last match


@lru_cache(maxsize=4096)
def _around_slug(name, workshop_slug):
    return reverse(name, args=[workshop_slug, SLUG_MARK]).rsplit(SLUG_MARK, 1)


# Slugs come from the database, not from requests, and recur on every page that lists them.
@lru_cache(maxsize=65_536)
def _quoted(slug):
    return quote(slug, safe="")


def slug_url(name, workshop_slug, slug):
    """reverse(name, args=[workshop_slug, slug]), reversed once per workshop with the slug put in its place:
    reverse() costs about 10 µs, and a page may link a hundred rows."""
    before, after = _around_slug(name, workshop_slug)
    return f"{before}{_quoted(slug)}{after}"


@lru_cache(maxsize=4096)
def workshop_url(name, workshop_slug):
    """reverse(name, args=[workshop_slug]), once per process: every page links the workshop's own pages."""
    return reverse(name, args=[workshop_slug])
