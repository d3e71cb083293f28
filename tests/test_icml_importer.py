"""The importer turns a copied ICML/NeurIPS workshop page into the committed fixture, reproducibly."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from schedule.models import SessionKind
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

    return WorkshopInfo(**({"slug": "demo", "title": "Demo", "start_date": date(2030, 5, 6), "timezone": "UTC"} | fields))


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
    assert any("Ada Lovelace is listed twice" in warning for warning in imported.warnings)


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
