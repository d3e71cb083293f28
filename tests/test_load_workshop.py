"""load_workshop: all or nothing, every problem named, the database untouched on refusal."""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from posters.models import Poster
from schedule.models import Session, Speaker, Workshop

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
    assert "0 new, 0 changed, 428 unchanged" in out
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
        ('[{"model": "schedule.speaker", "fields": {', "not valid JSON: Expecting property name enclosed in double quotes: line 1"),
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


# The bulk path keeps every rule -------------------------------------------------------------------------------


def test_a_guid_taken_by_another_session_is_refused_with_the_models_message(seed, tmp_path):
    taken = str(Session.objects.get(slug="opening-remarks").guid)
    guid, room = "6f2b1c8a-3a4e-4c2e-9d0b-1a2b3c4d5e6f", ["oppo2021", "gather-town-room-1"]
    path = write(
        tmp_path,
        [
            session_item("copy-in-the-database", "2021-07-24T19:00:00Z", "2021-07-24T19:10:00Z", guid=taken, room=room),
            session_item("first", "2021-07-24T19:20:00Z", "2021-07-24T19:30:00Z", guid=guid, room=room),
            session_item("copy-in-the-file", "2021-07-24T19:40:00Z", "2021-07-24T19:50:00Z", guid=guid, room=room),
        ],
    )
    before = row_counts()
    problems, summary = refused(path)
    assert problems.splitlines() == [
        "schedule.session oppo2021/copy-in-the-database guid: Session with this GUID already exists.",
        "schedule.session oppo2021/copy-in-the-file guid: Session with this GUID already exists.",
    ]
    assert row_counts() == before


def test_a_loop_of_sessions_belonging_to_each_other_is_refused(seed, tmp_path):
    path = write(
        tmp_path,
        [
            session_item("a", "2021-07-24T19:00:00Z", "2021-07-24T19:10:00Z", belongs_to=["oppo2021", "b"]),
            session_item("b", "2021-07-24T19:20:00Z", "2021-07-24T19:30:00Z", belongs_to=["oppo2021", "a"]),
            session_item("c", "2021-07-24T19:40:00Z", "2021-07-24T19:50:00Z", belongs_to=["oppo2021", "c"]),
        ],
    )
    problems, _ = refused(path)
    loop = "belongs_to: its links to other schedule.session rows go round in a loop, so none of them can be saved first"
    assert sorted(problems.splitlines()) == [f"schedule.session oppo2021/{slug} {loop}" for slug in "abc"]


def test_an_existing_session_may_not_belong_to_itself(seed, tmp_path):
    path = write(tmp_path, [{"model": "schedule.session", "fields": {
        "workshop": ["oppo2021"], "slug": "opening-remarks", "belongs_to": ["oppo2021", "opening-remarks"]}}])  # fmt: skip
    problems, _ = refused(path)
    assert "schedule.session oppo2021/opening-remarks belongs_to: A session cannot belong to itself." in problems


def test_a_refused_change_to_a_row_still_lets_what_refers_to_it_be_checked(seed, tmp_path):
    path = write(
        tmp_path,
        [
            {"model": "schedule.workshop", "fields": {"slug": "oppo2021", "timezone": "Mars/Olympus_Mons"}},
            session_item("late", "2021-07-25T08:00:00Z", "2021-07-25T08:30:00Z"),
        ],
    )
    problems, _ = refused(path)
    assert "schedule.workshop oppo2021 timezone:" in problems
    # Checked against the workshop as it is stored, not the refused change.
    assert "schedule.session oppo2021/late starts_at: The session must take place within the workshop's dates" in problems
    assert Workshop.objects.get(slug="oppo2021").timezone == "America/Los_Angeles"


def test_what_refers_to_a_refused_new_row_is_not_reported_again(seed, tmp_path):
    path = write(
        tmp_path,
        [
            session_item("backwards", "2021-07-24T19:20:00Z", "2021-07-24T19:15:00Z"),
            {"model": "schedule.sessionspeaker", "fields": {"session": ["oppo2021", "backwards"], "speaker": ["peter-bartlett"]}},
        ],
    )
    problems, summary = refused(path)
    assert problems.splitlines() == ["schedule.session oppo2021/backwards *: A session must end after it starts."]


