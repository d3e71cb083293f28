"""Reads a frab schedule XML or c3voc schedule JSON file (what frab, pretalx and Indico-based tools export, and what
workshop/exports/frab.py writes) into Django fixture items with natural keys, for workshop.loading.load_items.

Only a file that cannot be read as a schedule at all raises LoadError: not a schedule, no events in it, one guid
on two events, or (loadable_items) guids already held by another workshop's rows. A problem with one event (no
title, a date or duration that cannot be read, a session ending before it starts, two sessions at once in a room)
still gives its items, with the unreadable field left empty, so that the loader's validation reports every
problem of the file together. What the importer decides that the file does not say (people taken as one by
their names) comes back as warnings.

The importer is tolerant of what real exports contain: unknown elements and keys are ignored, optional ones may
be missing, persons may be {"name": ...}, {"public_name": ...} or plain text. It is exact for our own exports:
export, import and export again give the same file (see tests/test_frab_import.py).
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from urllib.parse import urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.utils.text import slugify

from posters.models import Poster
from schedule.models import RoomKind, Session, SessionKind
from schedule.timezones import is_zone_name, zone
from workshop.exports.events import Programme
from workshop.exports.frab import person_guid

from .errors import LoadError
from .files import parse_json
from .icml import stable_guid, unique_slug
from .kinds import POSTER as POSTER_KIND
from .kinds import session_kind

MAIN_TRACK = Programme.main_track  # the exporter's room for sessions without a room
SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")
SLUG_LENGTH = {"workshop": 60, "room": 60, "session": 120, "poster": 120, "speaker": 120}
DURATION = re.compile(r"^(?P<sign>-)?(?P<hours>\d+):(?P<minutes>\d{1,2})(?::(?P<seconds>\d{1,2}))?$")
CLOCK = re.compile(r"^(?P<hours>\d{1,2}):(?P<minutes>\d{2})(?::(?P<seconds>\d{2}))?$")
ONLINE_ROOM_TYPES = {"online", "bbb"}  # c3voc room types that mean a stream rather than a place
VIDEO_LINK_TYPES = {"media", "video", "recording"}
VIDEO_WORDS = re.compile(r"\b(video|recording|stream)\b", re.IGNORECASE)
VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "slideslive.com", "media.ccc.de", "twitch.tv", "bilibili.com")
VIDEO_FILES = (".mp4", ".webm", ".mkv", ".mov", ".m4v", ".ogv")


@dataclass
class Event:
    """One event as the file gives it: text, not yet interpreted."""

    guid: str = ""
    slug: str = ""
    title: str = ""
    type: str = ""
    date: str = ""
    day: str = ""  # the date of the <day> it is listed under, for files that give only a clock time
    day_start: str = ""
    start: str = ""
    end: str = ""
    duration: str = ""
    room: str = ""
    abstract: str = ""
    description: str = ""
    persons: list = field(default_factory=list)  # (name, identifiers), in order; identifiers like ("id", "12")
    links: list = field(default_factory=list)  # (url, title, type)


@dataclass
class Schedule:
    acronym: str = ""
    title: str = ""
    start: str = ""
    end: str = ""
    time_zone_name: str = ""
    description: str = ""
    days: list = field(default_factory=list)  # date texts, in order
    rooms: list = field(default_factory=list)  # {"name", "slug", "type", "url"}, in order of appearance
    events: list = field(default_factory=list)


def fixture_items(text, *, kind, warnings=None):
    """Fixture items (dicts, natural keys) for the schedule in text; kind is "xml" or "json". What the importer
    had to decide without the file saying so (people taken as one by their names) is added to warnings."""
    if kind == "xml":
        schedule = read_xml(text)
    elif kind == "json":
        schedule = read_json(text)
    else:
        raise ValueError(f"kind must be “xml” or “json”, not {kind!r}")
    converter = Converter(schedule)
    items = converter.items()
    if warnings is not None:
        warnings.extend(converter.warnings)
    return items


def loadable_items(text, *, kind, warnings=None):
    """fixture_items, refused whole (LoadError) when an event's guid is already another session's or poster's
    in the database: the loader would only see the database's unique constraint fail, one line per row."""
    items = fixture_items(text, kind=kind, warnings=warnings)
    taken = _guids_taken_elsewhere(items)
    if taken:
        raise LoadError(
            f"{len(taken)} event(s) carry the guid of another workshop's session or poster; nothing was loaded:\n"
            + "\n".join(taken)
        )
    return items


