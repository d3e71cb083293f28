"""The importer turns a copied ICML/NeurIPS workshop page into the committed fixture, reproducibly."""

import codecs
import json
import os
import subprocess
import sys
from datetime import date, datetime, timezone
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from schedule.models import SessionKind, Speaker, Workshop
from workshop.importers.hyphens import restore_hyphens
from workshop.importers.icml import SourceError, WorkshopInfo, import_page, parse

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "fixtures" / "sources" / "oppo2021.txt"
META = ROOT / "fixtures" / "sources" / "oppo2021.meta.json"
FIXTURE = ROOT / "fixtures" / "oppo2021.json"
SHARED_SEED = ROOT.parent / "shared" / "seed-schedule.txt"

PAGE = """About the workshop.
Hall link: https://example.org/hall
Mon 9:00 a.m.  9:30 a.m.

Welcome
(opening)

Ada Lovelace 🔗 
Mon 9:30 a.m.  10:00 a.m.

A stateoftheart talk
(Invited talk)
SlidesLive Video » First line.

Second paragraph.
Ada Lovelace · Alan Turing · Ada Lovelace 🔗 


A poster
(Poster)
[ Visit Poster at Spot A1 in Virtual World ]
Abstract.
Alan Turing 🔗 


Another poster
(Poster)
[ Visit Poster at Spot A1 in Virtual World ]
Abstract.
Grace Hopper 🔗 
"""


def info(**fields):
    from datetime import date

    return WorkshopInfo(**({"slug": "demo", "title": "Demo", "start_date": date(2030, 5, 6), "timezone": "UTC", "page_timezone": "UTC"} | fields))


def test_importer_reproduces_the_committed_fixture_byte_for_byte(tmp_path):
    output = tmp_path / "oppo2021.json"
    call_command("import_icml_schedule", str(SOURCE), meta=str(META), output=str(output), stderr=open("/dev/null", "w"))
    assert output.read_bytes() == FIXTURE.read_bytes()


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="../shared/seed-schedule.txt is not beside this checkout")
def test_kept_source_is_the_seed_page_as_scraped():
    assert SOURCE.read_bytes() == SHARED_SEED.read_bytes()


def test_page_parses_into_sessions_and_posters_with_their_parts():
    page = parse(PAGE)
    assert page.description == "About the workshop."
    assert page.room_links == [("Hall", "https://example.org/hall")]
    welcome, talk, poster, other = page.entries
    assert (welcome.day, welcome.start, welcome.end, welcome.kind) == ("Mon", "9:00 a.m.", "9:30 a.m.", "opening")
    assert talk.video_provider == "SlidesLive"
    assert talk.abstract == "First line.\n\nSecond paragraph."
    assert talk.people == ["Ada Lovelace", "Alan Turing", "Ada Lovelace"]
    assert poster.spots == ["A1"] and poster.start == ""
    assert other.title == "Another poster"


def test_builder_makes_one_person_per_name_and_moves_posters_to_the_next_room_when_labels_repeat():
    page_with_two_rooms = PAGE.replace("Hall link: https://example.org/hall", "Hall link: https://example.org/hall\nAnnex link: https://example.org/annex")
    imported = import_page(page_with_two_rooms, info())
    by_model = {}
    for obj in imported.objects:
        by_model.setdefault(type(obj).__name__, []).append(obj)
    assert sorted(s.name for s in by_model["Speaker"]) == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    talk = by_model["Session"][1]
    assert talk.title == "A state-of-the-art talk"
    assert talk.kind == SessionKind.INVITED_TALK
    assert [(e.speaker.name, e.position) for e in by_model["SessionSpeaker"] if e.session is talk] == [
        ("Ada Lovelace", 0),
        ("Alan Turing", 1),
    ]
    assert [p.room.name for p in by_model["Poster"]] == ["Hall", "Annex"]
    assert "line 17: Ada Lovelace is listed twice among the speakers of “A state-of-the-art talk”: kept once" in [
        str(warning) for warning in imported.warnings
    ]