def test_people_may_be_given_as_a_list_on_the_session(seed, tmp_path):
    path = write(tmp_path, [session_item("with-people", "2021-07-24T19:00:00Z", "2021-07-24T19:10:00Z",
                                         speakers=[["peter-bartlett"], ["mikhail-belkin"]])])  # fmt: skip
    load(path)
    assert {p.slug for p in Session.objects.get(slug="with-people").speakers.all()} == {"peter-bartlett", "mikhail-belkin"}


def seed_items():
    return json.loads(open("fixtures/oppo2021.json", encoding="utf-8").read())


def history_rows():
    return sum(model.history.count() for model in (apps.get_model(label) for label in PROGRAMME_MODELS))


def revisions():
    return {
        label: sorted(apps.get_model(label).objects.values_list("pk", "revision"))
        for label in PROGRAMME_MODELS
        if hasattr(apps.get_model(label), "revision")
    }


def retitled(items, slug, title):
    for item in items:
        if item["model"] == "schedule.session" and item["fields"]["slug"] == slug:
            item["fields"]["title"] = title
    return items


def without_session(items, slug):
    """The file with the session and its people gone."""
    return [
        item for item in items
        if not (item["model"] == "schedule.session" and item["fields"]["slug"] == slug)
        and not (item["model"] == "schedule.sessionspeaker" and item["fields"]["session"][1:] == [slug])
    ]  # fmt: skip


def test_a_load_records_history_and_new_revisions_and_a_changed_row_records_its_change(empty_db, tmp_path):
    load("fixtures/oppo2021.json")
    session = Session.objects.get(slug="opening-remarks")
    assert [h.history_type for h in session.history.all()] == ["+"]
    assert session.history.get().revision == session.revision
    load(write(tmp_path, retitled(seed_items(), "opening-remarks", "Welcome")))
    reloaded = Session.objects.get(slug="opening-remarks")
    assert [h.history_type for h in reloaded.history.all()] == ["~", "+"]
    assert reloaded.revision != session.revision  # a form opened before the reload is stale (schedule/revisions.py)


