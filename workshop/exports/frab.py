"""frab schedule XML and c3voc schedule JSON from export events: what Giggity, ConfClerk, EventFahrplan and the
c3voc video tooling read.

Both formats are written from one dictionary (the JSON document), so they cannot disagree. Instants are written
in the workshop's zone with their offset ("2021-07-24T09:00:00-07:00"); "start" and "duration" are the local
clock time and length the older readers use. Identifiers are derived, never random, so the same programme
always gives the same bytes:

- event guid: the session's or poster's GUID; event id (an integer both formats require, and which apps use to
  remember favourites): taken from the guid;
- person guid and id: from the person's slug, the same in every workshop;
- event slug: "<acronym>-<slug>", the c3voc convention for recording file names;
- version: a hash of the content, so it changes exactly when the programme does.
"""

import hashlib
import json
import re
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree

from schedule.links import http_url
from schedule.timezones import day_bounds, zone

GENERATOR = "workshop-programme"
SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
LANGUAGE = "en"
TIMESLOT = "00:05"
VIDEO_LINK_TITLE = "Video"
VIDEO_LINK_TYPE = "media"

# The schemas' own patterns. JSON Schema searches (it does not anchor), hence re.search with these.
JSON_ACRONYM = re.compile(r"^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$")
JSON_ZONE = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
JSON_SLUG = re.compile(r"^[a-z0-9_-]+[a-z0-9]$")
# XSD patterns match the whole value, hence re.fullmatch with these.
XML_ACRONYM = re.compile(r"[a-z0-9_-]{4,}")
XML_SLUG = re.compile(r"[a-z0-9_]{4,}-[a-z0-9\-_]{4,}")
UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
# Characters XML 1.0 cannot carry at all, not even as references (control characters, lone surrogates).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
LARGEST_ID = 2**31 - 1  # apps keep event ids in 32-bit integers


def to_json(programme):
    """The programme as a c3voc schedule JSON document (a dict for json.dumps)."""
    tz = zone(programme.timezone)
    acronym = json_acronym(programme.slug)
    rooms = _rooms(programme)
    conference = {
        "acronym": acronym,
        "title": programme.title,
        "start": programme.start_date.isoformat(),
        "end": programme.end_date.isoformat(),
        "timeslot_duration": TIMESLOT,
    }
    if JSON_ZONE.search(programme.timezone):
        conference["time_zone_name"] = programme.timezone
    if programme.description:
        conference["description"] = programme.description
    if url := http_url(programme.url):
        conference["url"] = url
    conference["rooms"] = [_json_room(room, name, guid) for room, name, guid in rooms]
    ids = _event_ids(programme.events)
    days = []
    for index, day in enumerate(_dates(programme, tz), start=1):
        opens, closes = day_bounds(day, day, programme.timezone)
        by_room = {name: [] for _room, name, _guid in rooms}
        for event in programme.events:
            if event.starts_at.astimezone(tz).date() == day:
                name = event.room.name if event.room else programme.main_track
                by_room[name].append(_json_event(event, name, ids[event.guid], acronym, tz))
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": opens.isoformat(),
                "day_end": closes.isoformat(),
                "rooms": by_room,
            }
        )
    conference["daysCount"] = len(days)
    conference["days"] = days
    schedule = {"version": _version(programme, days)}
    base_url = _site_root(programme.url)
    if base_url:
        schedule["base_url"] = base_url
    schedule["conference"] = conference
    return {"$schema": SCHEMA_URL, "generator": {"name": GENERATOR}, "schedule": schedule}


