"""load_workshop: all or nothing, every problem named, the database untouched on refusal."""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from posters.models import Poster
from schedule.models import Session, Workshop

PROGRAMME_MODELS = [
    "schedule.workshop",
    "schedule.speaker",
    "schedule.room",
    "schedule.session",
    "schedule.sessionspeaker",
    "schedule.workshoporganizer",
    "posters.poster",
    "posters.posterspot",
    "posters.posterauthor",
]


def row_counts():
    return {label: apps.get_model(label).objects.count() for label in PROGRAMME_MODELS}


def session_item(slug, starts_at, ends_at, **fields):
    return {
        "model": "schedule.session",
        "fields": {
            "workshop": ["oppo2021"],
            "title": slug.replace("-", " ").title(),
            "slug": slug,
            "kind": "invited_talk",
            "starts_at": starts_at,
            "ends_at": ends_at,
            "room": None,
            **fields,
        },
    }


def write(tmp_path, items, name="programme.json"):
    path = tmp_path / name
    path.write_text(json.dumps(items) if not isinstance(items, str) else items, encoding="utf-8")
    return path


def load(path, **options):
    out, err = StringIO(), StringIO()
    call_command("load_workshop", str(path), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def refused(path):
    """Run the loader, expect a refusal, return the problem lines it printed."""
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("load_workshop", str(path), stdout=StringIO(), stderr=err)
    return err.getvalue(), str(raised.value)


def test_the_seed_loads_into_an_empty_database(empty_db):
    out, _ = load("fixtures/oppo2021.json")
    assert "Loaded 428 objects" in out and "428 new" in out
    assert Session.objects.count() == 17 and Poster.objects.count() == 45


def test_loading_the_same_file_twice_leaves_the_same_rows(db):
    load("fixtures/oppo2021.json")
    before = row_counts()
    titles = list(Session.objects.values_list("pk", "title", "starts_at"))
    out, _ = load("fixtures/oppo2021.json")
    assert "0 new, 428 updated" in out
    assert row_counts() == before
    assert list(Session.objects.values_list("pk", "title", "starts_at")) == titles


def test_a_fixture_name_is_found_in_the_fixtures_folder(db):
    out, _ = load("oppo2021")
    assert "Loaded 428 objects" in out


def test_reloading_an_edited_programme_updates_rows_in_place(seed, tmp_path):
    items = json.loads(open("fixtures/oppo2021.json", encoding="utf-8").read())
    for item in items:
        if item["model"] == "schedule.session" and item["fields"]["slug"] == "opening-remarks":
            item["fields"]["title"] = "Welcome and Opening Remarks"
    before = row_counts()
    load(write(tmp_path, items))
    assert row_counts() == before
    assert Session.objects.get(slug="opening-remarks").title == "Welcome and Opening Remarks"


def test_dry_run_validates_and_writes_nothing(empty_db):
    out, _ = load("fixtures/oppo2021.json", dry_run=True)
    assert "Would load 428 objects" in out
    assert not Workshop.objects.exists()


def test_a_session_ending_before_it_starts_is_refused_and_nothing_is_loaded(seed, tmp_path):
    before = row_counts()
    path = write(
        tmp_path,
        [
            session_item("fine-talk", "2021-07-24T19:00:00Z", "2021-07-24T19:10:00Z"),
            session_item("backwards", "2021-07-24T19:20:00Z", "2021-07-24T19:15:00Z"),
        ],
    )
    problems, summary = refused(path)
    assert "schedule.session oppo2021/backwards *: A session must end after it starts." in problems
    assert "refused, 1 problem(s); nothing was loaded" in summary
    assert row_counts() == before
    assert not Session.objects.filter(slug="fine-talk").exists()


def test_two_sessions_overlapping_in_one_room_are_refused(seed, tmp_path):
    before = row_counts()
    path = write(
        tmp_path,
        [
            session_item("first", "2021-07-24T19:00:00Z", "2021-07-24T19:20:00Z", room=["oppo2021", "gather-town-room-1"]),
            session_item("second", "2021-07-24T19:10:00Z", "2021-07-24T19:30:00Z", room=["oppo2021", "gather-town-room-1"]),
        ],
    )
    problems, _ = refused(path)
    assert "schedule.session oppo2021/first starts_at: Overlaps “Second”" in problems
    assert "in room “Gather.town room 1”" in problems
    assert row_counts() == before


def test_a_session_overlapping_one_already_in_the_database_is_refused(seed, tmp_path):
    before = row_counts()
    path = write(tmp_path, [session_item("intruder", "2021-07-24T16:02:00Z", "2021-07-24T16:04:00Z")])
    problems, _ = refused(path)
    assert "Overlaps “Opening Remarks” (Sat 24 Jul 09:00–09:05 PDT) in the main track." in problems
    assert row_counts() == before


def test_sessions_in_different_rooms_may_run_at_the_same_time(seed, tmp_path):
    path = write(
        tmp_path,
        [
            session_item("a", "2021-07-24T19:00:00Z", "2021-07-24T19:20:00Z", room=["oppo2021", "gather-town-room-1"]),
            session_item("b", "2021-07-24T19:00:00Z", "2021-07-24T19:20:00Z", room=["oppo2021", "gather-town-room-2"]),
        ],
    )
    out, _ = load(path)
    assert "2 new" in out


def test_a_session_outside_the_workshops_dates_is_refused(seed, tmp_path):
    path = write(tmp_path, [session_item("late", "2021-07-25T08:00:00Z", "2021-07-25T08:30:00Z")])
    problems, _ = refused(path)
    assert "within the workshop's dates (24 Jul 2021–24 Jul 2021, America/Los_Angeles)" in problems


def test_a_reference_to_a_person_who_is_not_there_is_refused(seed, tmp_path):
    before = row_counts()
    path = write(
        tmp_path,
        [
            session_item("new-talk", "2021-07-24T19:00:00Z", "2021-07-24T19:10:00Z"),
            {"model": "schedule.sessionspeaker", "fields": {"session": ["oppo2021", "new-talk"], "speaker": ["no-such-person"], "position": 0}},
        ],
    )
    problems, _ = refused(path)
    assert (
        "schedule.sessionspeaker item 2 speaker: refers to schedule.speaker no-such-person, "
        "which is neither in the file nor in the database"
    ) in problems
    assert row_counts() == before


def test_a_spot_taken_twice_in_one_room_is_refused(seed, tmp_path):
    before = row_counts()
    path = write(
        tmp_path,
        [
            {"model": "posters.poster", "fields": {"workshop": ["oppo2021"], "title": "Late poster", "slug": "late-poster", "room": ["oppo2021", "gather-town-room-1"]}},
            {"model": "posters.posterspot", "fields": {"poster": ["oppo2021", "late-poster"], "label": "A2"}},
        ],
    )
    problems, _ = refused(path)
    assert "posters.posterspot oppo2021/late-poster/A2 label: Spot A2 in room “Gather.town room 1” is already taken by “Generalization Error" in problems
    assert row_counts() == before


def test_every_problem_in_a_file_is_named_at_once(seed, tmp_path):
    before = row_counts()
    path = write(
        tmp_path,
        [
            session_item("backwards", "2021-07-24T19:20:00Z", "2021-07-24T19:15:00Z"),
            session_item("bad-kind", "2021-07-24T20:00:00Z", "2021-07-24T20:10:00Z", kind="banquet", video_url="not a url"),
            {"model": "schedule.nosuchmodel", "fields": {}},
            {"model": "schedule.speaker", "fields": {"name": "", "slug": "has spaces"}},
        ],
    )
    problems, summary = refused(path)
    assert "schedule.session oppo2021/backwards *: A session must end after it starts." in problems
    assert "schedule.session oppo2021/bad-kind kind: Value 'banquet' is not a valid choice." in problems
    assert "schedule.session oppo2021/bad-kind video_url: Enter a valid URL." in problems
    assert "schedule.nosuchmodel item 3 model: unknown model" in problems
    assert "schedule.speaker has spaces name: This field cannot be blank." in problems
    assert "schedule.speaker has spaces slug: Enter a valid “slug”" in problems
    assert "refused, 7 problem(s)" in summary
    assert row_counts() == before


@pytest.mark.parametrize(
    "content, message",
    [
        ('[{"model": "schedule.speaker", "fields": {', "not valid JSON: Expecting property name enclosed in double quotes at line 1"),
        ('{"model": "schedule.speaker"}', "a fixture is a JSON list of objects"),
        ("\udcff", None),
    ],
)
def test_a_malformed_file_gets_one_clear_line_and_loads_nothing(seed, tmp_path, content, message):
    before = row_counts()
    path = tmp_path / "broken.json"
    if message is None:
        path.write_bytes(b"\xff\xfe not utf-8")
        message = "not UTF-8 text"
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        load(path)
    assert row_counts() == before


def test_a_missing_file_gets_one_clear_line(db, tmp_path):
    with pytest.raises(CommandError, match=r"nowhere\.json: no such file"):
        load(tmp_path / "nowhere.json")


def test_forward_references_within_a_file_resolve(empty_db, tmp_path):
    items = json.loads(open("fixtures/oppo2021.json", encoding="utf-8").read())
    out, _ = load(write(tmp_path, list(reversed(items))))
    assert "428 new" in out
    assert Session.objects.get(slug="live-qa-with-peter-bartlett").belongs_to.slug == "adversarial-examples-in-random-deep-networks"


def test_the_command_exits_non_zero_from_the_shell(seed, tmp_path):
    import subprocess
    import sys

    path = write(tmp_path, "[")
    result = subprocess.run(
        [sys.executable, "manage.py", "load_workshop", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_item_updates_only_the_fields_it_names(seed, tmp_path):
    from schedule.models import Speaker

    Speaker.objects.filter(slug="peter-bartlett").update(affiliation="UC Berkeley")
    path = write(tmp_path, [{"model": "schedule.speaker", "fields": {"slug": "peter-bartlett", "name": "Peter L. Bartlett"}}])
    load(path)
    bartlett = Speaker.objects.get(slug="peter-bartlett")
    assert (bartlett.name, bartlett.affiliation) == ("Peter L. Bartlett", "UC Berkeley")


def test_a_schedule_file_from_another_tool_keeps_what_it_does_not_carry(seed, tmp_path):
    from workshop.exports import frab
    from workshop.exports.programme import build_programme

    Session.objects.filter(slug="opening-remarks").update(video_provider="SlidesLive")
    programme = build_programme(seed, lambda path: "http://testserver" + path)
    path = tmp_path / "schedule.xml"
    path.write_bytes(frab.to_xml(programme).replace(b"Opening Remarks", b"Opening Words"))
    out, _ = load(path)
    opening = Session.objects.get(slug="opening-remarks")
    assert opening.title == "Opening Words"
    assert opening.video_provider == "SlidesLive"
    assert Workshop.objects.get(slug="oppo2021").conference == "ICML 2021"
    assert Session.objects.get(slug="live-qa-with-peter-bartlett").belongs_to.slug == "adversarial-examples-in-random-deep-networks"