# Reading XML


def read_xml(text):
    try:
        # defusedxml refuses entity declarations (billion laughs) and external references (XXE) outright.
        root = SafeElementTree.fromstring(text)
    except ParseError as error:
        raise LoadError(f"not well-formed XML: {error}") from None
    except DefusedXmlException as error:
        raise LoadError(f"refused: the XML declares entities or refers to outside files ({error!r})") from None
    if _name(root) != "schedule":
        raise LoadError(f"not a frab schedule: the root element is <{_name(root)}>, not <schedule>")
    conference = _child(root, "conference")
    if conference is None:
        raise LoadError("not a frab schedule: there is no <conference> element")
    schedule = Schedule(
        acronym=_text(conference, "acronym"),
        title=_text(conference, "title"),
        start=_text(conference, "start"),
        end=_text(conference, "end"),
        time_zone_name=_text(conference, "time_zone_name"),
        description=_text(conference, "description"),
    )
    for day in _children(root, "day"):
        schedule.days.append(day.get("date", "").strip())
        for room in _children(day, "room"):
            room_name = room.get("name", "").strip()
            _add_room(schedule, {"name": room_name})
            for element in _children(room, "event"):
                schedule.events.append(_xml_event(element, room_name, day))
    if not schedule.events:
        days = _children(root, "day")
        rooms = [room for day in days for room in _children(day, "room")]
        elsewhere = sum(1 for element in root.iter() if _name(element) == "event")
        where = f"; the {elsewhere} <event> element(s) in it are elsewhere" if elsewhere else ""
        raise LoadError(
            f"no events: the file has {len(days)} <day> and {len(rooms)} <room> element(s) but no <event> "
            f"inside <schedule><day><room>{where}"
        )
    return schedule


def _xml_event(element, room_name, day):
    links = _child(element, "links")
    return Event(
        guid=element.get("guid", "").strip(),
        slug=_text(element, "slug"),
        title=_text(element, "title"),
        type=_text(element, "type"),
        date=_text(element, "date"),
        day=day.get("date", "").strip(),
        day_start=day.get("start", "").strip(),
        start=_text(element, "start"),
        end=_text(element, "end"),
        duration=_text(element, "duration"),
        room=room_name or _text(element, "room"),
        abstract=_text(element, "abstract"),
        description=_text(element, "description"),
        persons=_xml_persons(element),
        links=[]
        if links is None
        else [
            (link.get("href", "").strip(), _all_text(link), link.get("type", "")) for link in _children(links, "link")
        ],
    )


def _xml_persons(event):
    """<persons><person> and, as some tools write them, bare <person> elements of the event, in document order."""
    persons = []
    for child in event:
        if _name(child) == "person":
            persons.append((_all_text(child), _identifiers(child.get)))
        elif _name(child) == "persons":
            persons.extend((_all_text(person), _identifiers(person.get)) for person in _children(child, "person"))
    return persons


def _identifiers(get):
    """What tells a person apart besides the name: frab's id, pretalx's code, the c3voc guid."""
    return tuple((key, _string(get(key))) for key in ("guid", "code", "id") if _string(get(key)))


def _name(element):
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _children(element, name):
    return [child for child in element if _name(child) == name]


def _child(element, name):
    return next(iter(_children(element, name)), None)


def _text(element, name):
    child = _child(element, name)
    return "" if child is None else _all_text(child)


def _all_text(element):
    return "".join(element.itertext()).strip()


# Reading JSON


