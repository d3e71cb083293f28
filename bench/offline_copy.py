"""What a phone fetches and keeps for a workshop's offline copy: every page and file its offline.json lists, as
the site sends them to a browser (pages gzipped; static files as whitenoise sends collectstatic's compressed
copies, here compressed the same way) and as the service worker stores them (decompressed), by kind.

    .venv/bin/python bench/offline_copy.py [WORKSHOP]     # the seed's (oppo2021) by default

Reads the database the settings name (db.sqlite3 after `make run`, or DATABASE_URL); writes nothing.
tests/test_offline.py holds the budget: under a megabyte to download, under two kept.
"""

import gzip
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workshop.settings")


def kind_of(url, workshop):
    """sessions, posters, speakers, search-index.json, … for the workshop's; static/<folder>/<file> for files."""
    parts = url.strip("/").split("/")
    if parts[0] == "static":
        return "/".join(parts[:3])
    if parts[0] != workshop:
        return parts[0]
    return parts[1] if len(parts) > 1 else "timetable"


def main(workshop):
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import override_settings

    with override_settings(ALLOWED_HOSTS=["testserver"], WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True,
                           PROGRAMME_CACHE_SECONDS=0):
        client = Client()
        listed = client.get(f"/{workshop}/offline.json").json()
        sent, kept, count = Counter(), Counter(), Counter()
        for url in listed["pages"] + listed["assets"]:
            response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
            body = b"".join(response.streaming_content) if response.streaming else response.content
            compressed = response.get("Content-Encoding") == "gzip"
            kind = kind_of(url.split("?")[0], workshop)
            sent[kind] += len(body) if compressed else len(gzip.compress(body))
            kept[kind] += len(gzip.decompress(body)) if compressed else len(body)
            count[kind] += 1
    print(f"{workshop}: {len(listed['pages'])} pages and {len(listed['assets'])} files")
    print(f"{'':28} {'files':>6} {'download':>10} {'kept':>10}")
    for kind, size in kept.most_common():
        print(f"{kind:28} {count[kind]:6} {sent[kind]:10,} {size:10,}")
    print(f"{'all':28} {sum(count.values()):6} {sum(sent.values()):10,} {sum(kept.values()):10,}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "oppo2021")
