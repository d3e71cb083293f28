"""Importing frab schedule XML and c3voc schedule JSON: files as other tools write them, broken files, hostile
files, and our own exports, which must come back exactly."""

import json
from datetime import UTC, date, datetime, time, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils.text import slugify
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posters.models import Poster, PosterAuthor, PosterSpot
from workshop.exports import frab
from schedule.models import Room, RoomKind, Session, SessionKind, SessionSpeaker, Speaker, Workshop, WorkshopOrganizer
from schedule.timezones import zone
from workshop.exports.programme import build_programme
from workshop.importers import frab as frab_importer
from workshop.importers.frab import fixture_items
from workshop.importers.errors import LoadError
from workshop.loading import load_items

# What pretalx writes, give or take: extra elements (generator, logo, track, feedback_url, code attributes),
# persons with ids and codes, a poster, an event after midnight, and no <slug> on one event.
PRETALX_XML = """<?xml version="1.0" encoding="UTF-8"?>
<schedule>
  <generator name="pretalx" version="2024.3.1"/>
  <version>0.7</version>
  <conference>
    <acronym>mlsys2024</acronym>
    <title>Systems for ML &amp; ML for Systems</title>
    <start>2024-05-13</start>
    <end>2024-05-14</end>
    <days>2</days>
    <timeslot_duration>00:05</timeslot_duration>
    <base_url>https://pretalx.example.org/mlsys2024/schedule/</base_url>
    <logo>https://pretalx.example.org/media/logo.png</logo>
    <time_zone_name>Europe/Berlin</time_zone_name>
    <track name="Systems" color="#aa0000"/>
  </conference>
  <day index="1" date="2024-05-13" start="2024-05-13T04:00:00+02:00" end="2024-05-14T03:59:00+02:00">
    <room name="Lecture Hall 1" guid="0b1c2d3e-4f50-5617-8283-9a0b1c2d3e4f">
      <event guid="11111111-2222-5333-8444-555555555555" id="101" code="ABC123">
        <room>Lecture Hall 1</room>
        <title>Keynote: Compilers &lt;3 Tensors</title>
        <subtitle/>
        <type>Keynote</type>
        <date>2024-05-13T09:30:00+02:00</date>
        <start>09:30</start>
        <duration>01:00</duration>
        <abstract>Why “tensor compilers” matter — and $O(n^2)$ won’t.</abstract>
        <slug>mlsys2024-101-keynote-compilers-3-tensors</slug>
        <track>Systems</track>
        <logo/>
        <persons>
          <person id="7" code="XYZ789" guid="aaaaaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee">Ada Lovelace</person>
          <person id="8">Charles Babbage</person>
        </persons>
        <language>en</language>
        <description>The long version.</description>
        <recording><license>CC BY 4.0</license><optout>false</optout></recording>
        <links>
          <link href="https://example.org/slides.pdf">Slides</link>
          <link href="https://media.ccc.de/v/mlsys2024-101">Recording</link>
        </links>
        <attachments/>
        <url>https://pretalx.example.org/mlsys2024/talk/ABC123/</url>
        <feedback_url>https://pretalx.example.org/mlsys2024/talk/ABC123/feedback/</feedback_url>
      </event>
      <event guid="22222222-3333-5444-8555-666666666666" id="102">
        <room>Lecture Hall 1</room>
        <title>Sparse Training in Practice</title>
        <type>Talk</type>
        <date>2024-05-13T10:30:00+02:00</date>
        <start>10:30</start>
        <duration>00:30</duration>
        <abstract/>
        <description>Only a description here.</description>
        <track>Systems</track>
        <persons><person id="8">Charles Babbage</person></persons>
      </event>
    </room>
    <room name="Poster Hall">
      <event guid="33333333-4444-5555-8666-777777777777" id="103">
        <room>Poster Hall</room>
        <title>A Poster on Pruning</title>
        <type>Poster</type>
        <date>2024-05-13T14:00:00+02:00</date>
        <start>14:00</start>
        <duration>01:30</duration>
        <abstract>We prune.</abstract>
        <slug>mlsys2024-103-a-poster-on-pruning</slug>
        <track/>
        <persons>
          <person id="9">Grace Hopper</person>
          <person id="7">Ada Lovelace</person>
        </persons>
      </event>
    </room>
  </day>
  <day index="2" date="2024-05-14" start="2024-05-14T04:00:00+02:00" end="2024-05-15T03:59:00+02:00">
    <room name="Lecture Hall 1">
      <event guid="44444444-5555-5666-8777-888888888888" id="104">
        <room>Lecture Hall 1</room>
        <title>Hacking Session</title>
        <type>Workshop</type>
        <date>2024-05-14T23:30:00+02:00</date>
        <start>23:30</start>
        <duration>02:00</duration>
        <abstract>Into the night.</abstract>
        <track>Systems</track>
        <persons/>
      </event>
    </room>
    <room name="Poster Hall"/>
  </day>
</schedule>
"""