def read_json(text):
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise LoadError("not UTF-8 text") from None
    data = parse_json(text)
    document = data.get("schedule", data) if isinstance(data, dict) else None
    conference = document.get("conference") if isinstance(document, dict) else None
    if not isinstance(conference, dict):
        raise LoadError("not a c3voc schedule: there is no schedule.conference object")
    days = conference.get("days") or []
    if not isinstance(days, list) or not all(isinstance(day, dict) for day in days):
        raise LoadError("not a c3voc schedule: conference.days is not a list of days")
    schedule = Schedule(
        acronym=_string(conference.get("acronym")),
        title=_string(conference.get("title")),
        start=_string(conference.get("start")),
        end=_string(conference.get("end")),
        time_zone_name=_string(conference.get("time_zone_name")),
        description=_string(conference.get("description")),
    )
    room_names = {}  # guid → name: version 2 events may name their room by guid
    for room in _list(conference.get("rooms")) + _list(document.get("rooms")):
        if isinstance(room, dict):
            _add_room(schedule, {key: _string(room.get(key)) for key in ("name", "slug", "type", "url")})
            if _string(room.get("guid")):
                room_names[_string(room.get("guid"))] = _string(room.get("name"))
        elif isinstance(room, str):
            _add_room(schedule, {"name": room.strip()})
    for day in days:
        schedule.days.append(_string(day.get("date")))
        rooms = day.get("rooms") or {}
        if not isinstance(rooms, dict):
            raise LoadError(f"not a c3voc schedule: the rooms of day {_string(day.get('date'))} are not an object")
        for room_name, events in rooms.items():
            _add_room(schedule, {"name": room_name.strip()})
            if not isinstance(events, list) or not all(isinstance(event, dict) for event in events):
                raise LoadError(f"not a c3voc schedule: the events of room “{room_name}” are not a list of objects")
            schedule.events.extend(_json_event(event, room_name.strip(), day) for event in events)
    # Version 2 of the c3voc format lists events flat, each naming its room, beside schedule.rooms.
    flat = document.get("events")
    if flat is not None:
        if not isinstance(flat, list) or not all(isinstance(event, dict) for event in flat):
            raise LoadError("not a c3voc schedule: schedule.events is not a list of objects")
        for event in flat:
            room = event.get("room")
            name = _string(room.get("name") if isinstance(room, dict) else room)
            schedule.events.append(_json_event(event, room_names.get(name) or name, {}))
    if not schedule.events:
        room_count = sum(len(day.get("rooms") or {}) for day in days)
        flat_text = "an empty schedule.events list" if flat is not None else "no schedule.events list"
        raise LoadError(
            f"no events: schedule.conference.days has {len(days)} day(s) with {room_count} room(s) and no events "
            f"in them, and there is {flat_text}"
        )
    return schedule


def _json_event(data, room_name, day):
    return Event(
        guid=_string(data.get("guid")),
        slug=_string(data.get("slug")),
        title=_string(data.get("title")),
        type=_string(data.get("type")),
        date=_string(data.get("date")),
        day=_string(day.get("date")),
        day_start=_string(day.get("day_start")),
        start=_string(data.get("start")),
        end=_string(data.get("end")),
        duration=_string(data.get("duration")),
        room=room_name or _string(data.get("room")),
        abstract=_string(data.get("abstract")),
        description=_string(data.get("description")),
        persons=[_json_person(person) for person in data.get("persons") or []],
        links=[
            (_string(link.get("url")), _string(link.get("title")), _string(link.get("type")))
            for link in data.get("links") or []
            if isinstance(link, dict)
        ],
    )


def _json_person(person):
    if isinstance(person, dict):
        name = _string(person.get("name") or person.get("public_name") or person.get("full_name"))
        return name, _identifiers(person.get)
    return _string(person), ()


def _list(value):
    return value if isinstance(value, list) else []


def _string(value):
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _add_room(schedule, room):
    if room["name"] and all(known["name"] != room["name"] for known in schedule.rooms):
        schedule.rooms.append(room)


# Interpreting


