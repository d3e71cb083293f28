"""A backup made with dumpdata restores every programme row exactly, with loaddata or with load_workshop.

The backup an operator makes:

    python manage.py dumpdata schedule posters --natural-foreign --natural-primary \
        --exclude schedule.HistoricalSpeaker --exclude ... (every Historical* model) -o backup.json

History is left out: with --natural-primary the restored rows get new ids, and a history row names its row
by id (and its author by user id), so restored history would point at the wrong rows or at no one. A
backup that must keep history is a whole-database one (pg_dump, or dumpdata of every app without
--natural-primary).

Rows are compared by natural key, every concrete field except the auto id, foreign keys as the natural key
of the row they point to. `revision` is left out on purpose: every save gets a new one, loaddata's included
(schedule/revisions.py), so that a form opened before the restore cannot pass for a current one.
"""

import os
import shutil
import subprocess
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from simple_history.models import HistoricalChanges

from posters.models import Poster, PosterAuthor, PosterSpot
from schedule.models import Room, Session, SessionKind, SessionSpeaker, Speaker, Workshop, WorkshopOrganizer
from tests.test_production import page_cache  # noqa: F401  (the page cache on, as in production)
from workshop.models import ProgrammeVersion

# In the order they can be deleted: whatever points at a row goes before it.
PROGRAMME_MODELS = [PosterAuthor, PosterSpot, Poster, SessionSpeaker, WorkshopOrganizer, Session, Room, Workshop, Speaker]
NOT_COMPARED = {"id", "revision"}


def historical_models():
    return [
        model._meta.label
        for app in ("schedule", "posters")
        for model in apps.get_app_config(app).get_models()
        if issubclass(model, HistoricalChanges)
    ]


def dump(path):
    call_command(
        "dumpdata", "schedule", "posters",
        natural_foreign=True, natural_primary=True, exclude=historical_models(), output=str(path), verbosity=0,
    )  # fmt: skip
    return path


def field_value(obj, field):
    if field.is_relation:
        target = getattr(obj, field.name)
        return None if target is None else target.natural_key()
    return getattr(obj, field.attname)


def snapshot():
    """{model label: {natural key: {field: value}}} of every programme row."""
    tables = {}
    for model in PROGRAMME_MODELS:
        fields = [field for field in model._meta.concrete_fields if field.name not in NOT_COMPARED]
        related = [field.name for field in fields if field.is_relation]
        rows = {}
        for obj in model._default_manager.select_related(*related):
            rows[obj.natural_key()] = {field.name: field_value(obj, field) for field in fields}
        assert len(rows) == model._default_manager.count(), f"{model._meta.label}: two rows share a natural key"
        tables[model._meta.label] = rows
    return tables


def differences(before, after):
    found = []
    for label, rows in before.items():
        restored = after[label]
        found += [f"{label} {key}: missing after the restore" for key in rows.keys() - restored.keys()]
        found += [f"{label} {key}: not in the backup, yet restored" for key in restored.keys() - rows.keys()]
        for key in rows.keys() & restored.keys():
            for name, value in rows[key].items():
                if restored[key][name] != value:
                    found.append(f"{label} {key} {name}: {value!r} became {restored[key][name]!r}")
    return found


def delete_programme():
    for model in PROGRAMME_MODELS:
        model._default_manager.all().delete()
    assert all(not model._default_manager.exists() for model in PROGRAMME_MODELS)


@pytest.fixture
def programme(seed, make_workshop, make_session, make_poster, make_speaker):
    """The seed, plus what the seed leaves at defaults or never has: a second workshop reusing the seed's
    slugs, timed posters, an orphan speaker, and text with unicode, quotes and line breaks."""
    seed.description = "Line one\nLine “two” — with 'quotes', <angle> & ampersands, émojis 🎉\r\nand CRLF."
    seed.website = "https://example.org/oppo?x=1&y=2"
    seed.save()
    room = seed.rooms.get(slug="gather-town-room-1")
    room.url = "https://example.org/" + "r" * 400
    room.position = 7
    room.save()
    poster = seed.posters.order_by("slug").first()
    # Milliseconds, not microseconds: Django's JSON serializer keeps three decimals of a second. Programme
    # times come in whole minutes (admin, importers), so a JSON backup loses nothing of theirs.
    poster.starts_at = datetime(2021, 7, 24, 12, 30, 15, 123000, tzinfo=ZoneInfo("America/Los_Angeles"))
    poster.ends_at = poster.starts_at + timedelta(hours=1, milliseconds=1)
    poster.abstract = "Tabs\tand\nnewlines, $\\ell_2$ math, and Ω."
    poster.save()
    make_speaker(name="Nobody Anywhere", slug="nobody-anywhere", affiliation="Université de Nulle Part",
                 homepage="https://example.org/~nobody")  # fmt: skip

    other = make_workshop(slug="second-workshop", description="", timezone="Asia/Kathmandu")
    session = make_session(workshop=other, speakers=2, slug="opening-remarks", video_provider="SlidesLive")
    make_session(workshop=other, kind=SessionKind.LIVE_QA, belongs_to=session, slug="live-qa")
    same_slug = make_poster(workshop=other, authors=2, spots=["A1", "b-2"], slug=poster.slug, spotlight=session)
    WorkshopOrganizer.objects.create(workshop=other, speaker=same_slug.authors.first(), position=3)
    return seed