PRETALX_JSON = {
    "$schema": "https://c3voc.de/schedule/schema.json",
    "generator": {"name": "pretalx", "version": "2024.3.1"},
    "schedule": {
        "url": "https://pretalx.example.org/mlsys2024/schedule/",
        "version": "0.7",
        "base_url": "https://pretalx.example.org",
        "conference": {
            "acronym": "mlsys2024",
            "title": "Systems for ML & ML for Systems",
            "start": "2024-05-13",
            "end": "2024-05-13",
            "daysCount": 1,
            "timeslot_duration": "00:05",
            "time_zone_name": "Europe/Berlin",
            "colors": {"primary": "#3aa57c"},
            "rooms": [
                {
                    "name": "Stage",
                    "slug": "stage",
                    "guid": "0b1c2d3e-4f50-5617-8283-9a0b1c2d3e4f",
                    "type": "online",
                    "url": "https://stream.example.org/stage",
                    "capacity": None,
                },
                {"name": "Empty Room", "guid": "1b1c2d3e-4f50-5617-8283-9a0b1c2d3e4f"},
            ],
            "tracks": [{"name": "Systems", "color": "#aa0000"}],
            "days": [
                {
                    "index": 1,
                    "date": "2024-05-13",
                    "day_start": "2024-05-13T04:00:00+02:00",
                    "day_end": "2024-05-14T03:59:00+02:00",
                    "rooms": {
                        "Main track": [
                            {
                                "guid": "55555555-6666-5777-8888-999999999999",
                                "id": 201,
                                "code": "DEF456",
                                "date": "2024-05-13T09:00:00+02:00",
                                "start": "09:00",
                                "duration": "00:15",
                                "room": "Main track",
                                "slug": "mlsys2024-201-welcome",
                                "url": "https://x.example/201/",
                                "title": "Welcome",
                                "subtitle": "",
                                "track": None,
                                "type": "opening",
                                "language": "en",
                                "abstract": "",
                                "description": None,
                                "persons": [
                                    {
                                        "code": "A1",
                                        "name": "Ada Lovelace",
                                        "public_name": "Ada Lovelace",
                                        "biography": None,
                                    }
                                ],
                                "links": [],
                                "attachments": [],
                            }
                        ],
                        "Stage": [
                            {
                                "guid": "66666666-7777-5888-8999-aaaaaaaaaaaa",
                                "id": 202,
                                "date": "2024-05-13T09:15:00+02:00",
                                "start": "09:15",
                                "duration": "00:45",
                                "room": "Stage",
                                "slug": "mlsys2024-202-q-a",
                                "url": "https://x.example/202/",
                                "title": "Q&A",
                                "subtitle": None,
                                "track": "Systems",
                                "type": "Live Q&A",
                                "language": "en",
                                "abstract": "Ask anything.",
                                "persons": [{"id": 3, "public_name": "Grace Hopper"}, {"name": "Ada Lovelace"}],
                                "links": [{"url": "https://www.youtube.com/watch?v=abc", "title": "YouTube"}],
                                "attachments": [],
                                "do_not_record": False,
                                "origin_url": "https://x.example/o/202",
                            }
                        ],
                    },
                }
            ],
        },
    },
}


def load(text, kind):
    return load_items(fixture_items(text, kind=kind), source=f"test.{kind}")


def row_counts():
    models = [Workshop, Room, Session, Speaker, SessionSpeaker, WorkshopOrganizer, Poster, PosterAuthor, PosterSpot]
    return {model.__name__: model.objects.count() for model in models}


def utc(*args):
    return datetime(*args, tzinfo=UTC)


# Files as other tools write them