class Converter:
    def __init__(self, schedule):
        self.schedule = schedule
        self.workshop = self.workshop_slug()
        self.tz_name = self.zone_name()
        self.tz = zone(self.tz_name) if is_zone_name(self.tz_name) else self.offset_zone() or UTC
        self.rooms = {}  # name → slug; the main track is not a room
        for event in schedule.events:
            _add_room(schedule, {"name": event.room})
        self.people = People(schedule.events)
        self.warnings = self.people.warnings

    def items(self):
        rooms = self.room_items()
        sessions, posters, people = [], [], []
        slugs = self.event_slugs()
        for number, (event, slug) in enumerate(zip(self.schedule.events, slugs, strict=True)):
            is_poster = _normal(event.type) == POSTER_KIND
            item = self.event_item(event, slug, is_poster)
            (posters if is_poster else sessions).append(item)
            model, owner = ("posters.posterauthor", "poster") if is_poster else ("schedule.sessionspeaker", "session")
            for position, speaker_slug in enumerate(self.people.of_event(number)):
                people.append(
                    {
                        "model": model,
                        "fields": {"position": position, owner: [self.workshop, slug], "speaker": [speaker_slug]},
                    }
                )
        _refuse_shared_guids(sessions, "session")
        _refuse_shared_guids(posters, "poster")
        speaker_items = [
            {"model": "schedule.speaker", "fields": {"name": name, "slug": slug}} for slug, name in self.people.names()
        ]
        return [self.workshop_item(), *speaker_items, *rooms, *sessions, *posters, *people]

    # The workshop

    def workshop_slug(self):
        acronym, title = self.schedule.acronym, self.schedule.title
        # Lower case, as the exporter must write acronyms: otherwise our own export would come back as a
        # second workshop holding the first one's guids.
        if SLUG.match(acronym) and len(acronym) <= SLUG_LENGTH["workshop"]:
            return acronym.lower()
        slug = slugify(acronym) or slugify(title)
        if not slug:
            raise LoadError("not a usable schedule: the conference has neither an acronym nor a title")
        return slug[: SLUG_LENGTH["workshop"]].rstrip("-")

    def zone_name(self):
        """The file's zone name; without one, the Etc/GMT zone of the file's one offset (UTC if there are several)."""
        if self.schedule.time_zone_name:
            return self.schedule.time_zone_name
        offset = self.only_offset()
        if offset is None or not offset or offset % timedelta(hours=1):
            return "UTC"
        return f"Etc/GMT{-int(offset / timedelta(hours=1)):+d}"  # POSIX sign: Etc/GMT+5 is five hours behind UTC

    def offset_zone(self):
        offset = self.only_offset()
        return timezone(offset) if offset is not None else None

    def only_offset(self):
        texts = [event.date for event in self.schedule.events] + [event.day_start for event in self.schedule.events]
        offsets = {moment.utcoffset() for moment in map(_datetime, texts) if moment and moment.tzinfo}
        return offsets.pop() if len(offsets) == 1 else None

    def workshop_item(self):
        times = [self.times(event) for event in self.schedule.events]
        days = [day for day in map(_date, self.schedule.days) if day]
        days += [starts.astimezone(self.tz).date() for starts, _ends in times if starts]
        start = self.local_date(self.schedule.start) or min(days, default=None)
        end = self.local_date(self.schedule.end) or max(days, default=None)
        if end:
            # A frab day may run past midnight: an event that starts by the last day and ends after it stretches
            # the workshop by a date. One that starts later stays outside, for the loader to report.
            for starts, ends in times:
                if starts and ends and ends > starts and starts.astimezone(self.tz).date() <= end:
                    end = max(end, (ends - timedelta(microseconds=1)).astimezone(self.tz).date())
        return {
            "model": "schedule.workshop",
            "fields": {
                "title": self.schedule.title,
                "slug": self.workshop,
                "start_date": start.isoformat() if start else None,
                "end_date": end.isoformat() if end else None,
                "timezone": self.tz_name,
                "description": self.schedule.description,
            },
        }

    def local_date(self, text):
        moment = _datetime(text)
        if moment and moment.tzinfo:
            return moment.astimezone(self.tz).date()
        return _date(text)

    # Rooms and people

    def room_items(self):
        items, taken = [], set()
        for room in self.schedule.rooms:
            if _is_main_track(room["name"]):
                continue
            given = room.get("slug", "")
            slug = given if _usable_slug(given, "room", taken) else _free_slug(_room_slug(room["name"]), taken, 60)
            taken.add(slug)
            self.rooms[room["name"]] = slug
            url = room.get("url", "")
            kind = RoomKind.STREAM if room.get("type", "").lower() in ONLINE_ROOM_TYPES else RoomKind.PHYSICAL
            items.append(
                {
                    "model": "schedule.room",
                    "fields": {
                        "workshop": [self.workshop],
                        "name": room["name"],
                        "slug": slug,
                        "kind": kind,
                        "url": url if url.startswith(("http://", "https://")) else "",
                        "position": len(items),
                    },
                }
            )
        return items

    # Events

    def event_slugs(self):
        """The file's slug without the "<acronym>-" prefix, where it is a valid slug unique among the sessions
        (or among the posters), else one made from the title."""
        events = self.schedule.events
        given = [self.given_slug(event) for event in events]
        models = [_normal(event.type) == POSTER_KIND for event in events]
        counts = {}
        for slug, model in zip(given, models, strict=True):
            counts[slug, model] = counts.get((slug, model), 0) + 1
        kept = [slug if slug and counts[slug, model] == 1 else "" for slug, model in zip(given, models, strict=True)]
        taken = {True: set(), False: set()}
        for slug, model in zip(kept, models, strict=True):
            taken[model].add(slug)
        slugs = []
        for number, (event, slug, model) in enumerate(zip(events, kept, models, strict=True), start=1):
            if not slug:
                title = event.title if slugify(event.title) else f"event {number}"
                slug = unique_slug(title, taken[model])
                taken[model].add(slug)
            slugs.append(slug)
        return slugs

    def given_slug(self, event):
        slug = event.slug
        for prefix in {self.schedule.acronym, self.workshop}:
            if prefix and slug.lower().startswith(prefix.lower() + "-") and len(slug) > len(prefix) + 1:
                slug = slug[len(prefix) + 1 :]
                break
        return slug if SLUG.match(slug) and len(slug) <= SLUG_LENGTH["session"] else ""

    def event_item(self, event, slug, is_poster):
        starts, ends = self.times(event)
        model, kind = ("posters.poster", "poster") if is_poster else ("schedule.session", "session")
        fields = {
            "workshop": [self.workshop],
            "title": event.title,
            "slug": slug,
            "guid": _guid(event.guid) or str(stable_guid(self.workshop, kind, slug)),
            "abstract": event.abstract or event.description,
            "room": None if _is_main_track(event.room) else [self.workshop, self.rooms[event.room]],
            "starts_at": _utc_text(starts),
            "ends_at": _utc_text(ends),
        }
        if not is_poster:
            fields["kind"] = _kind(event.type)
            fields["video_url"] = _video_url(event.links)
        return {"model": model, "fields": fields}

    def times(self, event):
        """(start, end), aware; None for what the file does not say readably."""
        starts = _datetime(event.date)
        if starts is None:
            starts = self.clock_on_day(event)
        elif starts.tzinfo is None:
            starts = starts.replace(tzinfo=self.tz)
        ends = _datetime(event.end)
        if ends is not None and ends.tzinfo is None:
            ends = ends.replace(tzinfo=self.tz)
        length = _duration(event.duration)
        if ends is None and starts is not None and length is not None:
            ends = starts + length
        return starts, ends

    def clock_on_day(self, event):
        """For files with only <start>: the clock time on the day's date, or the next date when the time is
        before the day's start (frab days can run past midnight)."""
        clock, day = CLOCK.match(event.start), _date(event.day)
        if not clock or not day:
            return None
        try:
            moment = time(int(clock["hours"]), int(clock["minutes"]), int(clock["seconds"] or 0))
        except ValueError:
            return None
        day_start = _datetime(event.day_start)
        if day_start is not None and moment < day_start.time():
            day += timedelta(days=1)
        return datetime.combine(day, moment, tzinfo=self.tz)


