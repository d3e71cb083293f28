"""A workshop's public site written out as plain files: a static archive for after the event, when nobody wants to
keep a server and a database alive for pages that no longer change, yet links in papers and slides must keep working.

What is written is what the site itself lists: each workshop's offline.json (workshop/offline.py: every page, the
later pages of its long lists, search and My agenda, and the static files they load), its exports, its sitemap;
then whatever those files refer to on this site (a session's .ics, the QR codes of the printed programme, the fonts
a stylesheet asks for). Pages are rendered by the site's own views through Django's test Client, with the page
cache and fragment cache off: an archive page carries a banner, and must not be kept where the live site would
serve it.

Links become relative, so the folder works under any path of any host, behind a CDN, or opened from disk: a page at
/a/b/ is written as a/b/index.html and a link to it from /a/c/ becomes ../b/index.html. A link to something the
archive does not hold (another workshop's page, a query no page lists) loses its address rather than pointing at a
server that may be gone. Addresses the site writes in full (the sitemap's, the feed's, calendars', og:url, the QR
codes) stay absolute, on the host of --base-url.
"""

import datetime
import json
import posixpath
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

import lxml.html
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from schedule.models import Workshop

# The WSGI environ key that marks a request as rendering the archive; base.html shows the banner when it is set.
# A WSGI server files every request header under HTTP_…, so no visitor of the live site can set it.
ARCHIVE_ENVIRON_KEY = "ARCHIVE_MADE_AT"
LINK_ATTRIBUTES = ("href", "src", "action", "formaction", "poster")
# What the site's scripts read as addresses (static/js/agenda.js, offline-search.js): relative like the links.
DATA_URL_ATTRIBUTES = ("data-agenda-url", "data-search-url", "data-search-index")
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
MAX_REDIRECTS = 5
EXPORTS = ["schedule-ics", "schedule-xml", "schedule-json", "changes-feed", "search-index"]


@dataclass
class Resource:
    url: str  # the site's address: a path, with the query of a page listed with one (?page=2)
    content: bytes
    kind: str  # "html", "css", "search-index" or "file"
    base: str = ""  # the address its links are read against: where a redirect led (/ → /oppo2021/), else url

    def __post_init__(self):
        self.base = self.base or self.url


@dataclass
class Report:
    files: list = field(default_factory=list)
    # (page, address): links that pointed at something the archive does not hold, written without their address
    dropped: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # (address, status): listed or linked, but not answered with 200


def file_path(url):
    """Where the archive keeps a site address: /a/b/ → a/b/index.html, /a/b.ics → a/b.ics, /a/?page=2 →
    a/index-page-2.html (static hosts ignore queries, so a listed query gets a file of its own)."""
    parts = urlsplit(url)
    path = unquote(parts.path).lstrip("/")
    if not path or path.endswith("/"):
        name = "index"
        if parts.query:
            name += "-" + re.sub(r"[^A-Za-z0-9]+", "-", parts.query.replace("=", "-")).strip("-")
        path += name + ".html"
    return path


def script_path(url):
    """Where the archive keeps the script copy of a search index: beside it, a/search-index.js."""
    return posixpath.splitext(file_path(url))[0] + ".js"


def relative(from_url, to_url, fragment=""):
    start = posixpath.dirname(file_path(from_url)) or "."
    link = posixpath.relpath(file_path(to_url), start)
    return link + ("#" + fragment if fragment else "")


def site_address(url):
    """The address without what the archive cannot tell apart: the fragment, and an empty query."""
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