def test_a_pretalx_xml_file_loads_with_its_rooms_sessions_people_and_poster(empty_db):
    report = load(PRETALX_XML, "xml")
    assert report.problems == []
    workshop = Workshop.objects.get()
    assert (workshop.slug, workshop.title, workshop.conference) == ("mlsys2024", "Systems for ML & ML for Systems", "")
    # The file's last day is 14 May; its last event runs past midnight, so the workshop ends on 15 May.
    assert (workshop.start_date, workshop.end_date, workshop.timezone) == (
        date(2024, 5, 13),
        date(2024, 5, 15),
        "Europe/Berlin",
    )
    assert [(r.name, r.slug, r.kind, r.position) for r in Room.objects.all()] == [
        ("Lecture Hall 1", "lecture-hall-1", RoomKind.PHYSICAL, 0),
        ("Poster Hall", "poster-hall", RoomKind.PHYSICAL, 1),
    ]
    sessions = {s.title: s for s in Session.objects.select_related("room")}
    assert set(sessions) == {"Keynote: Compilers <3 Tensors", "Sparse Training in Practice", "Hacking Session"}
    keynote = sessions["Keynote: Compilers <3 Tensors"]
    assert str(keynote.guid) == "11111111-2222-5333-8444-555555555555"
    assert keynote.slug == "101-keynote-compilers-3-tensors"  # the file's slug without the acronym
    assert keynote.kind == SessionKind.INVITED_TALK
    assert (keynote.starts_at, keynote.ends_at) == (utc(2024, 5, 13, 7, 30), utc(2024, 5, 13, 8, 30))
    assert keynote.room.name == "Lecture Hall 1"
    assert keynote.abstract == "Why “tensor compilers” matter — and $O(n^2)$ won’t."
    assert keynote.video_url == "https://media.ccc.de/v/mlsys2024-101"
    assert [e.speaker.name for e in keynote.session_speakers.all()] == ["Ada Lovelace", "Charles Babbage"]
    sparse = sessions["Sparse Training in Practice"]
    assert (sparse.slug, sparse.kind, sparse.abstract) == (
        "sparse-training-in-practice",
        SessionKind.INVITED_TALK,
        "Only a description here.",
    )
    hacking = sessions["Hacking Session"]
    assert (hacking.kind, hacking.starts_at, hacking.ends_at) == (
        SessionKind.OTHER,
        utc(2024, 5, 14, 21, 30),
        utc(2024, 5, 14, 23, 30),
    )
    poster = Poster.objects.select_related("room").get()
    assert (poster.title, poster.slug, str(poster.guid)) == (
        "A Poster on Pruning",
        "103-a-poster-on-pruning",
        "33333333-4444-5555-8666-777777777777",
    )
    assert (poster.room.name, poster.starts_at, poster.ends_at) == (
        "Poster Hall",
        utc(2024, 5, 13, 12),
        utc(2024, 5, 13, 13, 30),
    )
    assert [e.speaker.name for e in poster.poster_authors.all()] == ["Grace Hopper", "Ada Lovelace"]
    assert sorted(Speaker.objects.values_list("slug", flat=True)) == ["ada-lovelace", "charles-babbage", "grace-hopper"]


def test_a_pretalx_json_file_loads_with_the_main_track_as_no_room(empty_db):
    report = load(json.dumps(PRETALX_JSON), "json")
    assert report.problems == []
    assert [(r.name, r.slug, r.kind, r.url, r.position) for r in Room.objects.all()] == [
        ("Stage", "stage", RoomKind.STREAM, "https://stream.example.org/stage", 0),
        ("Empty Room", "empty-room", RoomKind.PHYSICAL, "", 1),
    ]
    welcome = Session.objects.get(title="Welcome")
    assert (welcome.room, welcome.kind, welcome.slug) == (None, SessionKind.OPENING, "201-welcome")
    assert (welcome.starts_at, welcome.ends_at) == (utc(2024, 5, 13, 7), utc(2024, 5, 13, 7, 15))
    qa = Session.objects.get(title="Q&A")
    assert (qa.room.slug, qa.kind, qa.abstract, qa.video_url) == (
        "stage",
        SessionKind.LIVE_QA,
        "Ask anything.",
        "https://www.youtube.com/watch?v=abc",
    )
    # Persons as {"public_name"} (frab) and {"name"} (pretalx), in their order.
    assert [e.speaker.name for e in qa.session_speakers.all()] == ["Grace Hopper", "Ada Lovelace"]


def test_loading_the_same_file_again_updates_in_place(db):
    assert load(PRETALX_XML, "xml").problems == []
    before = row_counts()
    report = load(PRETALX_XML, "xml")
    assert report.problems == [] and report.created == 0
    assert row_counts() == before


def event_xml(number, title, when, duration, kind="Talk", slug=""):
    slug_element = f"<slug>{slug}</slug>" if slug else ""
    return (
        f'<event guid="20000000-0000-5000-8000-{number:012d}" id="{number}"><date>{when}</date>'
        f"<duration>{duration}</duration><title>{title}</title><type>{kind}</type>{slug_element}</event>"
    )


