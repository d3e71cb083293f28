"""Files from outside reach the database only as programme rows: a load_workshop fixture, a frab or c3voc schedule
file and an admin spreadsheet can create or change workshops, rooms, speakers, sessions, posters, spots and their
lists of people, and nothing else. A file that names anything else (a user, a group, a permission, a history row)
is refused whole, naming it, and the database stays exactly as it was: no user made, no password changed, no
permission given."""

import hashlib
import json
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from schedule.models import Session, Speaker
from workshop.importers.frab import fixture_items
from workshop.loading import NOT_PROGRAMME, PROGRAMME_MODELS, load_items

ADMIN_PASSWORD = "the-first-admins-password"
# What a password hash of "mallory" looks like in a dumpdata of auth.user: a hostile file carries the hash.
MALLORYS_HASH = "pbkdf2_sha256$1000000$salt$Oo1KGeOc6rwmQc8pF6ll1bEFUsJVKb9dLFrzE0tqgjs="


def database_fingerprint():
    """{table: (rows, digest)} of every installed model: a change anywhere shows."""
    found = {}
    for model in apps.get_models():
        rows = list(model._default_manager.order_by("pk").values_list())
        found[model._meta.db_table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return found


def outside_the_programme(fingerprint):
    programme = {apps.get_model(label)._meta.db_table for label in PROGRAMME_MODELS}
    # Move on with every load, as they must: the cache version, and what the load set (for hand edits).
    kept = {"workshop_programmeversion", "workshop_importedrow"}
    return {
        table: value for table, value in fingerprint.items()
        if table not in programme and not table.startswith(("schedule_historical", "posters_historical"))
        and table not in kept
    }  # fmt: skip


@pytest.fixture
def site(seed, django_user_model):
    """The seed, a superuser, and the Organizers group with its permissions (made by a migration)."""
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", ADMIN_PASSWORD)
    organizers = Group.objects.get(name="Organizers")
    return {"admin": admin, "organizers": organizers, "permissions": set(organizers.permissions.all())}


def assert_nothing_changed(site, before):
    assert database_fingerprint() == before
    admin = type(site["admin"]).objects.get(username="admin")
    assert admin.check_password(ADMIN_PASSWORD)
    assert not type(site["admin"]).objects.filter(username="mallory").exists()
    assert set(Group.objects.get(name="Organizers").permissions.all()) == site["permissions"]


def hostile_items(session_slug="smuggled-in"):
    """What a fixture from someone else could hold besides the programme: a new superuser, the first admin's
    password replaced (auth.user's natural key is the username), every permission for the organizers."""
    every_permission = [list(permission.natural_key()) for permission in Permission.objects.all()]
    return [
        {"model": "schedule.session", "fields": {
            "workshop": ["oppo2021"], "title": "Smuggled in", "slug": session_slug, "kind": "invited_talk",
            "starts_at": "2021-07-24T19:00:00Z", "ends_at": "2021-07-24T19:10:00Z", "room": None,
        }},
        {"model": "auth.user", "fields": {
            "username": "mallory", "password": MALLORYS_HASH, "is_superuser": True, "is_staff": True, "is_active": True,
        }},
        {"model": "auth.user", "fields": {"username": "admin", "password": MALLORYS_HASH}},
        {"model": "auth.group", "fields": {"name": "Organizers", "permissions": every_permission}},
    ]  # fmt: skip


def refused(path, **options):
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("load_workshop", str(path), stdout=StringIO(), stderr=err, **options)
    return err.getvalue(), str(raised.value)


# load_workshop --------------------------------------------------------------------------------------------------


def test_a_fixture_with_a_superuser_a_password_and_permissions_is_refused_whole_and_changes_nothing(
    site, tmp_path, django_assert_max_num_queries
):
    path = tmp_path / "programme.json"
    path.write_text(json.dumps(hostile_items()))
    before = database_fingerprint()

    with django_assert_max_num_queries(0):  # refused before anything is read into the database
        problems, summary = refused(path)

    assert problems.splitlines() == [
        f"auth.user item 2 model: {NOT_PROGRAMME}",
        f"auth.user item 3 model: {NOT_PROGRAMME}",
        f"auth.group item 4 (Organizers) model: {NOT_PROGRAMME}",
    ]
    assert "refused, 3 problem(s); nothing was loaded" in summary
    assert_nothing_changed(site, before)
    assert not Session.objects.filter(slug="smuggled-in").exists()


@pytest.mark.parametrize(
    "label, fields",
    [
        ("auth.User", {"username": "mallory", "is_superuser": True}),  # a model name in any case is the same model
        ("auth.permission", {"name": "Can do anything", "codename": "anything", "content_type": ["auth", "user"]}),
        ("contenttypes.contenttype", {"app_label": "auth", "model": "anything"}),
        ("admin.logentry", {"action_flag": 1, "change_message": "forged", "user": ["admin"]}),
        ("sessions.session", {"session_data": "forged", "expire_date": "2099-01-01T00:00:00Z"}),
        ("schedule.historicalsession", {"title": "A forged past", "history_type": "+"}),
        ("posters.historicalposter", {"title": "A forged past", "history_type": "~"}),
        ("workshop.programmeversion", {"number": 1, "changed_at": "2021-07-24T00:00:00Z"}),
        ("axes.accessattempt", {"username": "admin", "failures_since_start": 0}),
    ],
)
def test_every_model_outside_the_programme_is_refused_by_name(site, tmp_path, label, fields):
    items = [{"model": "schedule.speaker", "fields": {"name": "Someone New", "slug": "someone-new"}},
             {"model": label, "fields": fields}]  # fmt: skip
    path = tmp_path / "programme.json"
    path.write_text(json.dumps(items))
    before = database_fingerprint()

    problems, _ = refused(path)

    [line] = problems.splitlines()
    assert line.startswith(f"{label} item 2") and line.endswith(f" model: {NOT_PROGRAMME}")
    assert_nothing_changed(site, before)
    assert not Speaker.objects.filter(slug="someone-new").exists()


def test_a_dry_run_of_a_hostile_fixture_is_refused_too(site, tmp_path):
    path = tmp_path / "programme.json"
    path.write_text(json.dumps(hostile_items()))
    before = database_fingerprint()
    problems, _ = refused(path, dry_run=True)
    assert "auth.user item 2 model" in problems
    assert_nothing_changed(site, before)


def test_the_programme_models_are_those_of_the_two_apps_without_their_history():
    from simple_history.models import HistoricalChanges

    own = {
        model._meta.label_lower
        for app in ("schedule", "posters")
        for model in apps.get_app_config(app).get_models()
        if not issubclass(model, HistoricalChanges)
    }
    assert set(PROGRAMME_MODELS) == own


def test_each_programme_model_comes_after_the_models_it_refers_to():
    order = [apps.get_model(label) for label in PROGRAMME_MODELS]
    for position, model in enumerate(order):
        for model_field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            target = model_field.related_model
            if model_field.is_relation and target is not model:
                assert target in order[:position], f"{model._meta.label} refers to {target._meta.label} before it"


# frab and c3voc schedule files ----------------------------------------------------------------------------------


def c3voc_with_smuggled_keys():
    """A c3voc schedule whose objects also carry fixture-like keys and user fields: the importer reads the schedule's
    own keys and nothing else, so none of them can become a row."""
    return {
        "model": "auth.user", "fields": {"username": "mallory", "is_superuser": True}, "pk": 1,
        "schedule": {
            "version": "1",
            "model": "auth.group", "fields": {"name": "Organizers"},
            "conference": {
                "acronym": "smuggle2024", "title": "Smuggling", "start": "2024-05-13", "end": "2024-05-13",
                "time_zone_name": "Europe/Berlin", "model": "auth.user", "fields": {"username": "admin"},
                "days": [{"index": 1, "date": "2024-05-13", "rooms": {"Hall": [{
                    "guid": "6f2b1c8a-3a4e-4c2e-9d0b-1a2b3c4d5e6f", "title": "A talk", "type": "talk",
                    "date": "2024-05-13T10:00:00+02:00", "start": "10:00", "duration": "00:30", "room": "Hall",
                    "slug": "smuggle2024-a-talk", "model": "auth.user", "pk": 1,
                    "fields": {"username": "admin", "password": MALLORYS_HASH, "is_superuser": True},
                    "persons": [{"name": "Ada Lovelace", "is_superuser": True, "password": MALLORYS_HASH,
                                 "model": "auth.user", "username": "admin"}],
                }]}}],
            },
        },
    }  # fmt: skip


def test_a_schedule_file_loads_its_schedule_and_nothing_else(site, tmp_path):
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(c3voc_with_smuggled_keys()))
    before = outside_the_programme(database_fingerprint())

    call_command("load_workshop", str(path), stdout=StringIO(), stderr=StringIO())

    assert Session.objects.get(workshop__slug="smuggle2024").title == "A talk"
    assert outside_the_programme(database_fingerprint()) == before
    assert_nothing_changed_but_the_programme(site)