def to_xml(programme):
    """The programme as frab schedule XML (UTF-8 bytes), written from the same data as to_json."""
    schedule = to_json(programme)["schedule"]
    conference = schedule["conference"]
    acronym = xml_acronym(programme.slug)
    root = ElementTree.Element("schedule")
    ElementTree.SubElement(root, "generator", name=GENERATOR)
    _add(root, "version", schedule["version"])
    head = ElementTree.SubElement(root, "conference")
    _add(head, "acronym", acronym)
    _add(head, "title", conference["title"])
    _add(head, "start", conference["start"])
    _add(head, "end", conference["end"])
    _add(head, "days", str(conference["daysCount"]))
    _add(head, "timeslot_duration", conference["timeslot_duration"])
    if "base_url" in schedule:
        _add(head, "base_url", schedule["base_url"])
    if "url" in conference:
        _add(head, "url", conference["url"])
    _add(head, "time_zone_name", programme.timezone)
    room_guids = {room["name"]: room["guid"] for room in conference["rooms"]}
    slugs = set()
    for day in conference["days"]:
        day_element = ElementTree.SubElement(
            root, "day", index=str(day["index"]), date=day["date"], start=day["day_start"], end=day["day_end"]
        )
        for name, events in day["rooms"].items():
            room_element = ElementTree.SubElement(day_element, "room", name=_xml_text(name), guid=room_guids[name])
            for event in events:
                slug = xml_event_slug(event["slug"], acronym, json_acronym(programme.slug))
                # The XSD wants slugs unique in the file; a poster may share its spotlight's slug.
                if slug in slugs:
                    slug = ""
                slugs.add(slug)
                _xml_event(room_element, event, slug)
    ElementTree.indent(root, space="  ")
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def json_acronym(slug):
    """The workshop slug if the JSON schema accepts it as an acronym, else the nearest form it accepts."""
    if JSON_ACRONYM.search(slug):
        return slug
    return re.sub(r"[^a-z0-9_]", "_", slug.lower()).ljust(4, "_")


def xml_acronym(slug):
    """The XSD is more lenient than the JSON schema: hyphenated slugs stay as they are, only lower-cased (as the
    importer lower-cases acronyms into slugs)."""
    return slug.lower() if XML_ACRONYM.fullmatch(slug.lower()) else json_acronym(slug)


def xml_event_slug(json_slug, acronym, json_acronym_text):
    """The JSON event slug with this format's acronym; empty when the XSD's pattern refuses it."""
    slug = acronym + json_slug.removeprefix(json_acronym_text)
    return slug if XML_SLUG.fullmatch(slug) else ""