def one_room_xml(acronym, events):
    """A minimal schedule: one day, one room, no day start or end, no version: readers manage without."""
    return (
        f"<schedule><conference><acronym>{acronym}</acronym><title>One room</title>"
        "<start>2024-05-13</start><end>2024-05-13</end><time_zone_name>Europe/Berlin</time_zone_name></conference>"
        f'<day index="1" date="2024-05-13"><room name="Hall">{"".join(events)}</room></day></schedule>'
    )


def test_type_names_map_to_kinds_whatever_their_case_and_unknown_ones_to_other():
    types = [
        "INVITED TALK",
        "invited_talk",
        "Live Q&amp;A",
        "spotlight",
        "Lightning Talk",
        "coffee break",
        "Closing",
        "Bof",
        "Panel Discussion",
        "Introduction",
        "Contributed talk",
    ]
    events = [
        event_xml(n, f"T{n}", f"2024-05-13T{9 + n:02d}:00:00+02:00", "00:30", kind) for n, kind in enumerate(types)
    ]
    items = fixture_items(one_room_xml("kinds", events), kind="xml")
    kinds = [item["fields"]["kind"] for item in items if item["model"] == "schedule.session"]
    # The same words as on ICML pages (workshop/importers/kinds.py); a panel is not a talk's Q&A.
    assert kinds == [
        "invited_talk", "invited_talk", "live_qa", "spotlight", "spotlight", "break", "closing", "other",
        "other", "opening", "spotlight",
    ]


def test_an_old_frab_file_with_clock_times_and_no_zone_name(db):
    """No <date> on events: the day's date and the clock time, the next date when the time is before the day's
    start. No time_zone_name: the zone of the offsets given."""
    xml = """<schedule><version>1</version><conference><acronym>oldconf</acronym><title>Old</title>
      <start>2019-12-27</start><end>2019-12-27</end></conference>
      <day index="1" date="2019-12-27" start="2019-12-27T10:00:00-05:00" end="2019-12-28T04:00:00-05:00">
        <room name="Saal 1">
          <event id="1" guid="10000000-0000-5000-8000-000000000001"><start>11:00</start><duration>00:40</duration>
            <room>Saal 1</room><title>Morning</title><type>lecture</type>
            <persons><person id="1">A. Person</person></persons></event>
          <event id="2" guid="10000000-0000-5000-8000-000000000002"><start>01:30</start><duration>0:45</duration>
            <room>Saal 1</room><title>Night</title><type>lecture</type></event>
        </room></day></schedule>"""
    items = fixture_items(xml, kind="xml")
    workshop = next(item["fields"] for item in items if item["model"] == "schedule.workshop")
    assert workshop["timezone"] == "Etc/GMT+5"  # five hours behind UTC, in POSIX's inverted sign
    sessions = {i["fields"]["title"]: i["fields"] for i in items if i["model"] == "schedule.session"}
    assert (sessions["Morning"]["starts_at"], sessions["Morning"]["ends_at"]) == (
        "2019-12-27T16:00:00Z",
        "2019-12-27T16:40:00Z",
    )
    assert (sessions["Night"]["starts_at"], sessions["Night"]["ends_at"]) == (
        "2019-12-28T06:30:00Z",
        "2019-12-28T07:15:00Z",
    )


# Files with problems


BROKEN_XML = one_room_xml(
    "broken2024",
    [
        event_xml(1, "No time at all", "2024-05-13T09:00:00+02:00", "00:00", slug="broken2024-zero"),
        event_xml(2, "First of a clash", "2024-05-13T10:00:00+02:00", "01:00", slug="broken2024-first"),
        event_xml(3, "Second of a clash", "2024-05-13T10:30:00+02:00", "01:00", slug="broken2024-second"),
        event_xml(4, "Unreadable date", "13 May, 2pm", "01:00", slug="broken2024-baddate"),
        event_xml(5, "Unreadable duration", "2024-05-13T15:00:00+02:00", "an hour", slug="broken2024-badlength"),
        event_xml(6, "", "2024-05-13T16:00:00+02:00", "01:00", slug="broken2024-untitled"),
        event_xml(7, "Ends before it starts", "2024-05-13T18:00:00+02:00", "-00:30", slug="broken2024-backwards"),
        event_xml(8, "After the workshop", "2024-05-16T09:00:00+02:00", "01:00", slug="broken2024-late"),
        event_xml(9, "Nobody speaks, which is fine", "2024-05-13T20:00:00+02:00", "01:00", kind="Break"),
    ],
)