class People:
    """Who each person named in the file is, and their slugs.

    Mentions that share an identifier (guid, code or id) are one person, whatever their spelling; people with
    different identifiers stay apart even when their names are alike, and namesakes get "-2", "-3" slugs.
    A mention without identifiers is matched by its name's slug, which is guessing: the importer warns where
    the spellings differ or the name fits more than one person. Our own exports give each person the guid of
    their slug, so the slugs of namesakes come back as they were.
    """

    def __init__(self, events):
        self.warnings = []
        self.first_name = {}  # person → the spelling first met
        self.label = {}  # person → how the file identifies them, for warnings
        parent, owner = {}, {}  # person → the person it was merged into; identifier → person

        def root(person):
            while parent[person] != person:
                person = parent[person]
            return person

        mentions = []  # (event number, person, or the name where the file gives no identifiers), in file order
        for number, event in enumerate(events):
            for name, identifiers in event.persons:
                if not name or not identifiers:
                    mentions.append((number, None, name))
                    continue
                found = sorted({root(owner[identifier]) for identifier in identifiers if identifier in owner})
                person = found[0] if found else len(parent)
                parent.setdefault(person, person)
                for other in found[1:]:
                    parent[other] = person
                for identifier in identifiers:
                    owner.setdefault(identifier, person)
                self.first_name.setdefault(person, name)
                self.label.setdefault(person, " ".join(identifiers[0]))
                mentions.append((number, person, name))
        by_base = {}  # a name's slug → the people with identifiers whose first spelling gives it
        for person in dict.fromkeys(root(person) for _number, person, _name in mentions if person is not None):
            by_base.setdefault(_person_base(self.first_name[person]), []).append(person)
        self.people_of_event = {}
        for number, person, name in mentions:
            if person is None and name:
                person = self.by_name(name, by_base)
            elif person is not None:
                person = root(person)
            if person is not None:
                self.people_of_event.setdefault(number, []).append(person)
        guids = {root(person): _uuid_text(value) for (kind, value), person in owner.items() if kind == "guid"}
        self.slugs = self.slugs_for(by_base, guids)

    def by_name(self, name, by_base):
        base = _person_base(name)
        candidates = by_base.setdefault(base, [])
        if not candidates:
            person = ("name", base)
            candidates.append(person)
            self.first_name[person] = name
            self.label[person] = ""
            return person
        same = [person for person in candidates if self.first_name[person] == name]
        person = (same or candidates)[0]
        if len(candidates) > 1:
            who = ", ".join(f"“{self.first_name[other]}” ({self.label[other]})" for other in candidates)
            which = "the first so spelt" if same else "the first"
            self.warn(f"“{name}” has no id and could be any of {who}: taken as {which}")
        elif self.first_name[person] != name:
            known = f"“{self.first_name[person]}”" + (f" ({self.label[person]})" if self.label[person] else "")
            self.warn(f"“{name}” (no id) and {known} are taken as one person, by their names")
        return person

    def warn(self, text):
        if text not in self.warnings:
            self.warnings.append(text)

    def slugs_for(self, by_base, guids):
        slugs, taken = {}, set()
        for base, people in by_base.items():
            # An identity's guid may name its slug (our exports); namesakes are numbered from 2.
            known = {
                str(person_guid(slug)): slug for slug in [base] + [f"{base}-{n}" for n in range(2, len(people) + 11)]
            }
            for person in people:
                slug = known.get(guids.get(person, ""))
                if slug and slug not in taken:
                    slugs[person] = slug
                    taken.add(slug)
        for people in by_base.values():
            for person in people:
                if person not in slugs:
                    slugs[person] = _free_slug(_person_base(self.first_name[person]), taken, SLUG_LENGTH["speaker"])
                    taken.add(slugs[person])
        return slugs

    def of_event(self, number):
        """The slugs of an event's people, in order; someone listed twice is kept once."""
        return list(dict.fromkeys(self.slugs[person] for person in self.people_of_event.get(number, [])))

    def names(self):
        """(slug, name) of everyone, in order of first mention."""
        people = dict.fromkeys(person for listed in self.people_of_event.values() for person in listed)
        return [(self.slugs[person], self.first_name[person]) for person in people]