def test_the_comparison_notices_a_single_changed_value(programme):
    """The checks below are only worth something if one changed value shows."""
    before = snapshot()
    Speaker.objects.filter(slug="nobody-anywhere").update(affiliation="Somewhere")
    Session.objects.filter(slug="live-qa").update(belongs_to=None)
    assert differences(before, snapshot()) == [
        "schedule.Session ('second-workshop', 'live-qa') belongs_to: ('second-workshop', 'opening-remarks') became None",
        "schedule.Speaker ('nobody-anywhere',) affiliation: 'Université de Nulle Part' became 'Somewhere'",
    ]


def test_every_programme_model_has_rows_to_restore(programme):
    assert {label: len(rows) > 1 for label, rows in snapshot().items()} == {
        model._meta.label: True for model in PROGRAMME_MODELS
    }


def test_the_backup_holds_the_programme_and_no_history(programme, tmp_path):
    import json

    items = json.loads(dump(tmp_path / "backup.json").read_text())
    labels = {item["model"] for item in items}
    assert labels == {model._meta.label_lower for model in PROGRAMME_MODELS}
    assert all("pk" not in item for item in items)  # natural keys only: loadable into any database


@pytest.mark.parametrize("command", ["loaddata", "load_workshop"])
def test_a_backup_loaded_into_an_empty_database_restores_every_row_exactly(programme, tmp_path, command):
    before = snapshot()
    backup = dump(tmp_path / "backup.json")
    delete_programme()

    call_command(command, str(backup), verbosity=0)

    assert differences(before, snapshot()) == []


def test_loading_a_backup_over_the_data_it_was_made_from_changes_nothing(programme, tmp_path):
    before = snapshot()
    backup = dump(tmp_path / "backup.json")

    call_command("load_workshop", str(backup), verbosity=0)

    assert differences(before, snapshot()) == []


# Cached pages across a restore ----------------------------------------------------------------------------


def retitle(title):
    session = Session.objects.get(slug="opening-remarks")
    session.title = title
    session.save()


def test_an_edit_after_a_restore_shows_although_the_version_number_went_back(
    client, seed, page_cache, django_capture_on_commit_callbacks
):
    """What any whole-database restore does to the version row: it puts the backup's number back, and the next
    edit moves it to a number pages were already cached under before the restore."""
    backup = ProgrammeVersion.objects.values("number", "changed_at").get(pk=1)
    with django_capture_on_commit_callbacks(execute=True):
        retitle("Retitled before the restore")
    assert "Retitled before the restore" in client.get("/oppo2021/").text
    assert client.get("/oppo2021/")["X-Cache"] == "hit"

    Session.objects.filter(slug="opening-remarks").update(title="Opening Remarks")  # the backup's rows ...
    ProgrammeVersion.objects.filter(pk=1).update(**backup)  # ... and its version
    with django_capture_on_commit_callbacks(execute=True):
        retitle("Retitled after the restore")

    assert "Retitled after the restore" in client.get("/oppo2021/").text


def postgres_command(program, *args):
    database = connection.settings_dict
    command = [program, "-h", database["HOST"] or "127.0.0.1", "-p", str(database["PORT"] or 5432),
               "-U", database["USER"] or "postgres", "-d", database["NAME"], *args]
    password = {"PGPASSWORD": database["PASSWORD"]} if database["PASSWORD"] else {}
    subprocess.run(command, check=True, capture_output=True, env={**os.environ, **password})


@pytest.mark.skipif(connection.vendor != "postgresql" or not shutil.which("pg_restore"),
                    reason="a whole-database backup is pg_dump's and pg_restore's: PostgreSQL only")
def test_after_a_restore_as_the_readme_says_no_page_cached_before_it_is_served(
    transactional_db, client, seed, page_cache, tmp_path
):
    """README, Backup and restore: pg_dump -Fc; pg_restore --clean; manage.py migrate."""
    backup = tmp_path / "backup.dump"
    postgres_command("pg_dump", "-Fc", "-f", str(backup))
    for edit in range(40):  # a day of edits after the backup, each committed at once (a transactional test)
        retitle(f"Retitled before the restore, edit {edit}")
        assert f"edit {edit}<" in client.get("/oppo2021/").text
    assert client.get("/oppo2021/")["X-Cache"] == "hit"

    connection.close()  # nothing of ours open on the tables pg_restore drops
    postgres_command("pg_restore", "--clean", str(backup))
    call_command("migrate", verbosity=0)

    assert Session.objects.get(slug="opening-remarks").title == "Opening Remarks"  # the backup's rows
    assert "Retitled before the restore" not in client.get("/oppo2021/").text
    retitle("Retitled after the restore")
    assert "Retitled after the restore" in client.get("/oppo2021/").text