def test_a_file_with_problems_loads_nothing_and_names_every_problem(seed):
    before = row_counts()
    report = load(BROKEN_XML, "xml")
    assert row_counts() == before
    found = {(p.model, p.key, p.field) for p in report.problems}
    expected = {
        ("schedule.session", "broken2024/zero", "*"),  # zero length
        ("schedule.session", "broken2024/backwards", "*"),  # negative length
        ("schedule.session", "broken2024/baddate", "starts_at"),
        ("schedule.session", "broken2024/badlength", "ends_at"),
        ("schedule.session", "broken2024/untitled", "title"),
        ("schedule.session", "broken2024/late", "starts_at"),  # outside the workshop's dates
    }
    assert expected <= found, report.problems
    clash = [p for p in report.problems if p.field == "starts_at" and "Overlaps" in p.message]
    assert {p.key for p in clash} == {"broken2024/first", "broken2024/second"}
    assert not any("nobody" in p.key for p in report.problems)
    assert all(str(p).startswith(p.model) for p in report.problems)


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("<schedule><conference>", "xml", "not well-formed XML"),
        ("<html><body>Not a schedule</body></html>", "xml", "not a frab schedule"),
        ("<schedule><version>1</version></schedule>", "xml", "no <conference>"),
        ("", "xml", "not well-formed XML"),
        ('{"schedule": ', "json", "not valid JSON"),
        ('[{"model": "schedule.workshop", "fields": {}}]', "json", "not a c3voc schedule"),
        ('{"schedule": {"version": "1", "conference": {"days": {"a": 1}}}}', "json", "not a c3voc schedule"),
        (b"\xff\xfe{", "json", "not UTF-8"),
    ],
)
def test_a_file_that_is_not_a_schedule_is_refused_in_one_line(text, kind, message):
    with pytest.raises(LoadError) as refused:
        fixture_items(text, kind=kind)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_an_external_entity_is_refused_and_nothing_of_the_file_it_names_is_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xml = f"""<?xml version="1.0"?>
<!DOCTYPE schedule [<!ENTITY secret SYSTEM "file://{secret}">]>
<schedule><version>1</version><conference><acronym>xxe_test</acronym><title>&secret;</title></conference></schedule>"""
    with pytest.raises(LoadError) as refused:
        fixture_items(xml, kind="xml")
    assert "refused" in str(refused.value) and "TOP-SECRET" not in str(refused.value)


def test_an_entity_explosion_is_refused_at_once():
    levels = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)]
    xml = f"""<?xml version="1.0"?><!DOCTYPE schedule [{"".join(levels)}]>
<schedule><version>1</version><conference><acronym>boom</acronym><title>&lol9;</title></conference></schedule>"""
    with pytest.raises(LoadError, match="refused"):
        fixture_items(xml.encode(), kind="xml")


# Our own exports come back exactly


def delete_everything():
    PosterAuthor.objects.all().delete()
    Poster.objects.all().delete()
    SessionSpeaker.objects.all().delete()
    Session.objects.all().delete()
    WorkshopOrganizer.objects.all().delete()
    Workshop.objects.all().delete()
    Speaker.objects.all().delete()
    assert sum(row_counts().values()) == 0


def export(kind, workshop_slug):
    programme = build_programme(Workshop.objects.get(slug=workshop_slug), lambda path: "http://testserver" + path)
    return frab.to_xml(programme) if kind == "xml" else json.dumps(frab.to_json(programme), ensure_ascii=False)


def session_facts(workshop_slug):
    return [
        (
            str(s.guid),
            s.slug,
            s.title,
            s.kind,
            s.starts_at,
            s.ends_at,
            s.room_id and s.room.slug,
            s.abstract,
            s.video_url,
            [e.speaker.slug for e in s.session_speakers.all()],
        )
        for s in Session.objects.for_timetable(Workshop.objects.get(slug=workshop_slug))
    ]


@pytest.mark.parametrize("kind", ["xml", "json"])
def test_the_seed_exported_then_imported_into_an_empty_database_exports_the_same(seed, kind):
    first = export(kind, "oppo2021")
    sessions = session_facts("oppo2021")
    delete_everything()
    report = load(first, kind)
    assert report.problems == []
    assert session_facts("oppo2021") == sessions
    second = export(kind, "oppo2021")
    if kind == "json":
        assert json.loads(second) == json.loads(first)
    assert second == first