def test_a_day_outside_the_workshop_is_refused_with_its_line():
    with pytest.raises(SourceError, match="Tue, which is not one of the workshop's days"):
        import_page(PAGE.replace("Mon 9:30", "Tue 9:30"), info())


def test_an_entry_without_a_people_line_is_refused():
    with pytest.raises(SourceError, match="no people line"):
        parse("Title\n(Invited talk)\nAbstract only.\n")


def test_text_without_entries_is_refused():
    with pytest.raises(SourceError, match="no entries found"):
        parse("Just some prose.\n")


def test_command_reports_a_missing_source_in_one_line(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_icml_schedule", str(tmp_path / "missing.txt"), meta=str(META))


def test_command_needs_the_workshop_details(tmp_path):
    with pytest.raises(CommandError, match="missing workshop details: slug, title, start_date, timezone"):
        call_command("import_icml_schedule", str(SOURCE))


def test_options_override_the_meta_file(tmp_path):
    output = tmp_path / "out.json"
    call_command(
        "import_icml_schedule", str(SOURCE), meta=str(META), output=str(output), slug="oppo", stderr=open("/dev/null", "w")
    )
    workshop = next(item for item in json.loads(output.read_text()) if item["model"] == "schedule.workshop")
    assert workshop["fields"]["slug"] == "oppo"


@pytest.mark.parametrize(
    "scraped, restored",
    [
        ("stateoftheart", "state-of-the-art"),
        ("PolyakLojasiewicz", "Polyak-Lojasiewicz"),
        ("InfiniteWidth", "Infinite-Width"),
        ("OverParametrization", "Over-Parametrization"),
        ("Overparametrization", "Overparametrization"),
        ("overparameterized", "overparameterized"),
        ("pretraining", "pretraining"),
        ("Ushaped", "U-shaped"),
    ],
)
def test_hyphens_come_back_only_where_certain(scraped, restored):
    assert restore_hyphens(f"A {scraped} model.") == f"A {restored} model."


# End to end: the command reads a page, writes a fixture, load_workshop loads it.

INPUTS = ROOT / "tests" / "inputs" / "icml"
UTC = timezone.utc
SMALL_WORKSHOP = {"slug": "gardens2030", "title": "Invented Gardens", "start_date": "2030-05-04", "timezone": "UTC"}
SMALL_PAGE = """An invented workshop about gardens of data.
Sat 9:00 a.m.  9:30 a.m.

A talk on seedlings
(Talk)
Lucía Ferreira 🔗 
"""


def import_page_file(source, tmp_path, **options):
    """Runs the command on source; (the fixture it wrote, what it printed on stderr)."""
    output, err = tmp_path / "fixture.json", StringIO()
    call_command("import_icml_schedule", str(source), output=str(output), stderr=err, **options)
    return output, err.getvalue()


def import_and_load(source, tmp_path, **options):
    output, printed = import_page_file(source, tmp_path, **options)
    call_command("load_workshop", str(output), stdout=StringIO())
    return Workshop.objects.get(slug=fixture_workshop(output)["slug"]), printed


def fixture_workshop(fixture):
    return next(item["fields"] for item in json.loads(fixture.read_text()) if item["model"] == "schedule.workshop")


def page_file(tmp_path, text, name="page.txt", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def refusal(source, **options):
    with pytest.raises(CommandError) as raised:
        call_command("import_icml_schedule", str(source), stderr=StringIO(), stdout=StringIO(), **options)
    return str(raised.value)


def test_a_session_from_before_midnight_to_midnight_ends_the_next_day(db, tmp_path):
    workshop, _ = import_and_load(
        INPUTS / "midnight.txt", tmp_path, **SMALL_WORKSHOP, end_date="2030-05-05", page_timezone="America/Los_Angeles"
    )
    sessions = {s.title: (s.starts_at, s.ends_at) for s in workshop.sessions.all()}
    assert sessions["Midnight discussion"] == (
        datetime(2030, 5, 5, 6, 40, tzinfo=UTC),  # Sat 11:40 p.m. in Los Angeles (UTC-7)
        datetime(2030, 5, 5, 7, 0, tzinfo=UTC),  # Sun 12:00 a.m.
    )
    assert sessions["After midnight"] == (datetime(2030, 5, 5, 7, 0, tzinfo=UTC), datetime(2030, 5, 5, 7, 30, tzinfo=UTC))


def test_an_end_before_the_start_that_is_not_a_midnight_crossing_is_refused_with_its_line(tmp_path):
    page = page_file(tmp_path, SMALL_PAGE.replace("9:00 a.m.  9:30 a.m.", "10:00 a.m.  9:30 a.m."))
    assert refusal(page, **SMALL_WORKSHOP, page_timezone="UTC") == (
        f"{page} line 2: “A talk on seedlings” ends at 9:30 a.m., before it starts at 10:00 a.m."
    )


def test_a_virtual_view_copy_keeps_furniture_out_of_the_description_and_the_video_provider_in(db, tmp_path):
    workshop, _ = import_and_load(INPUTS / "virtual_view.txt", tmp_path, meta=str(INPUTS / "virtual_view.meta.json"))
    assert workshop.description == "This invented workshop asks how models grow from data that nobody collected."
    sessions = {s.title: s for s in workshop.sessions.all()}
    assert [(t, s.video_provider, s.abstract) for t, s in sessions.items()] == [
        ("Welcome from the organizers", "SlidesLive", "Why we met."),
        ("Seeds and soil of synthetic data", "SlidesLive", "Data that nobody collected still has a shape. We measure it."),
        ("Pruning what grows too fast", "SlidesLive", "How to stop a model growing where it should not."),
    ]


def test_a_name_whose_hyphen_the_page_dropped_is_one_person_with_a_warning_naming_the_line(db, tmp_path):
    workshop, printed = import_and_load(INPUTS / "virtual_view.txt", tmp_path, meta=str(INPUTS / "virtual_view.meta.json"))
    assert list(Speaker.objects.filter(name__in=["Anna-Maria Lee", "AnnaMaria Lee"]).values_list("name", flat=True)) == [
        "Anna-Maria Lee"
    ]
    keynote = workshop.sessions.get(title="Seeds and soil of synthetic data")
    assert [e.speaker.name for e in keynote.session_speakers.order_by("position")] == ["Priya Raman", "Anna-Maria Lee"]
    assert list(workshop.organizers.values_list("name", flat=True)) == ["Anna-Maria Lee", "Tomas Okafor"]
    assert (
        f"warning: {INPUTS / 'virtual_view.txt'} line 17: “AnnaMaria Lee” is taken to be “Anna-Maria Lee”, "
        "whose hyphen the page dropped"
    ) in printed.splitlines()


def test_names_differing_in_case_and_hyphens_are_kept_apart_with_a_warning():
    page = SMALL_PAGE.replace("Lucía Ferreira 🔗", "Annamaria Lee 🔗")
    imported = import_page(page, info(start_date=date(2030, 5, 4), organizers=["Anna-Maria Lee"]))
    assert sorted(o.name for o in imported.objects if isinstance(o, Speaker)) == ["Anna-Maria Lee", "Annamaria Lee"]
    assert "line 6: “Annamaria Lee” and “Anna-Maria Lee” differ only in case or hyphens: kept as two people" in [
        str(warning) for warning in imported.warnings
    ]


@pytest.mark.parametrize("display_zone", ["America/Los_Angeles", "UTC", "Europe/Berlin"])
def test_the_workshop_zone_changes_no_time_read_from_the_page(db, tmp_path, display_zone):
    workshop, _ = import_and_load(
        INPUTS / "seen_in_los_angeles.txt",
        tmp_path,
        **(SMALL_WORKSHOP | {"timezone": display_zone}),
        page_timezone="America/Los_Angeles",
    )
    assert list(workshop.sessions.values_list("starts_at", flat=True)) == [
        datetime(2030, 5, 4, 16, 0, tzinfo=UTC),
        datetime(2030, 5, 4, 21, 0, tzinfo=UTC),
    ]


def test_a_page_copied_in_tokyo_gives_the_same_instants_as_one_copied_in_los_angeles(db, tmp_path):
    """The Tokyo copy says Sunday 1 a.m. for what Los Angeles calls Saturday 9 a.m.; its Timezone line says so."""
    workshop, _ = import_and_load(
        INPUTS / "seen_in_tokyo.txt", tmp_path, **(SMALL_WORKSHOP | {"timezone": "America/Los_Angeles"})
    )
    assert [(s.title, s.starts_at, s.ends_at) for s in workshop.sessions.all()] == [
        ("Morning talk", datetime(2030, 5, 4, 16, 0, tzinfo=UTC), datetime(2030, 5, 4, 16, 30, tzinfo=UTC)),
        ("Afternoon talk", datetime(2030, 5, 4, 21, 0, tzinfo=UTC), datetime(2030, 5, 4, 21, 30, tzinfo=UTC)),
    ]


def test_a_page_that_names_no_zone_is_refused_when_no_page_zone_is_given(tmp_path):
    page = page_file(tmp_path, SMALL_PAGE)
    assert refusal(page, **SMALL_WORKSHOP).startswith(f"{page}: the page does not say which zone its times are in")


def test_a_page_zone_given_against_the_pages_own_timezone_line_is_refused_with_its_line():
    assert refusal(INPUTS / "seen_in_tokyo.txt", **SMALL_WORKSHOP, page_timezone="Europe/Berlin") == (
        f"{INPUTS / 'seen_in_tokyo.txt'} line 1: the page says its times are in Asia/Tokyo, "
        "but page_timezone says Europe/Berlin"
    )


KIND_WORDS = [
    ("Talk", SessionKind.INVITED_TALK),
    ("Contributed talk", SessionKind.SPOTLIGHT),
    ("Introduction", SessionKind.OPENING),
    ("Discussion", SessionKind.OTHER),
    ("Panel", SessionKind.OTHER),
    ("Panel Discussion", SessionKind.OTHER),
    ("Poster session", SessionKind.POSTER_SESSION),
    ("Break", SessionKind.BREAK),
    ("Keynote", SessionKind.INVITED_TALK),
]


def clock_text(minutes):
    """09:00 + minutes as the site writes it: "9:30 a.m.", "1:00 p.m."."""
    hour, minute = divmod(9 * 60 + minutes, 60)
    return f"{(hour - 1) % 12 + 1}:{minute:02d} {'a.m.' if hour < 12 else 'p.m.'}"


def kinds_page(layout):
    entries = [
        f"Sat {clock_text(30 * n)}  {clock_text(30 * n + 30)}\n\nSession {n} of the invented day\n{layout(word)}\n"
        "Lucía Ferreira 🔗 \n"
        for n, (word, _) in enumerate(KIND_WORDS)
    ]
    return "Sessions of every kind.\n" + "".join(entries)


@pytest.mark.parametrize(
    "layout", [lambda word: f"({word})", lambda word: f"(\n{word}\n)"], ids=["one line", "three lines"]
)
def test_each_kind_word_reads_as_its_kind_on_one_line_or_split_over_three(db, tmp_path, layout):
    page = page_file(tmp_path, kinds_page(layout))
    workshop, printed = import_and_load(page, tmp_path, **SMALL_WORKSHOP, page_timezone="UTC")
    assert [(s.title, s.kind) for s in workshop.sessions.order_by("starts_at")] == [
        (f"Session {n} of the invented day", kind) for n, (_, kind) in enumerate(KIND_WORDS)
    ]
    assert "unknown kind" not in printed


def test_an_unknown_kind_is_read_as_other_with_a_warning_naming_its_line(tmp_path):
    page = page_file(tmp_path, SMALL_PAGE.replace("(Talk)", "(Hackathon)"))
    _, printed = import_page_file(page, tmp_path, **SMALL_WORKSHOP, page_timezone="UTC")
    assert f"warning: {page} line 5: unknown kind “Hackathon” read as “other”" in printed.splitlines()


def test_a_time_line_without_a_kind_line_is_refused_naming_that_line(tmp_path):
    page = page_file(tmp_path, SMALL_PAGE.replace("(Talk)\n", "Talk\n"))
    assert refusal(page, **SMALL_WORKSHOP, page_timezone="UTC").startswith(
        f"{page} line 2: no entries found: this time line is not followed by a title and a kind"
    )


@pytest.mark.parametrize(
    "encoding, mark",
    [("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)],
    ids=["UTF-8 with BOM", "UTF-16 LE with BOM", "UTF-16 BE with BOM"],
)
def test_a_page_saved_with_a_byte_order_mark_is_read(db, tmp_path, encoding, mark):
    page = tmp_path / "page.txt"
    page.write_bytes(mark + SMALL_PAGE.encode(encoding))
    workshop, _ = import_and_load(page, tmp_path, **SMALL_WORKSHOP, page_timezone="UTC")
    assert workshop.description == "An invented workshop about gardens of data."
    assert [e.speaker.name for e in workshop.sessions.get().session_speakers.all()] == ["Lucía Ferreira"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01", ": a binary file, not text (it holds NUL bytes)"),
        (SMALL_PAGE.encode("utf-16-le"), ": UTF-16 without a byte-order mark; save it as UTF-8"),
        (SMALL_PAGE.replace("Lucía", "Luc\udce9a").encode("utf-8", "surrogateescape"), " line 6: not UTF-8 text (byte 0xe9); save it as UTF-8"),
    ],
    ids=["binary", "UTF-16 without BOM", "Latin-1"],
)
def test_a_file_that_is_not_readable_text_is_refused_in_one_line(tmp_path, content, message):
    page = tmp_path / "page.txt"
    page.write_bytes(content)
    assert refusal(page, **SMALL_WORKSHOP, page_timezone="UTC") == f"{page}{message}"


def test_a_folder_is_refused_in_one_line(tmp_path):
    assert refusal(tmp_path, **SMALL_WORKSHOP, page_timezone="UTC") == f"{tmp_path}: is a folder, not a file"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_a_device_or_a_named_pipe_is_refused_before_a_byte_is_read(tmp_path):
    pipe = tmp_path / "page.txt"
    os.mkfifo(pipe)  # opened blocking, it would wait for a writer for ever
    assert refusal(pipe, **SMALL_WORKSHOP, page_timezone="UTC").endswith("page.txt: is a named pipe, not a regular file: give the path of a file")
    assert refusal("/dev/zero", **SMALL_WORKSHOP, page_timezone="UTC").startswith("/dev/zero: is a character device")
    meta = tmp_path / "meta.json"
    meta.symlink_to("/dev/zero")
    page = tmp_path / "small.txt"
    page.write_text(SMALL_PAGE, encoding="utf-8")
    assert refusal(page, meta=str(meta)).startswith(f"{meta}: is a character device")


@pytest.mark.parametrize(
    "content, message",
    [
        ("[" * 100_000 + "]" * 100_000, ": lists and objects are nested more than 32 levels deep, which no programme needs"),
        ('{"title": "Open', ": not valid JSON: Unterminated string starting at: line 1 column 11 (char 10)"),
        ('{"title": ' + "9" * 5_000 + "}", ": not valid JSON: Exceeds the limit (4300 digits) for integer string conversion"),
    ],
    ids=["nested past Python's recursion limit", "cut off", "a 5,000-digit number"],
)
def test_a_broken_or_hostile_meta_file_is_refused_in_one_line(tmp_path, content, message):
    meta = tmp_path / "meta.json"
    meta.write_text(content, encoding="utf-8")
    page = tmp_path / "small.txt"
    page.write_text(SMALL_PAGE, encoding="utf-8")
    assert refusal(page, meta=str(meta)).startswith(f"{meta}{message}")


def test_a_page_larger_than_a_programme_file_may_be_is_refused_unread(tmp_path, settings):
    settings.PROGRAMME_FILE_MAX_BYTES = 1_000
    page = tmp_path / "page.txt"
    page.write_text(SMALL_PAGE + "\n" * 1_000, encoding="utf-8")
    assert f"{page}: {page.stat().st_size:,} bytes, more than the 1,000 bytes" in refusal(page, **SMALL_WORKSHOP, page_timezone="UTC")


@pytest.mark.parametrize(
    "detail, message",
    [
        ({"start_date": "2021-7-23"}, "start_date “2021-7-23” is not a date written as YYYY-MM-DD, such as 2021-07-23"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone “Mars/Olympus_Mons” is not an IANA zone name such as Europe/Berlin"),
        ({"page_timezone": "PDT"}, "page_timezone “PDT” is not an IANA zone name such as Europe/Berlin"),
        ({"organizers": "Tomas Okafor"}, "organizers must be a list of names"),
    ],
    ids=["bad date", "unknown zone", "unknown page zone", "organizers not a list"],
)
def test_a_bad_detail_in_the_meta_file_is_refused_in_one_line_naming_it(tmp_path, detail, message):
    meta = tmp_path / "page.meta.json"
    meta.write_text(json.dumps(SMALL_WORKSHOP | {"page_timezone": "UTC"} | detail))
    assert refusal(page_file(tmp_path, SMALL_PAGE), meta=str(meta)) == f"{meta}: {message}"


def test_a_bad_date_given_as_an_option_is_refused_in_one_line(tmp_path):
    assert refusal(page_file(tmp_path, SMALL_PAGE), **(SMALL_WORKSHOP | {"start_date": "2021-7-23"}), page_timezone="UTC") == (
        "--start-date “2021-7-23” is not a date written as YYYY-MM-DD, such as 2021-07-23"
    )


def test_the_command_exits_non_zero_with_one_line_and_no_traceback(tmp_path):
    page = tmp_path / "page.txt"
    page.write_bytes(b"\x00\x01\x02binary")
    finished = subprocess.run(
        [sys.executable, "manage.py", "import_icml_schedule", str(page), "--meta", str(META)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert finished.returncode != 0
    assert finished.stderr.strip() == f"CommandError: {page}: a binary file, not text (it holds NUL bytes)"


def test_a_short_header_line_the_importer_does_not_know_is_kept_in_the_description_with_a_warning(tmp_path):
    page = page_file(tmp_path, "Workshop website\n" + SMALL_PAGE)
    output, printed = import_page_file(page, tmp_path, **SMALL_WORKSHOP, page_timezone="UTC")
    assert fixture_workshop(output)["description"] == "Workshop website\nAn invented workshop about gardens of data."
    assert (
        f"warning: {page} line 1: “Workshop website” is kept in the workshop's description; delete it if it is furniture"
    ) in printed.splitlines()


def test_a_timezone_line_that_names_no_zone_is_refused_with_its_line(tmp_path):
    page = page_file(tmp_path, "Timezone: Pacific Time »\n" + SMALL_PAGE)
    assert refusal(page, **SMALL_WORKSHOP) == (
        f"{page} line 1: “Pacific Time” is not an IANA zone name such as America/Los_Angeles; "
        "give the zone the page was viewed in as page_timezone"
    )
