"""The frab schedule XML and c3voc schedule JSON exports, read back the way schedule apps read them."""

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from jsonschema import Draft6Validator, FormatChecker
from lxml import etree

from posters.models import Poster
from workshop.exports import frab
from schedule.models import Room, RoomKind, Session, SessionKind
from workshop.exports.programme import build_programme

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"
requires_schemas = pytest.mark.skipif(
    not SCHEMAS.is_dir(), reason=f"the schedule schemas are not there ({SCHEMAS}); they live in the shared folder"
)


def absolute(path):
    return "http://testserver" + path


def xml_of(workshop):
    return frab.to_xml(build_programme(workshop, absolute))


def json_of(workshop):
    # Through text and back, as a schedule app gets it from the view.
    return json.loads(json.dumps(frab.to_json(build_programme(workshop, absolute)), ensure_ascii=False))


def xml_events(xml):
    return etree.fromstring(xml).findall("day/room/event")


def json_events(document):
    return [
        event
        for day in document["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
    ]


def xml_times(event):
    starts = datetime.fromisoformat(event.findtext("date"))
    hours, minutes, *seconds = map(int, event.findtext("duration").split(":"))
    return starts, starts + timedelta(hours=hours, minutes=minutes, seconds=sum(seconds))


def json_times(event):
    starts = datetime.fromisoformat(event["date"])
    hours, minutes = map(int, event["duration"].split(":"))
    return starts, starts + timedelta(hours=hours, minutes=minutes)


def assert_valid_xml(xml):
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "schedule.xml.xsd")))
    document = etree.fromstring(xml)
    assert schema.validate(document), [str(error) for error in schema.error_log]


def assert_valid_json(document):
    schema = json.loads((SCHEMAS / "schedule.schema.json").read_text())
    # Every format the jsonschema library knows (date, uuid, color too, not only draft 6's), and the checkers
    # for date-time and uri must really be installed: without them those formats pass unchecked.
    checker = FormatChecker()
    assert {"date-time", "uri", "date", "uuid"} <= set(checker.checkers)
    errors = [
        f"{list(error.absolute_path)}: {error.message}"
        for error in Draft6Validator(schema, format_checker=checker).iter_errors(document)
    ]
    assert errors == []


# Programmes to validate


@pytest.fixture
def two_rooms(make_workshop, make_session):
    """A two-day workshop: a session in each of two rooms at once, one on the main track, one the next day."""
    workshop = make_workshop(timezone="Europe/Berlin")
    hall = Room.objects.create(workshop=workshop, name="Hall A", slug="hall-a", position=0)
    stream = Room.objects.create(
        workshop=workshop,
        name="Stream",
        slug="stream",
        kind=RoomKind.STREAM,
        url="https://example.org/live",
        position=1,
    )
    nine = datetime(2030, 5, 6, 9, tzinfo=workshop.tzinfo)
    make_session(workshop, title="In hall A", slug="in-hall-a", room=hall, starts_at=nine, speakers=2)
    make_session(
        workshop,
        title="On the stream",
        slug="on-the-stream",
        room=stream,
        starts_at=nine,
        ends_at=nine + timedelta(minutes=30),
    )
    make_session(
        workshop,
        title="Welcome",
        slug="welcome",
        kind=SessionKind.OPENING,
        starts_at=nine - timedelta(minutes=20),
        ends_at=nine,
    )
    # 00:30 in Berlin on the second day is still the first day in UTC: it belongs to the second day.
    late = datetime(2030, 5, 7, 0, 30, tzinfo=workshop.tzinfo)
    make_session(
        workshop, title="After midnight", slug="after-midnight", starts_at=late, ends_at=late + timedelta(minutes=45)
    )
    return workshop