@pytest.fixture
def rooms_and_posters(make_workshop, make_session, make_poster):
    workshop = make_workshop(slug="conf2030", title="Rooms <&> posters", timezone="Asia/Kolkata")
    hall = Room.objects.create(workshop=workshop, name="Hall A", slug="hall-a", position=0)
    Room.objects.create(workshop=workshop, name="Nobody's room", slug="nobodys-room", position=1)
    nine = datetime(2030, 5, 6, 9, tzinfo=workshop.tzinfo)
    make_session(
        workshop,
        title="In the hall",
        slug="in-the-hall",
        room=hall,
        starts_at=nine,
        speakers=2,
        video_url="https://vimeo.com/123",
        abstract="Line\nbreaks & <tags>",
    )
    make_session(workshop, title="On the main track", slug="on-the-main-track", starts_at=nine, kind=SessionKind.BREAK)
    late = datetime(2030, 5, 7, 23, 15, 30, tzinfo=workshop.tzinfo)  # seconds, and up to midnight
    make_session(workshop, title="Late", slug="late", starts_at=late, ends_at=late + timedelta(minutes=44, seconds=30))
    make_poster(
        workshop,
        title="In the hall",
        slug="in-the-hall",
        room=hall,
        authors=2,
        starts_at=nine,
        ends_at=nine + timedelta(hours=2),
    )
    return workshop


@pytest.mark.parametrize("kind", ["xml", "json"])
def test_rooms_posters_and_seconds_come_back_exactly(rooms_and_posters, kind):
    first = export(kind, "conf2030")
    sessions = session_facts("conf2030")
    delete_everything()
    assert load(first, kind).problems == []
    assert session_facts("conf2030") == sessions
    assert [r.slug for r in Room.objects.order_by("position")] == ["hall-a", "nobodys-room"]
    poster = Poster.objects.get()
    assert (poster.slug, poster.room.slug, len(poster.poster_authors.all())) == ("in-the-hall", "hall-a", 2)
    assert export(kind, "conf2030") == first


# Files shaped like the published schedules that were read wrong (tests/inputs/frab/): each loads as the file
# says, or is refused with the reason, through load_workshop as an organizer runs it.

INPUTS = Path(__file__).resolve().parent / "inputs" / "frab"


def load_workshop(name, *expected_error):
    """load_workshop on an input file: (stdout, stderr); with expected_error, the CommandError's text."""
    out, err = StringIO(), StringIO()
    if expected_error:
        with pytest.raises(CommandError) as refused:
            call_command("load_workshop", str(INPUTS / name), stdout=out, stderr=err)
        return str(refused.value)
    call_command("load_workshop", str(INPUTS / name), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def speakers_of(title):
    return [(e.speaker.slug, e.speaker.name) for e in Session.objects.get(title=title).session_speakers.all()]


def test_a_c3voc_version_2_file_with_a_flat_event_list_loads_its_sessions_in_their_rooms(db):
    out, err = load_workshop("c3voc-v2-flat-events.json")
    assert "Loaded" in out and err == ""
    sessions = Session.objects.filter(workshop__slug="tidepool25").select_related("room")
    assert [(s.title, s.room.name, s.kind, s.starts_at) for s in sessions] == [
        ("Counting Anemones at Scale", "Kelp Hall", SessionKind.INVITED_TALK, utc(2025, 9, 4, 8)),
        ("Remote Q&A", "Stream", SessionKind.LIVE_QA, utc(2025, 9, 4, 9)),  # its room named by guid
    ]
    assert Room.objects.get(workshop__slug="tidepool25", name="Stream").kind == RoomKind.STREAM
    assert speakers_of("Remote Q&A") == [("sela-marchetti", "Sela Marchetti")]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (
            "no-events-in-days.json",
            "no events: schedule.conference.days has 1 day(s) with 1 room(s) and no events in them, "
            "and there is no schedule.events list",
        ),
        (
            "events-outside-rooms.xml",
            "no events: the file has 1 <day> and 0 <room> element(s) but no <event> inside <schedule><day><room>; "
            "the 2 <event> element(s) in it are elsewhere",
        ),
    ],
)
def test_a_file_that_yields_no_events_is_refused_with_its_layout_named_in_one_line(db, name, reason):
    before = row_counts()
    message = load_workshop(name, "refused")
    assert message == f"{INPUTS / name}: {reason}"
    assert row_counts() == before


def test_an_empty_flat_event_list_is_refused_too():
    document = {"schedule": {"version": "2", "conference": {"acronym": "empty", "title": "Empty"}, "events": []}}
    with pytest.raises(LoadError, match="there is an empty schedule.events list"):
        fixture_items(json.dumps(document), kind="json")


def test_people_whose_names_differ_only_in_case_are_two_people_when_their_ids_differ(db):
    _out, err = load_workshop("namesakes-with-ids.xml")
    assert err == ""
    assert speakers_of("Moss Cartography") == [("wren-castellane", "Wren Castellane")]
    assert speakers_of("Lichen Timelines") == [("wren-castellane-2", "wren castellane")]
    assert speakers_of("Moss, Again") == [("wren-castellane", "Wren Castellane")]  # the same id, the same person