def assert_nothing_changed_but_the_programme(site):
    admin = type(site["admin"]).objects.get(username="admin")
    assert admin.check_password(ADMIN_PASSWORD)
    assert not type(site["admin"]).objects.filter(username="mallory").exists()
    assert set(Group.objects.get(name="Organizers").permissions.all()) == site["permissions"]


def test_what_a_schedule_file_becomes_is_loaded_through_the_same_whitelist(site):
    """Every importer reaches the database through load_items: an item of another model among a schedule's items
    (a bug in an importer, or a file it was fooled by) refuses them all."""
    items = fixture_items(json.dumps(c3voc_with_smuggled_keys()), kind="json")
    assert {item["model"] for item in items} <= set(PROGRAMME_MODELS)
    before = database_fingerprint()

    report = load_items([*items, *hostile_items()[1:]], source="schedule.json")

    assert not report.ok and {p.model for p in report.problems} == {"auth.user", "auth.group"}
    assert database_fingerprint() == before
    assert_nothing_changed(site, before)


# Spreadsheets in the admin --------------------------------------------------------------------------------------


@pytest.fixture
def organizer_client(django_user_model):
    user = django_user_model.objects.create_user("organizer", password="a-long-organizer-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Organizers"))
    client = Client()
    client.force_login(user)
    return client


