"""Reads the workshop page of the ICML/NeurIPS virtual site, as copied from the browser, into model objects.

The page reads as: the workshop description; one "<room> link: <url>" line per virtual room; then one entry
per session ("Sat 9:00 a.m.  9:05 a.m.", title, "(Invited talk)", abstract, "Name · Name 🔗") and one per poster
(title, "(Poster)", "[ Visit Poster at Spot A2 in Virtual World ]" lines, abstract, authors). The page does not
say which room a poster stands in: when spot labels start again, the posters have moved to the next room.

Copies of the site's /virtual/ view also carry page furniture (the title, the organizers, "Timezone: »",
"Schedule", keywords, "»" link arrows), which is kept out of the text. The times are in the zone the page was
viewed in, which is not necessarily the workshop's: the page's "Timezone:" line or page_timezone says which.
What the importer cannot read for certain it refuses or warns about, naming the page's line.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.utils.text import slugify

from posters.models import Poster, PosterAuthor, PosterSpot
from schedule.models import Room, RoomKind, Session, SessionKind, SessionSpeaker, Speaker, Workshop, WorkshopOrganizer
from schedule.timezones import day_bounds, is_zone_name, zone

from .hyphens import hyphen_free, restore_hyphens, spelled_with_hyphens
from .kinds import is_poster, session_kind

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
TIME_LINE = re.compile(
    r"^(?P<day>Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+(?P<start>\d{1,2}:\d{2}\s*[ap]\.?m\.?)\s*[-–—]?\s*"
    r"(?P<end>\d{1,2}:\d{2}\s*[ap]\.?m\.?)$"
)
KIND_LINE = re.compile(r"^\(\s*(?P<kind>[^()]+?)\s*\)$")
MAX_KIND_LINES = 3  # "(", "Talk", ")": the /virtual/ view sometimes breaks a kind over lines
ROOM_LINK_LINE = re.compile(r"^(?P<label>.+?) link:\s*(?P<url>https?://\S+)$")
SPOT_LINE = re.compile(r"^\[\s*Visit Poster at Spot (?P<label>\S+) in (?P<where>.+?)\s*\]$")
# "SlidesLive Video » Abstract…" on one line, or "SlidesLive Video" alone on its line.
VIDEO_MARKER = re.compile(r"^(?P<provider>\S.*?) Video\s*[»>]\s*|^(?P<alone>\S+) Video$")
ARROW_LINE = re.compile(r"^[»>]$")  # a link's arrow, copied as a line of its own
TIMEZONE_LINE = re.compile(r"^Timezone:\s*(?P<name>[^»>]*?)\s*[»>]?$")
ABSTRACT_PREFIX = re.compile(r"^Abstract:\s*")
# Lines of the /virtual/ view around the description that are not part of it.
FURNITURE = re.compile(
    r"^(?:[»>]|Schedule|Workshop|Tutorial|Abstract|Abstract\s*[»>]|Toggle Abstract|Chat is not available\.?"
    r"|Keywords?:.*|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{1,2} .*--.*)$"
)
SENTENCE_END = tuple(".!?:;)\"”'’")
SHORT_LINE_WORDS = 6
PEOPLE_END = "🔗"
PEOPLE_SEPARATOR = " · "
MAX_NAME_WORDS = 5


@dataclass(frozen=True)
class Note:
    """A warning or error about one line of the page (line None: about the page as a whole)."""

    line: int | None
    text: str

    def __str__(self):
        return f"line {self.line}: {self.text}" if self.line else self.text

    def at(self, name):
        return f"{name} line {self.line}: {self.text}" if self.line else f"{name}: {self.text}"


class SourceError(ValueError):
    """The text is not a workshop page this importer can read; the message says where and why."""

    def __init__(self, text, line=None):
        self.note = Note(line, text)
        super().__init__(str(self.note))


@dataclass
class Entry:
    line: int  # of the title; every line number here counts from 1, as an editor does
    title: str
    kind: str
    kind_line: int = 0
    abstract: str = ""
    people: list = field(default_factory=list)
    people_line: int = 0
    video_provider: str = ""
    spots: list = field(default_factory=list)
    day: str = ""
    start: str = ""
    end: str = ""
    time_line: int = 0


@dataclass
class Page:
    description: str
    room_links: list  # [(label, url)] in page order
    entries: list
    timezone: str = ""  # as the page's "Timezone:" line gives it
    timezone_line: int = 0
    organizers: list = field(default_factory=list)  # as the page lists them, if it does
    organizers_line: int = 0
    warnings: list = field(default_factory=list)


@dataclass
class WorkshopInfo:
    slug: str
    title: str
    start_date: date
    timezone: str  # the zone the workshop is shown in
    end_date: date | None = None
    page_timezone: str = ""  # the zone the page was viewed in, when the page does not say
    conference: str = ""
    website: str = ""
    organizers: list = field(default_factory=list)
    rooms: list = field(default_factory=list)  # [{"name", "slug", "kind"}] for the room links, in order


@dataclass
class Imported:
    objects: list  # unsaved model instances, each after the ones it refers to
    warnings: list  # of Note


def parse(text, title=""):
    """The page's parts; title, when given, is the workshop's, whose line at the top is furniture."""
    lines = [line.rstrip() for line in text.splitlines()]
    kinds = kinds_on(lines)
    if not kinds:
        raise no_entries(lines)
    header_end = kinds[0][0] - 1
    while header_end > 0 and (not lines[header_end - 1].strip() or TIME_LINE.match(lines[header_end - 1])):
        header_end -= 1
    page = Page(description="", room_links=[], entries=[])
    parse_header(page, lines[:header_end], title)
    for number, (start, end, kind) in enumerate(kinds):
        body_end = kinds[number + 1][0] - 1 if number + 1 < len(kinds) else len(lines)
        page.entries.append(parse_entry(lines, start, end, kind, body_end))
    return page


def kinds_on(lines):
    """(first index, index after, kind) of every kind written under a title line."""
    found, n = [], 1
    while n < len(lines):
        kind = kind_at(lines, n) if lines[n - 1].strip() else None
        if kind:
            found.append((n, n + kind[1], kind[0]))
            n += kind[1]
        else:
            n += 1
    return found


def kind_at(lines, n):
    if KIND_LINE.match(lines[n]):
        return KIND_LINE.match(lines[n])["kind"], 1
    if lines[n].strip() != "(" and not (lines[n].startswith("(") and ")" not in lines[n]):
        return None
    for size in range(2, MAX_KIND_LINES + 1):
        part = [line.strip() for line in lines[n : n + size]]
        if len(part) < size or not all(part):
            return None
        match = KIND_LINE.match(" ".join(part))
        if match:
            return match["kind"], size
    return None


def no_entries(lines):
    """Says why no entry was found, at the first time line if there is one: its entry is what is missing."""
    expected = "expected a title line followed by a kind such as “(Invited talk)” on a line of its own"
    times = [n for n, line in enumerate(lines) if TIME_LINE.match(line)]
    if times:
        return SourceError(
            f"no entries found: this time line is not followed by a title and a kind; {expected}", times[0] + 1
        )
    return SourceError(f"no entries found ({len(lines)} lines read): {expected}")


def parse_header(page, lines, title):
    description = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        link, timezone = ROOM_LINK_LINE.match(text), TIMEZONE_LINE.match(text)
        if link:
            page.room_links.append((link["label"], link["url"]))
        elif timezone:
            page.timezone, page.timezone_line = timezone["name"], number
        elif is_people_line(text):
            page.organizers, page.organizers_line = people_on(text), number
        elif FURNITURE.match(text) or (title and title_key(text) == title_key(title)):
            continue
        else:
            text = ABSTRACT_PREFIX.sub("", line)
            if text and len(text.split()) <= SHORT_LINE_WORDS and not text.rstrip().endswith(SENTENCE_END):
                page.warnings.append(
                    Note(number, f"“{text.strip()}” is kept in the workshop's description; delete it if it is furniture")
                )
            description.append(text)
    page.description = "\n".join(description).strip()


def is_people_line(text):
    """A line of names: the organizers, as the /virtual/ view lists them above the description."""
    names = people_on(text)
    short = all(len(name.split()) <= MAX_NAME_WORDS for name in names)
    return text.endswith(PEOPLE_END) or (PEOPLE_SEPARATOR in text and short)


def people_on(text):
    return [name.strip() for name in text.removesuffix(PEOPLE_END).split(PEOPLE_SEPARATOR.strip()) if name.strip()]


def parse_entry(lines, start, end, kind, body_end):
    entry = Entry(line=start, title=lines[start - 1].strip(), kind=kind, kind_line=start + 1)
    for n in range(start - 2, max(start - 5, -1), -1):
        time_line = TIME_LINE.match(lines[n])
        if time_line:
            entry.day, entry.start, entry.end = time_line["day"], time_line["start"], time_line["end"]
            entry.time_line = n + 1
            break
    body = lines[end:body_end]
    people_at = next((n for n, line in enumerate(body) if line.endswith(PEOPLE_END)), None)
    if people_at is None:
        raise SourceError(f"“{entry.title}” has no people line ending in {PEOPLE_END}", entry.line)
    entry.people, entry.people_line = people_on(body[people_at].strip()), end + people_at + 1
    text = without_furniture(body[:people_at], entry.spots)
    video = VIDEO_MARKER.match(text[0]) if text else None
    if video:
        entry.video_provider = video["provider"] or video["alone"]
        text = without_furniture([text[0][video.end() :], *text[1:]], entry.spots)
    entry.abstract = "\n".join(text).strip()
    return entry


def without_furniture(text, spots):
    """text without its leading blank lines, arrow lines and spot lines, whose labels go to spots."""
    while text and (SPOT_LINE.match(text[0].strip()) or ARROW_LINE.match(text[0].strip()) or not text[0].strip()):
        spot = SPOT_LINE.match(text[0].strip())
        if spot:
            spots.append(spot["label"])
        text = text[1:]
    return text


def clock(value, line):
    compact = value.replace(" ", "").replace(".", "").upper()
    try:
        return datetime.strptime(compact, "%I:%M%p").time()
    except ValueError:
        raise SourceError(f"“{value}” is not a time of day on a 12-hour clock", line) from None


class Builder:
    """Turns a parsed page into unsaved model objects, one Speaker per person however often they appear."""

    def __init__(self, info, page):
        self.info = info
        self.page = page
        self.warnings = list(page.warnings)
        self.speakers = {}
        self.first_seen = {}  # speaker slug → the line it was first named on
        self.renamed = set()
        self.objects = []
        self.page_zone = self.zone_of_page()
        self.workshop = Workshop(
            slug=info.slug,
            title=info.title,
            conference=info.conference,
            start_date=info.start_date,
            end_date=info.end_date or info.start_date,
            timezone=info.timezone,
            website=info.website,
        )
        self.organizer_names, self.organizers_line = self.organizers()
        self.spellings = spelled_with_hyphens(
            [restore_hyphens(name) for name in self.organizer_names]
            + [restore_hyphens(name) for entry in page.entries for name in entry.people]
        )

    def build(self):
        page = self.page
        self.workshop.description = restore_hyphens(page.description)
        self.objects.append(self.workshop)
        organizers = self.organizer_names
        self.ordered(WorkshopOrganizer, "workshop", self.workshop, organizers, "organizers", self.organizers_line)
        rooms = self.rooms(page.room_links)
        session_entries = [entry for entry in page.entries if not is_poster(entry.kind)]
        sessions = [self.session(entry) for entry in session_entries]
        self.link_follow_ups(sessions)
        spotlights = {
            title_key(session.title): (session, entry.line)
            for session, entry in zip(sessions, session_entries, strict=True)
            if session.kind == SessionKind.SPOTLIGHT
        }
        self.posters([entry for entry in page.entries if is_poster(entry.kind)], rooms, spotlights)
        self.warn_about_near_namesakes()
        speakers = sorted(self.speakers.values(), key=lambda speaker: speaker.slug)
        return Imported(objects=speakers + self.objects, warnings=self.warnings)

    def zone_of_page(self):
        """The zone the page's times are in: the page's own word, else what the details say; never a guess."""
        page, given = self.page, self.info.page_timezone
        if page.timezone and not is_zone_name(page.timezone):
            if not given:
                raise SourceError(
                    f"“{page.timezone}” is not an IANA zone name such as America/Los_Angeles; "
                    "give the zone the page was viewed in as page_timezone",
                    page.timezone_line,
                )
            self.warnings.append(
                Note(page.timezone_line, f"“{page.timezone}” is not an IANA zone name: times read in {given}, as given")
            )
            return zone(given)
        if page.timezone and given and page.timezone != given:
            raise SourceError(
                f"the page says its times are in {page.timezone}, but page_timezone says {given}", page.timezone_line
            )
        if not (page.timezone or given):
            raise SourceError(
                "the page does not say which zone its times are in (no “Timezone:” line): give page_timezone, "
                "the zone the page was viewed in (--page-timezone or in the meta file)"
            )
        return zone(page.timezone or given)

    def organizers(self):
        """The organizers the details name, else those the page lists; (names, page line or None)."""
        page, given = self.page, self.info.organizers
        if not given:
            return page.organizers, page.organizers_line or None
        if page.organizers and {key(n) for n in page.organizers} != {key(n) for n in given}:
            self.warnings.append(
                Note(page.organizers_line, "the page lists other organizers than the details; the details' are kept")
            )
        return given, None

    def speaker(self, name, line):
        name = restore_hyphens(name)
        if name in self.spellings:
            if name not in self.renamed:
                self.renamed.add(name)
                self.warnings.append(
                    Note(line, f"“{name}” is taken to be “{self.spellings[name]}”, whose hyphen the page dropped")
                )
            name = self.spellings[name]
        slug = slugify(name)
        known = self.speakers.get(slug)
        if known is None:
            known = self.speakers[slug] = Speaker(name=name, slug=slug)
            self.first_seen[slug] = line
        elif known.name != name:
            self.warnings.append(Note(line, f"“{name}” and “{known.name}” are taken as one person ({slug})"))
        return known

    def warn_about_near_namesakes(self):
        """Names that differ only in case and hyphens may be one person; merging them would be a guess."""
        groups = {}
        for speaker in self.speakers.values():
            groups.setdefault(key(speaker.name), []).append(speaker)
        for group in groups.values():
            for later in group[1:]:
                self.warnings.append(
                    Note(
                        self.first_seen[later.slug],
                        f"“{later.name}” and “{group[0].name}” differ only in case or hyphens: kept as two people",
                    )
                )

    def ordered(self, through, parent_field, parent, names, what, line):
        seen = []
        for name in names:
            person = self.speaker(name, line)
            if person in seen:
                twice = f"{person.name} is listed twice among the {what} of “{parent}”: kept once"
                self.warnings.append(Note(line, twice))
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

    def times(self, entry):
        """The session's start and end in UTC. The weekday is the page's, in the page's zone; the workshop's days
        are in the workshop's zone, so a page viewed in Tokyo may say Sunday for a Saturday workshop in Los Angeles."""
        start, end = clock(entry.start, entry.time_line), clock(entry.end, entry.time_line)
        first, last = self.workshop.start_date, self.workshop.end_date
        opens, closes = day_bounds(first, last, self.workshop.timezone)
        days = [first + timedelta(days=n) for n in range(-1, (last - first).days + 2)]
        matching = [
            day
            for day in days
            if WEEKDAYS[day.weekday()] == entry.day
            and opens <= datetime.combine(day, start, tzinfo=self.page_zone) < closes
        ]
        if len(matching) != 1:
            raise SourceError(
                f"“{entry.title}” is on a {entry.day}, which is not {'exactly one' if matching else 'one'} of the "
                f"workshop's days ({first} to {last} in {self.workshop.timezone})",
                entry.time_line,
            )
        end_day = matching[0]
        if end <= start:
            # On a 12-hour clock a session crosses midnight from p.m. to a.m.; any other end before the start is a slip.
            if not (start.hour >= 12 and end.hour < 12):
                raise SourceError(
                    f"“{entry.title}” ends at {entry.end}, before it starts at {entry.start}", entry.time_line
                )
            end_day += timedelta(days=1)
        starts_at, ends_at = self.instant(matching[0], start, entry), self.instant(end_day, end, entry)
        if ends_at > closes:
            raise SourceError(
                f"“{entry.title}” ends after the workshop's last day ({last} in {self.workshop.timezone})",
                entry.time_line,
            )
        return starts_at, ends_at

    def instant(self, day, time, entry):
        local = datetime.combine(day, time, tzinfo=self.page_zone)
        if local.astimezone(UTC).astimezone(self.page_zone).replace(tzinfo=None) != local.replace(tzinfo=None):
            skipped = f"{time:%H:%M} on {day} does not exist in {self.page_zone.key}: the clocks skip it"
            raise SourceError(skipped, entry.time_line)
        if local.utcoffset() != local.replace(fold=1).utcoffset():
            self.warnings.append(
                Note(entry.time_line, f"{time:%H:%M} on {day} happens twice in {self.page_zone.key}: the first is taken")
            )
        return local.astimezone(UTC)

    def session(self, entry):
        if not entry.start:
            raise SourceError(f"session “{entry.title}” has no time line before it", entry.line)
        kind = session_kind(entry.kind)
        if kind is None:
            kind = SessionKind.OTHER
            self.warnings.append(Note(entry.kind_line, f"unknown kind “{entry.kind}” read as “other”"))
        starts_at, ends_at = self.times(entry)
        session = Session(
            workshop=self.workshop,
            title=restore_hyphens(entry.title),
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            abstract=restore_hyphens(entry.abstract),
            video_provider=entry.video_provider,
        )
        session.slug = unique_slug(session.title, (o.slug for o in self.objects if isinstance(o, Session)))
        session.guid = stable_guid(self.workshop.slug, "session", session.slug)
        self.objects.append(session)
        self.ordered(SessionSpeaker, "session", session, entry.people, "speakers", entry.people_line)
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

    def posters(self, entries, rooms, spotlights):
        room_index, labels_here, slugs = 0, set(), []
        for entry in entries:
            if labels_here & set(entry.spots):
                room_index, labels_here = room_index + 1, set()
            labels_here |= set(entry.spots)
            room = rooms[room_index] if room_index < len(rooms) else None
            if entry.spots and room is None:
                self.warnings.append(Note(entry.line, "more runs of spot labels than room links; no room"))
            poster = Poster(
                workshop=self.workshop,
                title=restore_hyphens(entry.title),
                abstract=restore_hyphens(entry.abstract),
                room=room,
            )
            poster.slug = unique_slug(poster.title, slugs)
            poster.guid = stable_guid(self.workshop.slug, "poster", poster.slug)
            slugs.append(poster.slug)
            poster.spotlight = spotlights.pop(title_key(poster.title), (None, 0))[0]
            self.objects.append(poster)
            for label in entry.spots:
                self.objects.append(PosterSpot(poster=poster, label=label))
            self.ordered(PosterAuthor, "poster", poster, entry.people, "authors", entry.people_line)
        for session, line in spotlights.values():
            self.warnings.append(Note(line, f"spotlight “{session.title}” matches no poster"))


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


def key(name):
    return hyphen_free(name).casefold()


def import_page(text, info):
    return Builder(info, parse(text, title=info.title)).build()