def test_people_without_ids_are_merged_by_name_with_a_warning(db):
    _out, err = load_workshop("namesakes-without-ids.json")
    assert err == "warning: “TAMSIN EKWUEME” (no id) and “Tamsin Ekwueme” are taken as one person, by their names\n"
    assert speakers_of("Root Networks") == [("tamsin-ekwueme", "Tamsin Ekwueme")]


def test_a_person_without_an_id_who_could_be_either_of_two_namesakes_is_warned_about():
    events = [
        event_xml(1, "First", "2024-05-13T09:00:00+02:00", "00:30").replace(
            "</event>", '<persons><person id="1">Ana Ruiz</person><person id="2">ana ruiz</person></persons></event>'
        ),
        event_xml(2, "Second", "2024-05-13T10:00:00+02:00", "00:30").replace(
            "</event>", "<persons><person>ANA RUIZ</person></persons></event>"
        ),
    ]
    warnings = []
    items = fixture_items(one_room_xml("ambiguous", events), kind="xml", warnings=warnings)
    assert warnings == [
        "“ANA RUIZ” has no id and could be any of “Ana Ruiz” (id 1), “ana ruiz” (id 2): taken as the first"
    ]
    authors = [item["fields"]["speaker"] for item in items if item["model"] == "schedule.sessionspeaker"]
    assert authors == [["ana-ruiz"], ["ana-ruiz-2"], ["ana-ruiz"]]


def test_people_with_and_without_ids_keep_their_order_in_the_event():
    persons = '<person id="1">Una Fisk</person><person>Dov Amari</person><person code="C3">Lee Park</person>'
    event = event_xml(1, "Three", "2024-05-13T09:00:00+02:00", "00:30").replace("</event>", f"{persons}</event>")
    items = fixture_items(one_room_xml("order", [event]), kind="xml")
    speakers = [item["fields"]["speaker"] for item in items if item["model"] == "schedule.sessionspeaker"]
    assert speakers == [["una-fisk"], ["dov-amari"], ["lee-park"]]


def test_bare_person_elements_directly_under_an_event_are_its_speakers(db):
    load_workshop("bare-persons.xml")
    assert speakers_of("Folding Proteins by Hand") == [
        ("ilse-brandvold", "Ilse Brandvold"),
        ("kofi-arrowsmith", "Kofi Arrowsmith"),
    ]


def test_an_acronym_with_capitals_gives_the_slug_the_export_writes_and_our_export_loads_back_in_place(db):
    load_workshop("capital-acronym.xml")
    workshop = Workshop.objects.get(title="Camp With Capitals")
    assert workshop.slug == "camp24"
    assert Session.objects.get(title="Soldering by Starlight").slug == "1-soldering-by-starlight"
    assert b"<acronym>camp24</acronym>" in export("xml", "camp24")
    assert json.loads(export("json", "camp24"))["schedule"]["conference"]["acronym"] == "camp24"
    for kind in ("xml", "json"):
        text = export(kind, "camp24")
        before = row_counts()
        report = load(text, kind)
        assert (report.problems, report.created, row_counts()) == ([], 0, before)


def test_a_guid_that_is_another_workshops_is_refused_in_words_naming_it_the_title_and_the_workshop(db):
    load_workshop("capital-acronym.xml")
    before = row_counts()
    message = load_workshop("guids-of-another-workshop.xml", "refused")
    assert message.splitlines() == [
        f"{INPUTS / 'guids-of-another-workshop.xml'}: 2 event(s) carry the guid of another workshop's session or "
        "poster; nothing was loaded:",
        "guid 20000000-bbbb-5000-8000-000000000001 of “Soldering by Starlight” is already that of the session "
        "“Soldering by Starlight” of workshop camp24",
        "guid 20000000-bbbb-5000-8000-000000000002 of “Night Radio” is already that of the session “Night Radio” "
        "of workshop camp24",
    ]
    assert "UNIQUE" not in message
    assert row_counts() == before


def test_a_workshop_whose_slug_has_capitals_is_told_apart_from_its_export_by_the_letter_case_only(seed):
    Workshop.objects.filter(pk=seed.pk).update(slug="OPPO2021")
    text = export("xml", "OPPO2021")
    with pytest.raises(LoadError) as refused:
        frab_importer.loadable_items(text, kind="xml")
    assert "(the file's acronym makes it oppo2021: only the letter case differs)" in str(refused.value)
    assert len(str(refused.value).splitlines()) == 1 + Session.objects.filter(workshop=seed).count()


