"""Reads the workshop page of the ICML/NeurIPS virtual site, as copied from the browser, into model objects.

The page reads as: the workshop description; one "<room> link: <url>" line per virtual room; then one entry
per session ("Sat 9:00 a.m.  9:05 a.m.", title, "(Invited talk)", abstract, "Name · Name 🔗") and one per poster
(title, "(Poster)", "[ Visit Poster at Spot A2 in Virtual World ]" lines, abstract, authors). The page does not
say which room a poster stands in: when spot labels start again, the posters have moved to the next room.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.utils.text import slugify

from posters.models import Poster, PosterAuthor, PosterSpot
from schedule.models import Room, RoomKind, Session, SessionKind, SessionSpeaker, Speaker, Workshop, WorkshopOrganizer
from schedule.timezones import zone

from .hyphens import restore_hyphens

TIME_LINE = re.compile(
    r"^(?P<day>Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+(?P<start>\d{1,2}:\d{2}\s*[ap]\.?m\.?)\s*[-–—]?\s*"
    r"(?P<end>\d{1,2}:\d{2}\s*[ap]\.?m\.?)$"
)
KIND_LINE = re.compile(r"^\((?P<kind>[^()]+)\)$")
ROOM_LINK_LINE = re.compile(r"^(?P<label>.+?) link:\s*(?P<url>https?://\S+)$")
SPOT_LINE = re.compile(r"^\[\s*Visit Poster at Spot (?P<label>\S+) in (?P<where>.+?)\s*\]$")
VIDEO_MARKER = re.compile(r"^(?P<provider>\S.*?) Video »\s*")
PEOPLE_END = "🔗"
PEOPLE_SEPARATOR = " · "

KINDS = {
    "opening": SessionKind.OPENING,
    "opening remarks": SessionKind.OPENING,
    "invited talk": SessionKind.INVITED_TALK,
    "talk": SessionKind.INVITED_TALK,
    "keynote": SessionKind.INVITED_TALK,
    "live q&a": SessionKind.LIVE_QA,
    "q&a": SessionKind.LIVE_QA,
    "spotlight": SessionKind.SPOTLIGHT,
    "contributed talk": SessionKind.SPOTLIGHT,
    "poster session": SessionKind.POSTER_SESSION,
    "break": SessionKind.BREAK,
    "closing": SessionKind.CLOSING,
    "closing remarks": SessionKind.CLOSING,
}
POSTER_KIND = "poster"
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


class SourceError(ValueError):
    """The text is not a workshop page this importer can read; the message says where and why."""


@dataclass
class Entry:
    line: int
    title: str
    kind: str
    abstract: str = ""
    people: list = field(default_factory=list)
    video_provider: str = ""
    spots: list = field(default_factory=list)
    day: str = ""
    start: str = ""
    end: str = ""


@dataclass
class Page:
    description: str
    room_links: list  # [(label, url)] in page order
    entries: list


@dataclass
class WorkshopInfo:
    slug: str
    title: str
    start_date: date
    timezone: str
    end_date: date | None = None
    conference: str = ""
    website: str = ""
    organizers: list = field(default_factory=list)
    rooms: list = field(default_factory=list)  # [{"name", "slug", "kind"}] for the room links, in order


@dataclass
class Imported:
    objects: list  # unsaved model instances, each after the ones it refers to
    warnings: list


def parse(text):
    lines = [line.rstrip() for line in text.splitlines()]
    kind_lines = [n for n, line in enumerate(lines) if KIND_LINE.match(line) and n > 0 and lines[n - 1].strip()]
    if not kind_lines:
        raise SourceError("no entries found: expected a title line followed by a kind such as “(Invited talk)”")
    header_end = kind_lines[0] - 1
    while header_end > 0 and (not lines[header_end - 1].strip() or TIME_LINE.match(lines[header_end - 1])):
        header_end -= 1
    description, room_links = parse_header(lines[:header_end])
    entries = []
    for number, kind_line in enumerate(kind_lines):
        body_end = kind_lines[number + 1] - 1 if number + 1 < len(kind_lines) else len(lines)
        entries.append(parse_entry(lines, kind_line, body_end))
    return Page(description=description, room_links=room_links, entries=entries)


def parse_header(lines):
    description, room_links = [], []
    for line in lines:
        link = ROOM_LINK_LINE.match(line.strip())
        if link:
            room_links.append((link["label"], link["url"]))
        else:
            description.append(line)
    return "\n".join(description).strip(), room_links


def parse_entry(lines, kind_line, body_end):
    entry = Entry(line=kind_line, title=lines[kind_line - 1].strip(), kind=KIND_LINE.match(lines[kind_line])["kind"])
    time_line = next((TIME_LINE.match(lines[n]) for n in range(kind_line - 2, max(kind_line - 5, -1), -1)
                      if TIME_LINE.match(lines[n])), None)
    if time_line:
        entry.day, entry.start, entry.end = time_line["day"], time_line["start"], time_line["end"]
    body = lines[kind_line + 1:body_end]
    people_at = next((n for n, line in enumerate(body) if line.endswith(PEOPLE_END)), None)
    if people_at is None:
        raise SourceError(f"line {kind_line}: “{entry.title}” has no people line ending in {PEOPLE_END}")
    people_line = body[people_at].removesuffix(PEOPLE_END).strip()
    entry.people = [name.strip() for name in people_line.split(PEOPLE_SEPARATOR.strip()) if name.strip()]
    text = body[:people_at]
    while text and SPOT_LINE.match(text[0].strip()):
        entry.spots.append(SPOT_LINE.match(text[0].strip())["label"])
        text = text[1:]
    if text:
        video = VIDEO_MARKER.match(text[0])
        if video:
            entry.video_provider = video["provider"]
            text[0] = text[0][video.end():]
    entry.abstract = "\n".join(text).strip()
    return entry


def clock(value):
    compact = value.replace(" ", "").replace(".", "").upper()
    return datetime.strptime(compact, "%I:%M%p").time()


class Builder:
    """Turns a parsed page into unsaved model objects, one Speaker per person however often they appear."""

    def __init__(self, info):
        self.info = info
        self.warnings = []
        self.speakers = {}
        self.objects = []
        self.workshop = Workshop(
            slug=info.slug,
            title=info.title,
            conference=info.conference,
            start_date=info.start_date,
            end_date=info.end_date or info.start_date,
            timezone=info.timezone,
            website=info.website,
        )

    def build(self, page):
        self.workshop.description = restore_hyphens(page.description)
        self.objects.append(self.workshop)
        self.ordered(WorkshopOrganizer, "workshop", self.workshop, self.info.organizers, "organizers")
        rooms = self.rooms(page.room_links)
        sessions = [self.session(entry) for entry in page.entries if entry.kind.casefold() != POSTER_KIND]
        self.link_follow_ups(sessions)
        poster_entries = [entry for entry in page.entries if entry.kind.casefold() == POSTER_KIND]
        self.posters(poster_entries, rooms, sessions)
        speakers = sorted(self.speakers.values(), key=lambda speaker: speaker.slug)
        return Imported(objects=speakers + self.objects, warnings=self.warnings)

    def speaker(self, name):
        name = restore_hyphens(name)
        slug = slugify(name)
        known = self.speakers.get(slug)
        if known is None:
            known = self.speakers[slug] = Speaker(name=name, slug=slug)
        elif known.name != name:
            self.warnings.append(f"“{name}” and “{known.name}” are taken as one person ({slug})")
        return known

    def ordered(self, through, parent_field, parent, names, what):
        seen = []
        for name in names:
            person = self.speaker(name)
            if person in seen:
                self.warnings.append(f"{person.name} is listed twice among the {what} of “{parent}”: kept once")
                continue
            seen.append(person)
            self.objects.append(through(**{parent_field: parent}, speaker=person, position=len(seen) - 1))

    def rooms(self, room_links):
        rooms = []
        for position, (label, url) in enumerate(room_links):
            given = self.info.rooms[position] if position < len(self.info.rooms) else {}
            name = given.get("name") or re.sub(r"(\D)(\d+)$", r"\1 \2", label)
            room = Room(
                workshop=self.workshop,
                name=name,
                slug=given.get("slug") or slugify(name),
                kind=given.get("kind") or RoomKind.VIRTUAL_WORLD,
                url=url,
                position=position,
            )
            rooms.append(room)
            self.objects.append(room)
        return rooms

    def day(self, entry):
        first, last = self.workshop.start_date, self.workshop.end_date
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        matching = [day for day in days if WEEKDAYS[day.weekday()] == entry.day]
        if len(matching) != 1:
            raise SourceError(
                f"line {entry.line}: “{entry.title}” is on a {entry.day}, which is not "
                f"{'exactly one' if matching else 'one'} of the workshop's days ({first} to {last})"
            )
        return matching[0]

    def session(self, entry):
        if not entry.start:
            raise SourceError(f"line {entry.line}: session “{entry.title}” has no time line before it")
        kind = KINDS.get(entry.kind.casefold())
        if kind is None:
            kind = SessionKind.OTHER
            self.warnings.append(f"line {entry.line}: unknown kind “{entry.kind}” read as “other”")
        day, tz = self.day(entry), zone(self.workshop.timezone)
        session = Session(
            workshop=self.workshop,
            title=restore_hyphens(entry.title),
            kind=kind,
            starts_at=datetime.combine(day, clock(entry.start), tzinfo=tz).astimezone(UTC),
            ends_at=datetime.combine(day, clock(entry.end), tzinfo=tz).astimezone(UTC),
            abstract=restore_hyphens(entry.abstract),
            video_provider=entry.video_provider,
        )
        session.slug = unique_slug(session.title, (o.slug for o in self.objects if isinstance(o, Session)))
        session.guid = stable_guid(self.workshop.slug, "session", session.slug)
        self.objects.append(session)
        self.ordered(SessionSpeaker, "session", session, entry.people, "speakers")
        return session

    def link_follow_ups(self, sessions):
        """A live Q&A belongs to the talk before it whose speaker it names, or else to the talk just before it."""
        talks = []
        for session in sessions:
            if session.kind == SessionKind.LIVE_QA and talks:
                named = [t for t in talks if any(p.name in session.title for p in self.people_of(t))]
                session.belongs_to = (named or talks)[-1]
            elif session.kind in (SessionKind.INVITED_TALK, SessionKind.SPOTLIGHT):
                talks.append(session)

    def people_of(self, session):
        return [o.speaker for o in self.objects if isinstance(o, SessionSpeaker) and o.session is session]

    def posters(self, entries, rooms, sessions):
        spotlights = {title_key(s.title): s for s in sessions if s.kind == SessionKind.SPOTLIGHT}
        room_index, labels_here, slugs = 0, set(), []
        for entry in entries:
            if labels_here & set(entry.spots):
                room_index, labels_here = room_index + 1, set()
            labels_here |= set(entry.spots)
            room = rooms[room_index] if room_index < len(rooms) else None
            if entry.spots and room is None:
                self.warnings.append(f"line {entry.line}: more runs of spot labels than room links; no room")
            poster = Poster(
                workshop=self.workshop,
                title=restore_hyphens(entry.title),
                abstract=restore_hyphens(entry.abstract),
                room=room,
            )
            poster.slug = unique_slug(poster.title, slugs)
            poster.guid = stable_guid(self.workshop.slug, "poster", poster.slug)
            slugs.append(poster.slug)
            poster.spotlight = spotlights.pop(title_key(poster.title), None)
            self.objects.append(poster)
            for label in entry.spots:
                self.objects.append(PosterSpot(poster=poster, label=label))
            self.ordered(PosterAuthor, "poster", poster, entry.people, "authors")
        for session in spotlights.values():
            self.warnings.append(f"spotlight “{session.title}” matches no poster")


def stable_guid(workshop_slug, kind, slug):
    """The same page always gives the same GUIDs, so a regenerated fixture is byte for byte the same."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:workshop-programme:{workshop_slug}:{kind}:{slug}")


def title_key(title):
    return "".join(char for char in title.casefold() if char.isalnum())


def unique_slug(title, taken, max_length=80):
    base = slugify(title)[:max_length].rstrip("-")
    if len(slugify(title)) > max_length and "-" in base:
        base = base.rsplit("-", 1)[0]
    taken = set(taken)
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def import_page(text, info):
    return Builder(info).build(parse(text))