@pytest.fixture
def timed_poster(make_workshop, make_poster):
    workshop = make_workshop(slug="posters2030")
    starts = datetime(2030, 5, 6, 14, tzinfo=workshop.tzinfo)
    make_poster(
        workshop,
        title="Sparse double descent",
        slug="sparse-double-descent",
        authors=3,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    make_poster(workshop, title="Untimed poster", slug="untimed")
    return workshop


@pytest.fixture
def special_characters(make_workshop, make_session, make_speaker):
    workshop = make_workshop(title='Tom & Jerry\'s <Workshop> "on" naïveté — ∑ 🚀')
    session = make_session(
        workshop,
        title=r"Bounds for $\mathcal{O}(n^{2})$ & <b>bold</b> \& “quotes” 'single' — Schrödinger’s 猫",
        abstract='Line one & <two>\nLine "three" with $\\alpha < \\beta$ and \\textbf{x}\n\n  indented 😀',
    )
    session.session_speakers.create(speaker=make_speaker(name="Zoë O'Brien & <Co>", slug="zoe-obrien"), position=0)
    session.session_speakers.create(speaker=make_speaker(name="Łukasz Żółć", slug="lukasz-zolc"), position=1)
    return workshop


@requires_schemas
@pytest.mark.parametrize("case", ["seed", "two_rooms", "timed_poster", "special_characters", "make_workshop"])
def test_the_exports_validate_against_the_c3voc_schemas(request, case):
    workshop = request.getfixturevalue(case)
    if case == "make_workshop":  # a workshop with nothing in it yet
        workshop = workshop()
    assert_valid_xml(xml_of(workshop))
    assert_valid_json(json_of(workshop))


# What a schedule app shows


def test_every_seed_session_is_in_the_xml_at_its_instant_with_its_people_in_order(seed):
    events = xml_events(xml_of(seed))
    assert len(events) == 17 == Session.objects.filter(workshop=seed).count()
    for session in Session.objects.for_timetable(seed):
        [event] = [event for event in events if event.get("guid") == str(session.guid)]
        assert xml_times(event) == (session.starts_at, session.ends_at)
        assert event.findtext("title") == session.title
        assert event.findtext("type") == session.get_kind_display()
        assert event.findtext("url") == f"http://testserver/oppo2021/sessions/{session.slug}/"
        assert [person.text for person in event.findall("persons/person")] == [
            entry.speaker.name for entry in session.session_speakers.all()
        ]


def test_every_seed_session_is_in_the_json_at_its_instant_with_its_people_in_order(seed):
    events = json_events(json_of(seed))
    assert len(events) == 17
    for session in Session.objects.for_timetable(seed):
        [event] = [event for event in events if event["guid"] == str(session.guid)]
        assert json_times(event) == (session.starts_at, session.ends_at)
        assert datetime.fromisoformat(event["end"]) == session.ends_at
        assert event["title"] == session.title
        assert event["type"] == session.get_kind_display()
        assert [person["name"] for person in event["persons"]] == [
            entry.speaker.name for entry in session.session_speakers.all()
        ]


def test_the_opening_reads_nine_in_the_morning_in_los_angeles_and_four_in_the_afternoon_utc(seed):
    [xml_event] = [e for e in xml_events(xml_of(seed)) if e.findtext("title") == "Opening Remarks"]
    [json_event] = [e for e in json_events(json_of(seed)) if e["title"] == "Opening Remarks"]
    for text, clock in [
        (xml_event.findtext("date"), xml_event.findtext("start")),
        (json_event["date"], json_event["start"]),
    ]:
        assert text == "2021-07-24T09:00:00-07:00"
        assert clock == "09:00"
        assert datetime.fromisoformat(text).astimezone(UTC) == datetime(2021, 7, 24, 16, tzinfo=UTC)


def test_the_seed_is_one_day_on_the_main_track_in_its_zone(seed):
    root = etree.fromstring(xml_of(seed))
    assert root.findtext("conference/acronym") == "oppo2021"
    assert root.findtext("conference/time_zone_name") == "America/Los_Angeles"
    assert [(d.get("index"), d.get("date"), d.get("start"), d.get("end")) for d in root.findall("day")] == [
        ("1", "2021-07-24", "2021-07-24T00:00:00-07:00", "2021-07-25T00:00:00-07:00")
    ]
    rooms = {room.get("name"): len(room.findall("event")) for room in root.findall("day/room")}
    assert rooms == {"Main track": 17, "Gather.town room 1": 0, "Gather.town room 2": 0}
    conference = json_of(seed)["schedule"]["conference"]
    assert (conference["acronym"], conference["daysCount"], conference["time_zone_name"]) == (
        "oppo2021",
        1,
        "America/Los_Angeles",
    )


def test_sessions_are_listed_under_their_room_and_local_day(two_rooms):
    root = etree.fromstring(xml_of(two_rooms))
    placed = {
        (day.get("index"), room.get("name")): [event.findtext("title") for event in room.findall("event")]
        for day in root.findall("day")
        for room in day.findall("room")
    }
    assert placed == {
        ("1", "Main track"): ["Welcome"],
        ("1", "Hall A"): ["In hall A"],
        ("1", "Stream"): ["On the stream"],
        ("2", "Main track"): ["After midnight"],
        ("2", "Hall A"): [],
        ("2", "Stream"): [],
    }
    for event in root.findall("day/room/event"):
        assert event.findtext("room") == event.getparent().get("name")
    [late] = [e for e in root.iter("event") if e.findtext("title") == "After midnight"]
    assert (late.findtext("date"), late.findtext("start"), late.findtext("duration")) == (
        "2030-05-07T00:30:00+02:00",
        "00:30",
        "00:45",
    )
    days = json_of(two_rooms)["schedule"]["conference"]["days"]
    assert [{room: [e["title"] for e in events] for room, events in day["rooms"].items()} for day in days] == [
        {"Main track": ["Welcome"], "Hall A": ["In hall A"], "Stream": ["On the stream"]},
        {"Main track": ["After midnight"], "Hall A": [], "Stream": []},
    ]
    assert days[1]["rooms"]["Main track"][0]["room"] == "Main track"


def test_a_poster_with_a_time_is_an_event_of_type_poster_and_one_without_is_not(timed_poster):
    poster = Poster.objects.get(slug="sparse-double-descent")
    [xml_event] = xml_events(xml_of(timed_poster))
    [json_event] = json_events(json_of(timed_poster))
    assert xml_event.findtext("type") == json_event["type"] == "Poster"
    assert xml_event.findtext("title") == json_event["title"] == "Sparse double descent"
    assert xml_event.get("guid") == json_event["guid"] == str(poster.guid)
    assert xml_event.findtext("room") == "Poster hall"
    assert xml_times(xml_event) == json_times(json_event) == (poster.starts_at, poster.ends_at)
    authors = [entry.speaker.name for entry in poster.poster_authors.all()]
    assert (
        [p.text for p in xml_event.findall("persons/person")] == [p["name"] for p in json_event["persons"]] == authors
    )


def test_an_empty_workshop_has_its_days_and_no_events(make_workshop):
    workshop = make_workshop()
    root = etree.fromstring(xml_of(workshop))
    assert [day.get("date") for day in root.findall("day")] == ["2030-05-06", "2030-05-07"]
    assert root.findall("day/room") == []
    conference = json_of(workshop)["schedule"]["conference"]
    assert [day["rooms"] for day in conference["days"]] == [{}, {}]
    # The JSON schema refuses hyphens in an acronym; the XSD allows them.
    assert (root.findtext("conference/acronym"), conference["acronym"]) == ("workshop-1", "workshop_1")


def test_special_characters_survive_both_formats(special_characters):
    session = Session.objects.get(workshop=special_characters)
    names = ["Zoë O'Brien & <Co>", "Łukasz Żółć"]
    [xml_event] = xml_events(xml_of(special_characters))
    [json_event] = json_events(json_of(special_characters))
    assert xml_event.findtext("title") == json_event["title"] == session.title
    assert xml_event.findtext("abstract") == json_event["abstract"] == session.abstract
    assert [p.text for p in xml_event.findall("persons/person")] == [p["name"] for p in json_event["persons"]] == names
    assert etree.fromstring(xml_of(special_characters)).findtext("conference/title") == special_characters.title


def test_characters_xml_cannot_carry_are_dropped_and_windows_line_ends_become_unix_ones(make_session):
    session = make_session(title="Form\x0cfeed\x1b title", abstract="one\r\ntwo\rthree")
    [event] = xml_events(xml_of(session.workshop))  # parsing would fail on a raw control character
    assert event.findtext("title") == "Formfeed title"
    assert event.findtext("abstract") == "one\ntwo\nthree"
    [event] = json_events(json_of(session.workshop))
    assert event["abstract"] == "one\r\ntwo\rthree"


def test_a_video_link_and_stable_ids_for_events_and_people(seed):
    session = Session.objects.get(slug="opening-remarks")
    session.video_url = "https://slideslive.com/38955622"
    session.save()
    xml, document = xml_of(seed), json_of(seed)
    [xml_event] = [e for e in xml_events(xml) if e.get("guid") == str(session.guid)]
    [json_event] = [e for e in json_events(document) if e["guid"] == str(session.guid)]
    assert [link.get("href") for link in xml_event.findall("links/link")] == ["https://slideslive.com/38955622"]
    assert [link["url"] for link in json_event["links"]] == ["https://slideslive.com/38955622"]
    ids = [int(e.get("id")) for e in xml_events(xml)]
    assert ids == [e["id"] for e in json_events(document)] and len(set(ids)) == 17 and min(ids) > 0
    # A person has one guid wherever they appear, made from their slug: the same in the next export.
    people = {(p.text, p.get("guid"), p.get("id")) for p in etree.fromstring(xml).iter("person")}
    assert len({name for name, _guid, _id in people}) == len(people)
    assert xml_of(seed) == xml


def test_the_version_changes_exactly_when_the_programme_does(seed):
    before = etree.fromstring(xml_of(seed)).findtext("version")
    assert json_of(seed)["schedule"]["version"] == before == etree.fromstring(xml_of(seed)).findtext("version")
    Session.objects.filter(slug="closing-remarks").update(title="Farewell")
    after = etree.fromstring(xml_of(seed)).findtext("version")
    assert after != before
    assert json_of(seed)["schedule"]["version"] == after


def test_the_workshop_dates_stretch_to_an_event_outside_them(make_workshop, make_session):
    # The model rules forbid it; a programme built from other sources may still hold one, and must stay valid.
    workshop = make_workshop(start_date=date(2030, 5, 6), end_date=date(2030, 5, 6))
    starts = datetime(2030, 5, 8, 10, tzinfo=workshop.tzinfo)
    make_session(workshop, starts_at=starts, ends_at=starts + timedelta(hours=1))
    root = etree.fromstring(xml_of(workshop))
    assert [day.get("date") for day in root.findall("day")] == ["2030-05-06", "2030-05-07", "2030-05-08"]
    assert [e.getparent().getparent().get("index") for e in root.iter("event")] == ["3"]


def test_a_slug_with_capitals_is_written_lower_cased_in_both_formats_with_the_xml_keeping_its_hyphen(make_workshop):
    workshop = make_workshop(slug="CamP-24")
    # The importer lower-cases acronyms into slugs; the schemas allow no capitals.
    assert etree.fromstring(xml_of(workshop)).findtext("conference/acronym") == "camp-24"
    assert json_of(workshop)["schedule"]["conference"]["acronym"] == "camp_24"