def test_one_guid_given_to_two_sessions_is_refused_naming_both():
    events = [
        event_xml(1, "One", "2024-05-13T09:00:00+02:00", "00:30"),
        event_xml(1, "Two", "2024-05-13T10:00:00+02:00", "00:30"),
    ]
    with pytest.raises(LoadError) as refused:
        fixture_items(one_room_xml("twice", events), kind="xml")
    assert str(refused.value) == (
        "one guid for several sessions, which must each have their own: "
        "20000000-0000-5000-8000-000000000001 (“One”, “Two”)"
    )


# Any programme this site can hold comes back from its own export: generated programmes


ZONES = ["Pacific/Kiritimati", "America/Los_Angeles", "Europe/Berlin", "UTC", "Asia/Kolkata", "Pacific/Pago_Pago"]
ROOM_NAMES = ["Hall A", "Gather.town room 1", "Salle Öst"]
# Namesakes: the same name twice, and names that differ only in case; each a person of their own.
PEOPLE = [("Ann Lee", "ann-lee"), ("Ann Lee", "ann-lee-2"), ("ann lee", "ann-lee-3"), ("Bo Chen", "bo-chen")]
words = st.text(alphabet="abcxyzÄé&<>'\" ", min_size=1, max_size=12).map(str.strip).filter(bool)


@st.composite
def programmes(draw):
    rooms = draw(st.lists(st.sampled_from(ROOM_NAMES), max_size=3, unique=True))
    events = []
    for number in range(draw(st.integers(min_value=1, max_value=6))):
        events.append(
            {
                "title": draw(words),
                "slug": f"s{number}-{draw(st.sampled_from(['talk', 'a_b', 'x']))}",
                "kind": draw(st.sampled_from(SessionKind.values)),
                "room": draw(st.sampled_from([None, *rooms])),
                "gap": timedelta(minutes=draw(st.integers(min_value=0, max_value=600))),
                "length": timedelta(minutes=draw(st.integers(min_value=5, max_value=180))),
                "abstract": draw(st.sampled_from(["", "Two\nlines & <b>"])),
                "video_url": draw(st.sampled_from(["", "https://vimeo.com/1234"])),
                "people": draw(st.lists(st.sampled_from(range(len(PEOPLE))), max_size=3, unique=True)),
            }
        )
    return {
        "slug": draw(st.from_regex(r"[a-z][a-z0-9]{3,9}", fullmatch=True)),
        "title": draw(words),
        "timezone": draw(st.sampled_from(ZONES)),
        "first": draw(st.sampled_from([time(0, 0), time(9, 0), time(22, 30)])),  # 22:30 runs past midnight
        "rooms": rooms,
        "events": events,
    }


def make_programme(plan):
    """The plan in the database: sessions one after another in each room (the main track counts as one)."""
    day = date(2030, 5, 6)
    tz = zone(plan["timezone"])
    workshop = Workshop.objects.create(
        slug=plan["slug"], title=plan["title"], start_date=day, end_date=day, timezone=plan["timezone"]
    )
    rooms = {
        name: Room.objects.create(workshop=workshop, name=name, slug=slugify(name.replace(".", " ")), position=n)
        for n, name in enumerate(plan["rooms"])
    }
    people = [Speaker.objects.create(name=name, slug=slug) for name, slug in PEOPLE]
    free = {}
    for event in plan["events"]:
        starts = free.get(event["room"], datetime.combine(day, plan["first"], tzinfo=tz)) + event["gap"]
        free[event["room"]] = ends = starts + event["length"]
        session = Session.objects.create(
            workshop=workshop,
            title=event["title"],
            slug=event["slug"],
            kind=event["kind"],
            room=rooms.get(event["room"]),
            starts_at=starts,
            ends_at=ends,
            abstract=event["abstract"],
            video_url=event["video_url"],
        )
        for position, person in enumerate(event["people"]):
            SessionSpeaker.objects.create(session=session, speaker=people[person], position=position)
        workshop.end_date = max(workshop.end_date, (ends - timedelta(microseconds=1)).astimezone(tz).date())
    workshop.save()
    return workshop


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(plan=programmes(), kind=st.sampled_from(["xml", "json"]))
def test_any_programme_exported_then_loaded_into_an_empty_database_exports_the_same(empty_db, plan, kind):
    # Each example runs in a savepoint that is rolled back, so every one starts from the empty database.
    with transaction.atomic():
        make_programme(plan)
        first, sessions = export(kind, plan["slug"]), session_facts(plan["slug"])
        delete_everything()
        warnings = []
        report = load_items(fixture_items(first, kind=kind, warnings=warnings), source=f"test.{kind}")
        assert (report.problems, warnings) == ([], [])
        assert session_facts(plan["slug"]) == sessions
        assert export(kind, plan["slug"]) == first
        transaction.set_rollback(True)