def _person_base(name):
    slug = slugify(name)[: SLUG_LENGTH["speaker"]].rstrip("-")
    # A name with no Latin letters slugifies to nothing; the name's own hash keeps it one person.
    return slug or f"person-{uuid.uuid5(uuid.NAMESPACE_URL, name).hex[:12]}"


def _uuid_text(text):
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return ""


def _refuse_shared_guids(items, what):
    titles = {}
    for item in items:
        titles.setdefault(item["fields"]["guid"], []).append(item["fields"]["title"])
    shared = [
        f"{guid} ({', '.join(f'“{title}”' for title in names)})" for guid, names in titles.items() if len(names) > 1
    ]
    if shared:
        raise LoadError(f"one guid for several {what}s, which must each have their own: {'; '.join(shared)}")


def _guids_taken_elsewhere(items):
    """One line for each event whose guid is already a session's or poster's under another workshop or slug."""
    lines = []
    for model, label, what in ((Session, "schedule.session", "session"), (Poster, "posters.poster", "poster")):
        wanted = {item["fields"]["guid"]: item["fields"] for item in items if item["model"] == label}
        for row in model.objects.filter(guid__in=list(wanted)).select_related("workshop").order_by("starts_at", "pk"):
            fields = wanted[str(row.guid)]
            workshop = fields["workshop"][0]
            if (row.workshop.slug, row.slug) == (workshop, fields["slug"]):
                continue  # the same row again: an update
            if row.workshop.slug == workshop:
                where = f"under the slug “{row.slug}” in this workshop"
            else:
                where = f"of workshop {row.workshop.slug}"
                if row.workshop.slug.lower() == workshop.lower():
                    where += f" (the file's acronym makes it {workshop}: only the letter case differs)"
            lines.append(f"guid {row.guid} of “{fields['title']}” is already that of the {what} “{row.title}” {where}")
    return lines