def upload(client, model, csv_text):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_import")
    sheet = SimpleUploadedFile("programme.csv", csv_text.encode("utf-8"), content_type="text/csv")
    return client.post(url, {"import_file": sheet, "format": "0", "resource": "0"})


@pytest.mark.parametrize(
    "model, csv_text, unknown",
    [
        (
            Session,
            "workshop,slug,title,kind,starts_at,ends_at,username,password,is_superuser\n"
            f"oppo2021,smuggled-in,Smuggled in,invited_talk,2021-07-24T19:00:00+00:00,2021-07-24T19:10:00+00:00,"
            f"admin,{MALLORYS_HASH},1\n",
            "username, password, is_superuser",
        ),
        (Speaker, "id,slug,name,is_staff,groups\n1,mallory,Mallory,1,Organizers\n", "id, is_staff, groups"),
    ],
)
def test_a_spreadsheet_with_columns_of_its_own_is_refused_whole_naming_them(
    site, organizer_client, model, csv_text, unknown
):
    before = database_fingerprint()

    preview = upload(organizer_client, model, csv_text)

    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is None  # nothing to confirm: refused
    assert f"Refused: unknown column(s) {unknown}." in preview.content.decode()
    assert_nothing_changed(site, before)


def test_a_spreadsheet_can_make_only_programme_rows(site, organizer_client):
    """A sheet of its own columns whose cells try what they can (people made from names, a link in a cell)
    changes the programme and nothing outside it."""
    from posters.models import Poster

    before = outside_the_programme(database_fingerprint())
    csv_text = (
        "workshop,slug,title,room,spots,authors,abstract,spotlight,starts_at,ends_at\n"
        "oppo2021,new-poster,New poster,gather-town-room-1,Z9,admin; Mallory; auth.user,=HYPERLINK(\"x\"),,,\n"
    )
    preview = upload(organizer_client, Poster, csv_text)
    confirm = preview.context["confirm_form"]
    done = organizer_client.post(
        reverse("admin:posters_poster_process_import"), {name: confirm[name].value() for name in confirm.fields}
    )
    assert done.status_code == 302
    assert [person.name for person in Poster.objects.get(slug="new-poster").author_list] == [
        "admin", "Mallory", "auth.user"
    ]  # people of the programme, by those names
    after = outside_the_programme(database_fingerprint())
    assert after.pop("django_admin_log")[0] == before.pop("django_admin_log")[0] + 1  # the import, by the organizer
    assert after == before
    assert_nothing_changed_but_the_programme(site)