def person_guid(slug):
    """A person's GUID: from their slug, which is one row per person across workshops."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:workshop-programme:speaker:{slug}"))


def main_track_guid(programme):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:workshop-programme:{programme.slug}:main-track"))


def _number(guid):
    return uuid.UUID(guid).int % LARGEST_ID + 1


def _guid(text):
    """A GUID as the schemas want it; anything else becomes a stable UUID made from it."""
    return str(uuid.UUID(text)) if UUID_TEXT.fullmatch(text or "") else str(uuid.uuid5(uuid.NAMESPACE_URL, text))


def _event_ids(events):
    """guid → integer id, unique in the file: the next free number when two guids hash alike."""
    ids, used = {}, set()
    for event in events:
        number = _number(_guid(event.guid))
        while number in used:
            number = number % LARGEST_ID + 1
        ids[event.guid] = number
        used.add(number)
    return ids


def _rooms(programme):
    """(room or None, name, guid) for every room, in order: the main track first when anything is on it."""
    rooms = []
    if any(event.room is None for event in programme.events):
        rooms.append((None, programme.main_track, main_track_guid(programme)))
    listed = list(programme.rooms) + [event.room for event in programme.events if event.room]
    names = {name for _room, name, _guid in rooms}
    for room in listed:
        if room.name not in names:  # JSON keys rooms by name, so one name is one room
            names.add(room.name)
            guid = _guid(room.guid or f"urn:workshop-programme:{programme.slug}:room:{room.slug}")
            rooms.append((room, room.name, guid))
    return rooms


def _json_room(room, name, guid):
    data = {"name": name, "guid": guid}
    if room is not None:
        if JSON_SLUG.search(room.slug):
            data["slug"] = room.slug
        if url := http_url(room.url):
            data["url"] = url
    return data


def _dates(programme, tz):
    """Every date from the first day to the last, stretched to any event outside them."""
    first, last = programme.start_date, programme.end_date
    for event in programme.events:
        day = event.starts_at.astimezone(tz).date()
        first, last = min(first, day), max(last, day)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _json_event(event, room_name, number, acronym, tz):
    starts, ends = event.starts_at.astimezone(tz), event.ends_at.astimezone(tz)
    data = {
        "guid": _guid(event.guid),
        "id": number,
        "date": starts.isoformat(),
        "start": f"{starts:%H:%M}",
        "end": ends.isoformat(),
        "duration": _hours_minutes(event.duration),
        "room": room_name,
        "slug": f"{acronym}-{event.slug.lower()}".rstrip("-_"),
        "url": http_url(event.url),
        "title": event.title,
        "subtitle": "",
        "track": event.kind_label,
        "type": event.kind_label,
        "language": LANGUAGE,
        "abstract": event.abstract,
        "description": "",
        "recording_license": "",
        "do_not_record": False,
        "persons": [_json_person(person) for person in event.people],
        "links": [],
        "attachments": [],
    }
    if video_url := http_url(event.video_url):
        data["links"].append({"url": video_url, "title": VIDEO_LINK_TITLE, "type": VIDEO_LINK_TYPE})
    return data


def _json_person(person):
    # "name" without "public_name": the schema's Person is oneOf frab's (public_name + id) or pretalx's (name).
    data = {"name": person.name, "guid": person_guid(person.slug)}
    if url := http_url(person.url):
        data["url"] = url
    return data


def _xml_event(room_element, event, slug):
    element = ElementTree.SubElement(room_element, "event", guid=event["guid"], id=str(event["id"]))
    starts, ends = _instant(event["date"]), _instant(event["end"])
    _add(element, "date", event["date"])
    # The XSD allows seconds where the JSON schema does not; write them only when there are any.
    _add(element, "start", f"{starts:%H:%M:%S}" if starts.second else event["start"])
    _add(element, "duration", _hours_minutes(ends - starts, seconds=True))
    _add(element, "room", event["room"])
    if slug:
        _add(element, "slug", slug)
    if event["url"]:
        _add(element, "url", event["url"])
    recording = ElementTree.SubElement(element, "recording")
    _add(recording, "license", event["recording_license"])
    _add(recording, "optout", "true" if event["do_not_record"] else "false")
    for name in ("title", "subtitle", "track", "type", "language", "abstract", "description"):
        _add(element, name, event[name])
    persons = ElementTree.SubElement(element, "persons")
    for person in event["persons"]:
        person_element = _add(persons, "person", person["name"])
        person_element.set("id", str(_number(person["guid"])))
        person_element.set("guid", person["guid"])
    links = ElementTree.SubElement(element, "links")
    for link in event["links"]:
        _add(links, "link", link["title"]).attrib.update(href=_xml_text(link["url"]), type=link["type"])
    ElementTree.SubElement(element, "attachments")


def _add(parent, name, text):
    element = ElementTree.SubElement(parent, name)
    element.text = _xml_text(text)
    return element


def _xml_text(text):
    # XML parsers turn CR LF into LF; writing LF ourselves keeps an export, its import and the next export equal.
    return NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _hours_minutes(length, seconds=False):
    total = int(length.total_seconds())
    text = f"{total // 3600:02d}:{total % 3600 // 60:02d}"
    return f"{text}:{total % 60:02d}" if seconds and total % 60 else text


def _instant(text):
    return datetime.fromisoformat(text)


def _version(programme, days):
    """A hash of the timetable: what both formats carry (not, say, the description, which XML has no place for),
    so an XML export and the export of its import have the same version."""
    content = [
        programme.title,
        programme.timezone,
        programme.start_date.isoformat(),
        programme.end_date.isoformat(),
        days,
    ]
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]


def _site_root(url):
    if not http_url(url):
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"