class ArchiveWriter:
    def __init__(self, directory, base_url, made_at):
        origin = urlsplit(base_url)
        if origin.scheme not in ("http", "https") or not origin.hostname:
            raise ValueError(f"--base-url must be an http(s) address such as https://example.org/, not {base_url!r}")
        if origin.path not in ("", "/") or origin.query:
            # reverse() would have to prefix every address with the path (Django's script prefix); not done here.
            raise ValueError("--base-url must be the root of a host (https://example.org/), where the archive's "
                             "index.html will be served")
        self.directory = Path(directory)
        self.host = origin.netloc
        self.hostname = origin.hostname
        self.secure = origin.scheme == "https"
        self.made_at = made_at
        self.static_prefix = urlsplit(settings.STATIC_URL).path
        self.resources = {}
        self.report = Report()

    def write(self, slugs):
        settings_for_archive = override_settings(
            ALLOWED_HOSTS=[self.hostname, f"[{self.hostname}]"],  # the second for an IPv6 address
            SECURE_SSL_REDIRECT=False,
            # Archive pages carry the banner: they must not be kept where the live site would serve them.
            PROGRAMME_CACHE_SECONDS=0,
            PROGRAMME_FRAGMENT_SECONDS=0,
        )
        with settings_for_archive:
            client = Client(HTTP_HOST=self.host, **{ARCHIVE_ENVIRON_KEY: self.made_at})
            listed, seeds = self.seeds(client, slugs)
            self.fetch_all(client, seeds, listed, slugs)
        for resource in self.resources.values():
            content = self.rewritten(resource)
            self.save(file_path(resource.url), content)
            if resource.kind == "search-index":
                # Opened from disk, a page may load a script but not fetch a file: the index as a script too.
                self.save(script_path(resource.url), b"window.workshopSearchIndex = " + content + b";\n")
        return self.report

    def save(self, name, content):
        target = self.directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        self.report.files.append(name)

    def seeds(self, client, slugs):
        """What the site lists of each workshop, the same list the offline copy keeps, with its exports."""
        # The root too: the workshop list, or the one workshop's timetable it leads to; the archive's index.html.
        listed, seeds = set(), [reverse("workshop-list")]
        self.listed, self.search_indexes = listed, set()
        workshops = Workshop.objects.order_by("slug")
        if slugs is not None:
            workshops = workshops.filter(slug__in=slugs)
            unknown = sorted(set(slugs) - set(workshops.values_list("slug", flat=True)))
            if unknown:
                raise ValueError(f"No such workshop: {', '.join(unknown)}")
        else:
            seeds.append(reverse("sitemap"))
        for slug in workshops.values_list("slug", flat=True):
            offline = json.loads(client.get(reverse("offline-list", args=[slug]), secure=self.secure).content)
            listed.update(offline["pages"])
            seeds += offline["pages"] + offline["assets"]
            seeds += [reverse(name, args=[slug]) for name in EXPORTS]
            seeds.append(reverse("sitemap-workshop", args=[slug]))
            self.search_indexes.add(reverse("search-index", args=[slug]))
        return listed, seeds

    def in_scope(self, url, slugs):
        path = urlsplit(url).path
        if path.startswith(self.static_prefix):
            return True
        if slugs is None or path == reverse("workshop-list"):
            return True
        return any(path.startswith(reverse("schedule:timetable", args=[slug])) for slug in slugs) or any(
            path == reverse("sitemap-workshop", args=[slug]) for slug in slugs
        )

    def archived(self, url, listed):
        """The address a reference is kept under: itself when listed or without a query, else its path alone."""
        url = site_address(url)
        return url if url in listed or "?" not in url else urlsplit(url).path

    def fetch_all(self, client, seeds, listed, slugs):
        self.slugs = slugs
        queue = deque(dict.fromkeys(site_address(url) for url in seeds))  # each once: workshops share files
        seen = set(queue)
        while queue:
            url = queue.popleft()
            resource = self.fetch(client, url)
            if resource is None:
                continue
            self.resources[url] = resource
            for reference in self.references(resource):
                target = self.archived(reference, listed)
                if target not in seen and self.in_scope(target, slugs):
                    seen.add(target)
                    queue.append(target)

    def fetch(self, client, url):
        path = urlsplit(url).path
        if path.startswith(self.static_prefix):
            content = static_file(unquote(path[len(self.static_prefix):]))
            if content is None:
                self.report.missing.append((url, 404))
                return None
            return Resource(url, content, "css" if path.endswith(".css") else "file")
        parts = urlsplit(url)
        base = url
        response = client.get(parts.path, dict(parse_qsl(parts.query)), secure=self.secure)
        # Followed here rather than by the Client, which would drop https for a Location written as a path: a
        # static host cannot redirect, so the archive keeps, at the address asked, the page it led to.
        for _ in range(MAX_REDIRECTS):
            if response.status_code not in (301, 302, 303, 307, 308) or not is_local(response["Location"]):
                break
            base = urljoin(base, response["Location"])
            parts = urlsplit(base)
            response = client.get(parts.path, dict(parse_qsl(parts.query)), secure=self.secure)
        if response.status_code != 200 or response.streaming or not self.in_scope(base, self.slugs):
            self.report.missing.append((url, response.status_code))
            return None
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html"):
            kind = "html"
        elif url in self.search_indexes:
            kind = "search-index"
        else:
            kind = "file"
        return Resource(url, response.content, kind, site_address(base))

    def references(self, resource):
        """The site addresses a page or stylesheet refers to, resolved against its own address."""
        if resource.kind == "html":
            values = [value for _, _, value in self.html_links(parse_html(resource.content))]
        elif resource.kind == "css":
            values = [match.group(2) for match in CSS_URL.finditer(resource.content.decode("utf-8", "replace"))]
        else:
            return []
        return [urljoin(resource.base, value) for value in values if is_local(value)]

    def html_links(self, document):
        """(element, attribute, address) of every reference in a page, srcset's candidates one by one."""
        for element in document.iter():
            if not isinstance(element.tag, str):
                continue  # comments, processing instructions
            for name in LINK_ATTRIBUTES + DATA_URL_ATTRIBUTES:
                value = element.get(name)
                if value is not None:
                    yield element, name, value.strip()
            for candidate in srcset_candidates(element.get("srcset")):
                yield element, "srcset", candidate

    def link(self, resource, value):
        """What a reference in a resource becomes: relative to the file it points at, or None when the archive
        lacks it."""
        if not is_local(value) or value.startswith("#"):
            return value
        resolved = urljoin(resource.base, value)
        target = self.archived(resolved, self.listed)
        if target not in self.resources:
            self.report.dropped.append((resource.url, value))
            return None
        return relative(resource.url, target, urlsplit(resolved).fragment)

    def rewritten(self, resource):
        if resource.kind == "html":
            return self.rewritten_html(resource)
        if resource.kind == "css":
            css = resource.content.decode("utf-8")

            def replace(match):
                return f"url({match.group(1)}{self.link(resource, match.group(2)) or ''}{match.group(1)})"

            return CSS_URL.sub(replace, css).encode("utf-8")
        if resource.kind == "search-index":
            # offline-search.js links each result to its url, read relative to the index's own address.
            index = json.loads(resource.content)
            for item in index["sessions"] + index["posters"]:
                item["url"] = self.link(resource, item["url"]) or ""
            return json.dumps(index).encode("utf-8")
        return resource.content

    def rewritten_html(self, resource):
        document = parse_html(resource.content)
        srcsets = {}
        for element, name, value in list(self.html_links(document)):
            new = self.link(resource, value)
            if name == "srcset":
                srcsets.setdefault(element, []).append((value, new))
            elif new is None:
                del element.attrib[name]
            else:
                element.set(name, new)
        for element, candidates in srcsets.items():
            element.set("srcset", rewritten_srcset(element.get("srcset"), dict(candidates)))
        return lxml.html.tostring(document, doctype="<!doctype html>", encoding="utf-8")