def test_reloading_an_unchanged_file_writes_no_history_and_keeps_every_revision(empty_db, django_capture_on_commit_callbacks):
    from workshop.models import ProgrammeVersion

    def version():
        return list(ProgrammeVersion.objects.values_list("number", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        load("fixtures/oppo2021.json")
    history, kept, cached = history_rows(), revisions(), version()
    with django_capture_on_commit_callbacks(execute=True):
        out, _ = load("fixtures/oppo2021.json")
    assert history_rows() == history
    assert revisions() == kept
    assert version() == cached  # cached pages stay
    for label in PROGRAMME_MODELS:
        assert f"{label}: 0 added, 0 changed, " in out
    assert "changed oppo" not in out


def test_a_retitled_session_is_reported_as_the_one_change_and_gets_one_history_row(empty_db, tmp_path):
    load("fixtures/oppo2021.json")
    history = history_rows()
    out, _ = load(write(tmp_path, retitled(seed_items(), "opening-remarks", "Welcome")))
    assert "schedule.session: 0 added, 1 changed, 16 unchanged" in out
    assert "  changed oppo2021/opening-remarks: title\n" in out
    assert out.count("  changed ") == 1
    assert history_rows() == history + 1


def test_a_session_the_file_no_longer_names_is_reported_and_kept(empty_db, tmp_path):
    load("fixtures/oppo2021.json")
    history = history_rows()
    out, _ = load(write(tmp_path, without_session(seed_items(), "opening-remarks")))
    assert "1 no longer in the file" in out
    assert "no longer in the file, kept (--prune deletes it): oppo2021/opening-remarks" in out
    assert Session.objects.filter(slug="opening-remarks").exists()
    assert history_rows() == history


def test_prune_deletes_what_the_file_no_longer_names(empty_db, tmp_path):
    load("fixtures/oppo2021.json")
    out, _ = load(write(tmp_path, without_session(seed_items(), "opening-remarks")), prune=True)
    assert "no longer in the file, deleted: oppo2021/opening-remarks" in out
    assert not Session.objects.filter(slug="opening-remarks").exists()
    assert Session.objects.count() == 16


def test_a_dry_run_prints_the_same_report_and_changes_nothing(empty_db, tmp_path):
    load("fixtures/oppo2021.json")
    path = write(tmp_path, retitled(without_session(seed_items(), "opening-remarks"), "closing-remarks", "Goodbye"))
    history, before = history_rows(), row_counts()
    dry, _ = load(path, dry_run=True, prune=True)
    assert history_rows() == history and row_counts() == before
    assert Session.objects.get(slug="closing-remarks").title != "Goodbye"
    out, _ = load(path, prune=True)
    assert dry.replace("would be deleted", "deleted").replace("Would load", "Loaded") == out


def programme_of(posters):
    """A workshop with 10 sessions and the given number of posters, each with a spot and three authors."""
    items = [
        {"model": "schedule.workshop", "fields": {"title": "Sized", "slug": "sized", "start_date": "2030-05-06",
                                                  "end_date": "2030-05-06", "timezone": "UTC"}},
        {"model": "schedule.room", "fields": {"workshop": ["sized"], "name": "Hall", "slug": "hall"}},
    ]  # fmt: skip
    items += [{"model": "schedule.speaker", "fields": {"name": f"Person {n}", "slug": f"person-{n}"}} for n in range(posters + 3)]
    items += [
        {"model": "schedule.session", "fields": {"workshop": ["sized"], "title": f"Talk {n}", "slug": f"talk-{n}",
                                                 "kind": "invited_talk", "room": ["sized", "hall"],
                                                 "starts_at": f"2030-05-06T{9 + n:02d}:00:00Z",
                                                 "ends_at": f"2030-05-06T{9 + n:02d}:30:00Z"}}
        for n in range(10)
    ]  # fmt: skip
    for n in range(posters):
        items += [
            {"model": "posters.poster", "fields": {"workshop": ["sized"], "title": f"Poster {n}", "slug": f"poster-{n}",
                                                   "room": ["sized", "hall"]}},
            {"model": "posters.posterspot", "fields": {"poster": ["sized", f"poster-{n}"], "label": f"P{n}"}},
        ]  # fmt: skip
        items += [
            {"model": "posters.posterauthor", "fields": {"poster": ["sized", f"poster-{n}"], "speaker": [f"person-{n + k}"],
                                                         "position": k}}
            for k in range(3)
        ]  # fmt: skip
    return items


def test_loading_makes_no_query_per_poster_spot_or_person(db, tmp_path):
    """Queries per object were what made a NeurIPS-sized programme take an hour; only a session's overlap rule is
    one query each (10 here)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts, objects = [], []
    for size in (20, 200):
        items = programme_of(size)
        with CaptureQueriesContext(connection) as queries:
            load(write(tmp_path, items, name=f"sized-{size}.json"), dry_run=True)
        counts.append(len(queries))
        objects.append(len(items))
    # What grows is the number of INSERTs: SQLite takes at most 999 values in one.
    assert counts[1] - counts[0] < (objects[1] - objects[0]) / 20, (counts, objects)


def next_keys(model, count):
    """The keys the database will give the next rows of model: made and deleted to find out."""
    probe = model.objects.create(**PROBES[model])
    taken = probe.pk
    probe.delete()
    return [taken + 1 + number for number in range(count)]


PROBES = {
    Speaker: {"name": "Probe", "slug": "probe"},
    Workshop: {"title": "Probe", "slug": "probe", "start_date": "2031-01-01", "end_date": "2031-01-01", "timezone": "UTC"},
}


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="PostgreSQL's sequences only: SQLite's keys (AUTOINCREMENT) move past any key written")
def test_an_organizer_can_add_people_and_workshops_after_a_file_that_named_their_keys(db, tmp_path):
    """dumpdata writes every row's key. Rows written with them leave PostgreSQL's sequences behind, and the next
    row made in the admin would be given a taken key and fail: the organizer's edit lost to a server error."""
    people, workshops = next_keys(Speaker, 2), next_keys(Workshop, 1)
    items = [{"model": "schedule.speaker", "pk": pk, "fields": {"name": f"Named {pk}", "slug": f"named-{pk}"}}
             for pk in people]
    items.append({"model": "schedule.workshop", "pk": workshops[0], "fields": {
        "title": "Dumped", "slug": "dumped", "start_date": "2031-02-01", "end_date": "2031-02-01", "timezone": "UTC"}})
    load(write(tmp_path, items))
    assert set(Speaker.objects.filter(pk__in=people).values_list("slug", flat=True)) == {f"named-{pk}" for pk in people}
    added = Speaker.objects.create(name="Added in the admin", slug="added-in-the-admin")
    assert added.pk > max(people)
    assert Workshop.objects.create(title="New", slug="new", start_date="2031-03-01", end_date="2031-03-01",
                                   timezone="UTC").pk > workshops[0]