def _is_main_track(name):
    return not name or name.casefold() == MAIN_TRACK.casefold()


def _usable_slug(slug, model, taken):
    return bool(slug) and bool(SLUG.match(slug)) and len(slug) <= SLUG_LENGTH[model] and slug not in taken


def _room_slug(name):
    # Punctuation other than apostrophes separates words: "Gather.town room 1" is gather-town-room-1.
    return slugify(re.sub(r"[^\w\s'’-]", " ", name)) or "room"


def _free_slug(base, taken, max_length):
    base = base[:max_length].rstrip("-")
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base[: max_length - len(str(suffix)) - 1]}-{suffix}", suffix + 1
    return slug


def _normal(text):
    return " ".join(re.sub(r"[_\-]", " ", text.casefold()).split())


def _kind(type_text):
    return session_kind(type_text) or SessionKind.OTHER


def _video_url(links):
    for url, title, kind in links:
        if not url.startswith(("http://", "https://")):
            continue
        parts = urlsplit(url)
        host = parts.hostname or ""
        if (
            kind.lower() in VIDEO_LINK_TYPES
            or VIDEO_WORDS.search(title)
            or any(host == known or host.endswith("." + known) for known in VIDEO_HOSTS)
            or parts.path.lower().endswith(VIDEO_FILES)
        ):
            return url
    return ""


def _guid(text):
    """The file's GUID; one that is not a UUID becomes a stable UUID made from it."""
    if not text:
        return ""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, text))


def _datetime(text):
    try:
        return datetime.fromisoformat(text) if text and "T" in text.upper() else None
    except ValueError:
        return None


def _date(text):
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _duration(text):
    match = DURATION.match(text or "")
    if not match:
        return None
    length = timedelta(hours=int(match["hours"]), minutes=int(match["minutes"]), seconds=int(match["seconds"] or 0))
    return -length if match["sign"] else length


def _utc_text(moment):
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None