def is_local(value):
    """An address written as a path on this site, not one written in full (https:, mailto:, data:, //host)."""
    parts = urlsplit(value)
    return not parts.scheme and not value.startswith("//")


def parse_html(content):
    return lxml.html.document_fromstring(content)


def srcset_candidates(srcset):
    return [candidate.split()[0] for candidate in (srcset or "").split(",") if candidate.strip()]


def rewritten_srcset(srcset, links):
    candidates = []
    for candidate in srcset.split(","):
        words = candidate.split()
        if words and links.get(words[0]):
            candidates.append(" ".join([links[words[0]]] + words[1:]))
    return ", ".join(candidates)


def static_file(name):
    """A static file's bytes: from the finders (the sources, as in development), else from the storage, where
    collectstatic keeps the hashed names a production page refers to."""
    found = finders.find(name)
    if found:
        return Path(found).read_bytes()
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as stored:
            return stored.read()
    return None


def write_archive(directory, slugs=None, base_url="http://localhost/", made_at=None):
    """Write the public site of the workshops named (all by default) into directory; returns a Report."""
    made_at = made_at or timezone.now()
    stamp = made_at.astimezone(datetime.timezone.utc).strftime("%d %B %Y, %H:%M UTC").lstrip("0")
    return ArchiveWriter(directory, base_url, stamp).write(slugs)
