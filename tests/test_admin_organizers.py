"""The organizers' admin: rules and warnings, no lost edits, history and restore, spreadsheets, roles."""

import html
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from posters.models import Poster, PosterAuthor, PosterSpot
from schedule.models import Room, Session, SessionSpeaker, Speaker, Workshop

from .admin_forms import instant, management, poster_form, session_form


def url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.fixture
def with_history(seed):
    """The seed as load_workshop leaves it: every row with a first history record (loaddata makes none)."""
    call_command("populate_history", auto=True, stdout=io.StringIO(), stderr=io.StringIO())
    return seed


@pytest.fixture
def organizer(django_user_model):
    user = django_user_model.objects.create_user("organizer", password="a-long-organizer-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Organizers"))
    return user


@pytest.fixture
def organizer_client(organizer):
    client = Client()
    client.force_login(organizer)
    return client


@pytest.fixture
def second_organizer_client(django_user_model):
    user = django_user_model.objects.create_user("second", password="another-long-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Organizers"))
    client = Client()
    client.force_login(user)
    return client


# Editing -------------------------------------------------------------------------------------------------


def test_an_organizer_creates_a_workshop_with_a_room_and_a_session_from_the_admin(organizer_client, seed):
    response = organizer_client.post(
        url(Workshop, "add"),
        {
            "title": "New workshop",
            "slug": "new-workshop",
            "conference": "NeurIPS 2030",
            "start_date": "2030-12-10",
            "end_date": "2030-12-10",
            "timezone": "America/Vancouver",
            "description": "",
            "website": "",
            **management("workshop_organizers"),
            **management("rooms", total=1),
            "rooms-0-position": 0,
            "rooms-0-name": "Hall A",
            "rooms-0-slug": "hall-a",
            "rooms-0-kind": "physical",
            "rooms-0-url": "",
        },
    )
    assert response.status_code == 302, response.content
    workshop = Workshop.objects.get(slug="new-workshop")
    room = workshop.rooms.get()
    session = Session(workshop=workshop, room=room)
    start = datetime(2030, 12, 10, 17, 0, tzinfo=UTC)  # 09:00 in Vancouver
    data = session_form(session, title="Keynote", slug="keynote", kind="invited_talk", **instant("starts_at", start, workshop), **instant("ends_at", start + timedelta(hours=1), workshop))
    data |= management("session_speakers", total=1) | {"session_speakers-0-position": 0, "session_speakers-0-speaker": Speaker.objects.get(slug="peter-bartlett").pk}
    response = organizer_client.post(url(Session, "add"), data)
    assert response.status_code == 302, response.content
    keynote = Session.objects.get(workshop=workshop, slug="keynote")
    assert [e.speaker.name for e in keynote.session_speakers.all()] == ["Peter Bartlett"]
    assert organizer_client.get("/new-workshop/sessions/keynote/").status_code == 200


@pytest.mark.parametrize("model", [Workshop, Room, Speaker, Session, Poster], ids=lambda m: m.__name__)
def test_an_organizer_can_delete_each_kind_of_row(organizer_client, seed, make_workshop, make_speaker, model):
    obj = {
        Workshop: lambda: make_workshop(),
        Room: lambda: Room.objects.create(workshop=seed, name="Spare", slug="spare"),
        Speaker: lambda: make_speaker(),
        Session: lambda: Session.objects.get(slug="closing-remarks"),
        Poster: lambda: Poster.objects.get(slug="a-universal-law-of-robustness-via-isoperimetry"),
    }[model]()
    response = organizer_client.post(url(model, "delete", obj.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not model.objects.filter(pk=obj.pk).exists()


def test_a_person_still_on_the_programme_cannot_be_deleted(organizer_client, seed):
    bartlett = Speaker.objects.get(slug="peter-bartlett")
    response = organizer_client.post(url(Speaker, "delete", bartlett.pk), {"post": "yes"})
    assert Speaker.objects.filter(pk=bartlett.pk).exists()
    assert "Cannot delete" in response.text


@pytest.mark.parametrize(
    "change, field_message",
    [
        (lambda s: instant("ends_at", s.starts_at - timedelta(minutes=5), s.workshop), "A session must end after it starts."),
        (lambda s: instant("starts_at", s.starts_at + timedelta(days=3), s.workshop) | instant("ends_at", s.ends_at + timedelta(days=3), s.workshop), "within the workshop&#x27;s dates"),
        (lambda s: {"video_url": "not a link"}, "Enter a valid URL."),
    ],
    ids=["end before start", "outside the workshop's dates", "invalid URL"],
)
def test_hard_rules_are_refused_with_a_message(organizer_client, seed, change, field_message):
    session = Session.objects.get(slug="opening-remarks")
    before = (session.title, session.starts_at, session.ends_at, session.video_url)
    response = organizer_client.post(url(Session, "change", session.pk), session_form(session, **change(session)))
    assert response.status_code == 200
    assert field_message in response.text
    session.refresh_from_db()
    assert (session.title, session.starts_at, session.ends_at, session.video_url) == before


def test_an_invalid_timezone_is_refused_on_the_workshop_form(organizer_client, seed):
    data = {
        "title": seed.title, "slug": seed.slug, "conference": seed.conference, "start_date": "2021-07-24",
        "end_date": "2021-07-24", "timezone": "Pacific/Atlantis", "description": "", "website": "",
        "seen_revision": str(seed.revision), **management("workshop_organizers"), **management("rooms"),
    }
    response = organizer_client.post(url(Workshop, "change", seed.pk), data)
    assert response.status_code == 200
    assert "“Pacific/Atlantis” is not an IANA timezone name" in response.text
    seed.refresh_from_db()
    assert seed.timezone == "America/Los_Angeles"


# Conflicts -----------------------------------------------------------------------------------------------


def test_sessions_overlapping_in_a_room_are_warned_on_the_list_and_the_form(organizer_client, seed):
    room = Room.objects.get(slug="gather-town-room-1")
    first, second = Session.objects.filter(workshop=seed).order_by("starts_at")[1:3]
    # Rows loaded raw (loaddata) skip the rules; the admin must still show the clash.
    Session.objects.filter(pk__in=[first.pk, second.pk]).update(room=room)
    Session.objects.filter(pk=second.pk).update(starts_at=first.starts_at + timedelta(minutes=10))
    warning = html.escape(f"Overlaps “{second.title}” in room “Gather.town room 1”.", quote=False)
    assert warning in organizer_client.get(url(Session, "changelist")).text
    assert warning in organizer_client.get(url(Session, "change", first.pk)).text


def test_a_speaker_in_two_places_at_once_is_warned(organizer_client, seed):
    hall = Room.objects.create(workshop=seed, name="Hall", slug="hall")
    talk = Session.objects.get(slug="adversarial-examples-in-random-deep-networks")
    parallel = Session.objects.create(
        workshop=seed, title="Parallel panel", slug="parallel-panel", kind="other", room=hall,
        starts_at=talk.starts_at, ends_at=talk.ends_at,
    )
    SessionSpeaker.objects.create(session=parallel, speaker=Speaker.objects.get(slug="peter-bartlett"))
    listing = organizer_client.get(url(Session, "changelist"))
    assert "Peter Bartlett is also in “Parallel panel” at the same time." in listing.text
    assert "Peter Bartlett is also in “Adversarial Examples in Random Deep Networks” at the same time." in listing.text


def test_a_poster_spot_taken_twice_is_warned(organizer_client, seed):
    late = Poster.objects.create(workshop=seed, title="Late poster", slug="late-poster", room=Room.objects.get(slug="gather-town-room-1"))
    PosterSpot.objects.create(poster=late, label="A2")  # raw create: the rule lives in full_clean
    listing = organizer_client.get(url(Poster, "changelist"))
    assert "Spot A2 is also taken by “Generalization Error and Overparameterization While Learning over Networks”." in listing.text


def test_a_clean_programme_has_no_warnings(organizer_client, seed):
    assert "⚠" not in organizer_client.get(url(Session, "changelist")).text
    assert "⚠" not in organizer_client.get(url(Poster, "changelist")).text


# No lost edits -------------------------------------------------------------------------------------------


def test_the_second_of_two_organizers_is_refused_and_keeps_their_input(organizer_client, second_organizer_client, with_history):
    session = Session.objects.get(slug="opening-remarks")
    opened_by_both = session_form(session)
    first = organizer_client.post(url(Session, "change", session.pk), opened_by_both | {"title": "Welcome"})
    assert first.status_code == 302
    second = second_organizer_client.post(
        url(Session, "change", session.pk), opened_by_both | {"title": "Opening words", "abstract": "A short welcome."}
    )
    assert second.status_code == 200
    text = second.text
    assert "Not saved: this session was changed by organizer at" in text
    assert "They changed Title: “Opening Remarks” → “Welcome”." in text
    assert 'value="Opening words"' in text and "A short welcome." in text  # their input is still there
    session.refresh_from_db()
    assert session.title == "Welcome"  # the first save is kept


def test_after_reading_the_conflict_the_second_organizer_can_save_deliberately(organizer_client, second_organizer_client, seed):
    session = Session.objects.get(slug="opening-remarks")
    opened_by_both = session_form(session)
    organizer_client.post(url(Session, "change", session.pk), opened_by_both | {"title": "Welcome"})
    refused = second_organizer_client.post(url(Session, "change", session.pk), opened_by_both | {"title": "Opening words"})
    new_revision = refused.context["adminform"].form["seen_revision"].value()
    again = second_organizer_client.post(
        url(Session, "change", session.pk), opened_by_both | {"title": "Opening words", "seen_revision": new_revision}
    )
    assert again.status_code == 302
    session.refresh_from_db()
    assert session.title == "Opening words"


def test_a_change_by_the_loader_also_refuses_a_stale_admin_form(organizer_client, seed):
    session = Session.objects.get(slug="opening-remarks")
    opened = session_form(session)
    session.abstract = "Changed by a reload"
    session.save()
    response = organizer_client.post(url(Session, "change", session.pk), opened | {"title": "Welcome"})
    assert response.status_code == 200 and "Not saved" in response.text


# History and restore -------------------------------------------------------------------------------------


def test_every_change_is_recorded_with_who_when_and_what(organizer_client, with_history):
    session = Session.objects.get(slug="opening-remarks")
    organizer_client.post(url(Session, "change", session.pk), session_form(session, title="Welcome"))
    latest = session.history.first()
    assert latest.history_user.username == "organizer"
    delta = latest.diff_against(latest.prev_record, excluded_fields=["revision"])
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("title", "Opening Remarks", "Welcome")]
    page = organizer_client.get(reverse("admin:schedule_session_history", args=[session.pk]))
    assert page.status_code == 200 and "organizer" in page.text


def test_an_earlier_version_can_be_restored(organizer_client, with_history):
    session = Session.objects.get(slug="opening-remarks")
    organizer_client.post(url(Session, "change", session.pk), session_form(session, title="Welcome"))
    original = session.history.order_by("history_date").first()
    restore_url = reverse("admin:schedule_session_simple_history", args=[session.pk, original.history_id])
    page = organizer_client.get(restore_url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = session_form(Session.objects.get(pk=session.pk)) | {"title": form["title"].value()}
    response = organizer_client.post(restore_url, data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Opening Remarks"


def test_restoring_an_earlier_version_takes_one_save_of_the_form_as_shown(organizer_client, with_history):
    session = Session.objects.get(slug="opening-remarks")
    organizer_client.post(url(Session, "change", session.pk), session_form(session, title="Welcome"))
    original = session.history.order_by("history_date").first()
    restore_url = reverse("admin:schedule_session_simple_history", args=[session.pk, original.history_id])
    form = organizer_client.get(restore_url).context["adminform"].form
    assert form["title"].value() == "Opening Remarks"
    shown = session_form(original.instance) | {"seen_revision": form["seen_revision"].value()}
    response = organizer_client.post(restore_url, shown)  # what the browser sends for the form as shown
    assert response.status_code == 302
    assert Session.objects.get(pk=session.pk).title == "Opening Remarks"


def test_a_restore_over_a_save_made_meanwhile_is_refused(organizer_client, second_organizer_client, with_history):
    session = Session.objects.get(slug="opening-remarks")
    organizer_client.post(url(Session, "change", session.pk), session_form(session, title="Welcome"))
    original = session.history.order_by("history_date").first()
    restore_url = reverse("admin:schedule_session_simple_history", args=[session.pk, original.history_id])
    form = organizer_client.get(restore_url).context["adminform"].form
    current = Session.objects.get(pk=session.pk)
    second_organizer_client.post(url(Session, "change", session.pk), session_form(current, title="Welcome all"))
    shown = session_form(original.instance) | {"seen_revision": form["seen_revision"].value()}
    response = organizer_client.post(restore_url, shown)
    assert response.status_code == 200 and "Not saved" in response.text
    assert Session.objects.get(pk=session.pk).title == "Welcome all"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restore_runs_in_a_transaction_of_its_own(admin_client, make_session):
    # Tests run inside a transaction; a real request does not, and the row lock needs one on PostgreSQL.
    session = make_session(title="First title")
    admin_client.post(url(Session, "change", session.pk), session_form(session, title="Second title"))
    original = session.history.order_by("history_date").first()
    restore_url = reverse("admin:schedule_session_simple_history", args=[session.pk, original.history_id])
    form = admin_client.get(restore_url).context["adminform"].form
    shown = session_form(original.instance) | {"seen_revision": form["seen_revision"].value()}
    assert admin_client.post(restore_url, shown).status_code == 302
    assert Session.objects.get(pk=session.pk).title == "First title"


def restore(client, session, record):
    restore_url = reverse("admin:schedule_session_simple_history", args=[session.pk, record.history_id])
    form = client.get(restore_url).context["adminform"].form
    shown = session_form(record.instance) | {"seen_revision": form["seen_revision"].value()}
    return client.post(restore_url, shown, follow=True)


def speaker_names(session):
    return [entry.speaker.name for entry in SessionSpeaker.objects.filter(session=session).order_by("position")]


def test_restoring_a_version_puts_back_its_speakers_in_their_order(admin_client, make_session, make_speaker):
    session = make_session(title="First title", speakers=2)
    first, second = speaker_names(session)
    session.title = "Second title"
    session.save()
    SessionSpeaker.objects.filter(session=session, position=0).delete()
    SessionSpeaker.objects.filter(session=session).update(position=0)  # no signal: history misses this one
    SessionSpeaker.objects.create(session=session, speaker=make_speaker(name="Newcomer"), position=1)
    assert speaker_names(session) == [second, "Newcomer"]

    page = restore(admin_client, session, session.history.order_by("history_date").first())
    assert Session.objects.get(pk=session.pk).title == "First title"
    assert speaker_names(session) == [first, second]
    assert f"Session speakers put back as they were: {first} · {second}." in page.text


def test_a_speaker_list_older_than_its_history_is_left_alone_and_said_so(admin_client, make_session):
    session = make_session(title="First title", speakers=2)
    names = speaker_names(session)
    session.title = "Second title"
    session.save()
    SessionSpeaker.history.filter(session_id=session.pk).delete()  # as for rows loaded before history was kept

    page = restore(admin_client, session, session.history.order_by("history_date").first())
    assert Session.objects.get(pk=session.pk).title == "First title"
    assert speaker_names(session) == names
    assert "Session speakers left as they are: their history does not reach back to that version." in page.text


def test_restoring_a_poster_version_puts_back_its_authors(make_poster, make_speaker):
    from schedule.restoring import restore_lists

    poster = make_poster(title="First title", authors=3)
    authors = [entry.speaker for entry in poster.poster_authors.order_by("position")]
    poster.title = "Second title"
    poster.save()
    PosterAuthor.objects.filter(poster=poster, speaker=authors[1]).delete()
    PosterAuthor.objects.create(poster=poster, speaker=make_speaker(name="Newcomer"), position=3)

    outcomes = restore_lists(poster.history.order_by("history_date").first())
    assert outcomes == [("poster authors", authors)]
    assert [entry.speaker for entry in poster.poster_authors.order_by("position")] == authors


def test_an_edit_of_a_poster_is_saved(organizer_client, make_poster):
    # The stale-edit check locks the row; a poster's default ordering joins its room, which PostgreSQL
    # refused to lock (a server error on every save of a poster there).
    poster = make_poster(title="First title", spots=["A1"])
    spot = poster.spots.get()
    data = poster_form(poster, title="Better title") | management("spots", total=1, initial=1) | {
        "spots-0-id": spot.pk, "spots-0-poster": poster.pk, "spots-0-label": "A2",
    } | management("poster_authors")

    response = organizer_client.post(url(Poster, "change", poster.pk), data)

    assert response.status_code == 302
    assert Poster.objects.get(pk=poster.pk).title == "Better title" and spot_labels(poster) == ["A2"]


def restore_poster(client, poster, record):
    restore_url = reverse("admin:posters_poster_simple_history", args=[poster.pk, record.history_id])
    form = client.get(restore_url).context["adminform"].form
    shown = poster_form(record.instance) | {"seen_revision": form["seen_revision"].value()}
    return client.post(restore_url, shown, follow=True)


def spot_labels(poster):
    return sorted(PosterSpot.objects.filter(poster=poster).values_list("label", flat=True))


def test_restoring_a_poster_version_puts_back_its_spots(admin_client, make_poster):
    poster = make_poster(title="First title", spots=["A1", "A2"])
    poster.title = "Second title"
    poster.save()
    PosterSpot.objects.get(poster=poster, label="A2").delete()
    PosterSpot.objects.create(poster=poster, label="B7")

    page = restore_poster(admin_client, poster, poster.history.order_by("history_date").first())

    assert Poster.objects.get(pk=poster.pk).title == "First title"
    assert spot_labels(poster) == ["A1", "A2"]
    assert "Spots put back as they were: A1, A2." in page.text


def test_a_spot_another_poster_stands_on_now_is_not_taken_back_and_said_so(admin_client, make_poster):
    poster = make_poster(title="First title", spots=["A1"])
    poster.title = "Second title"
    poster.save()
    spot = poster.spots.get()
    spot.label = "B1"
    spot.save()
    make_poster(workshop=poster.workshop, title="Newcomer", spots=["A1"])  # the same room

    page = restore_poster(admin_client, poster, poster.history.order_by("history_date").first())

    assert Poster.objects.get(pk=poster.pk).title == "First title"
    assert spot_labels(poster) == ["B1"]
    assert "Spots left as they are: Spot A1 in room “Poster hall” is already taken by “Newcomer”." in page.text


def test_spots_left_in_place_are_checked_in_the_room_the_restore_puts_back(admin_client, make_poster):
    workshop = make_poster().workshop
    one, two = (Room.objects.create(workshop=workshop, name=f"Hall {n}", slug=f"hall-{n}") for n in (1, 2))
    poster = make_poster(workshop=workshop, title="First title", room=one, spots=["A1"])
    poster.title, poster.room = "Moved", two
    poster.save()
    spot = poster.spots.get()
    spot.label = "B1"
    spot.save()
    make_poster(workshop=workshop, title="Newcomer", room=one, spots=["A1"])
    make_poster(workshop=workshop, title="Neighbour", room=one, spots=["B1"])

    page = restore_poster(admin_client, poster, poster.history.order_by("history_date").first())

    assert Poster.objects.get(pk=poster.pk).room == one and spot_labels(poster) == ["B1"]
    assert "Spots left as they are: Spot A1 in room “Hall 1” is already taken by “Newcomer”." in page.text
    assert "Check the spots: Spot B1 in room “Hall 1” is already taken by “Neighbour”." in page.text


def test_spots_older_than_their_history_are_left_alone_and_said_so(admin_client, make_poster):
    poster = make_poster(title="First title", spots=["A1"])
    poster.title = "Second title"
    poster.save()
    PosterSpot.history.filter(poster_id=poster.pk).delete()  # as for rows loaded before history was kept

    page = restore_poster(admin_client, poster, poster.history.order_by("history_date").first())

    assert spot_labels(poster) == ["A1"]
    assert "Spots left as they are: their history does not reach back to that version." in page.text


# Spreadsheets --------------------------------------------------------------------------------------------


def export_csv(client, model, resource_index=0):
    response = client.post(url(model, "export"), {"format": "0", "resource": resource_index, **export_fields(model)})
    assert response.status_code == 200, response.content[:500]
    return response.content.decode("utf-8-sig")


def export_fields(model):
    from posters.resources import PosterResource
    from schedule.resources import SessionResource, SpeakerResource

    resource = {Session: SessionResource, Poster: PosterResource, Speaker: SpeakerResource}[model]
    return {f"{resource.__name__.lower()}_{name}": "on" for name in resource._meta.fields}


def import_file(client, model, content, name="programme.csv", confirm=True):
    upload = SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")
    response = client.post(url(model, "import"), {"import_file": upload, "format": "0", "resource": "0"})
    if not confirm or response.status_code != 200 or "confirm_form" not in (response.context or {}):
        return response, None
    confirm_form = response.context["confirm_form"]
    if confirm_form is None:
        return response, None
    data = {name: field.value() for name, field in ((n, confirm_form[n]) for n in confirm_form.fields)}
    return response, client.post(url(model, "process_import"), data)


def test_posters_round_trip_through_a_spreadsheet_with_authors_in_order(organizer_client, seed):
    csv_text = export_csv(organizer_client, Poster)
    assert "Mohammad Pezeshki; Sékou-Oumar Kaba; Yoshua Bengio; Aaron Courville; Doina Precup; Guillaume Lajoie" in csv_text
    assert "A0; A1" in csv_text
    PosterAuthor.objects.filter(poster__slug="gradient-starvation-a-learning-proclivity-in-neural-networks").delete()
    preview, done = import_file(organizer_client, Poster, csv_text)
    assert preview.status_code == 200 and done is not None and done.status_code == 302
    poster = Poster.objects.get(slug="gradient-starvation-a-learning-proclivity-in-neural-networks")
    assert [e.speaker.name for e in poster.poster_authors.all()] == [
        "Mohammad Pezeshki", "Sékou-Oumar Kaba", "Yoshua Bengio", "Aaron Courville", "Doina Precup", "Guillaume Lajoie",
    ]
    assert Poster.objects.filter(workshop=seed).count() == 45


def test_sessions_round_trip_through_an_xlsx_workbook(organizer_client, seed):
    from io import BytesIO

    from openpyxl import load_workbook

    response = organizer_client.post(url(Session, "export"), {"format": "1", "resource": 0, **export_fields(Session)})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(BytesIO(response.content))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    rows = {row[header.index("slug")].value: row for row in sheet.iter_rows(min_row=2)}
    assert len(rows) == 17
    bartlett = rows["adversarial-examples-in-random-deep-networks"]
    assert bartlett[header.index("speakers")].value == "Peter Bartlett"
    rows["opening-remarks"][header.index("title")].value = "Opening Words"
    edited = BytesIO()
    book.save(edited)
    upload = SimpleUploadedFile("programme.xlsx", edited.getvalue(), content_type=response["Content-Type"])
    preview = organizer_client.post(url(Session, "import"), {"import_file": upload, "format": "1", "resource": "0"})
    assert preview.status_code == 200 and preview.context.get("confirm_form") is not None  # no row refused
    assert Session.objects.get(slug="opening-remarks").title == "Opening Remarks"  # previewed, not written
    confirm_form = preview.context["confirm_form"]
    done = organizer_client.post(url(Session, "process_import"),
                                 {name: confirm_form[name].value() for name in confirm_form.fields})
    assert done.status_code == 302
    assert Session.objects.get(slug="opening-remarks").title == "Opening Words"
    assert [e.speaker.name for e in Session.objects.get(slug="adversarial-examples-in-random-deep-networks")
            .session_speakers.all()] == ["Peter Bartlett"]
    assert Session.objects.filter(workshop=seed).count() == 17


def test_a_spreadsheet_import_is_previewed_before_anything_is_written(organizer_client, seed):
    csv_text = export_csv(organizer_client, Session).replace("Opening Remarks", "Opening Words", 1)
    preview, _ = import_file(organizer_client, Session, csv_text, confirm=False)
    assert preview.status_code == 200
    assert ">Remark</del><ins>Word</ins>" in preview.text  # the change, shown
    assert Session.objects.get(slug="opening-remarks").title == "Opening Remarks"  # not written


def test_a_spreadsheet_with_one_bad_row_is_rejected_whole(organizer_client, seed):
    csv_text = export_csv(organizer_client, Session)
    lines = csv_text.splitlines()
    lines[1] = lines[1].replace("Opening Remarks", "Renamed opening")
    lines[2] = lines[2].replace("invited_talk", "banquet", 1)
    before = list(Session.objects.order_by("pk").values_list("title", "kind"))
    preview, done = import_file(organizer_client, Session, "\n".join(lines) + "\n")
    assert done is None
    assert "banquet" in preview.text and ("Errors" in preview.text or "error" in preview.text.lower())
    assert list(Session.objects.order_by("pk").values_list("title", "kind")) == before


def test_a_spreadsheet_cannot_put_two_posters_on_one_spot(organizer_client, seed):
    csv_text = export_csv(organizer_client, Poster)
    header, *rows = csv_text.splitlines()
    row = next(r for r in rows if r.startswith("oppo2021,gradient-starvation"))
    clash = row.replace("gradient-starvation-a-learning-proclivity-in-neural-networks", "copycat", 1)
    before = Poster.objects.count()
    preview, done = import_file(organizer_client, Poster, "\n".join([header, clash]) + "\n")
    assert done is None
    assert "already taken" in preview.text
    assert Poster.objects.count() == before


# Roles and access ----------------------------------------------------------------------------------------


def test_anonymous_visitors_go_to_the_login_page(client, seed):
    for model in [Session, Poster, Speaker, Workshop]:
        response = client.get(url(model, "changelist"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_staff_without_the_organizers_group_can_edit_nothing(client, seed, django_user_model):
    user = django_user_model.objects.create_user("staff", password="a-long-staff-password", is_staff=True)
    client.force_login(user)
    assert client.get(url(Session, "changelist")).status_code == 403
    session = Session.objects.get(slug="opening-remarks")
    assert client.post(url(Session, "change", session.pk), session_form(session, title="Hacked")).status_code == 403
    assert Session.objects.get(pk=session.pk).title == "Opening Remarks"


def test_organizers_edit_the_programme_but_not_users_or_groups(organizer_client, seed):
    assert organizer_client.get(url(Session, "changelist")).status_code == 200
    assert organizer_client.get(url(Poster, "add")).status_code == 200
    assert organizer_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert organizer_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert organizer_client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_superusers_see_everything_including_lockouts(admin_client, seed):
    assert admin_client.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200


def test_repeated_failed_logins_lock_the_account_out(client, organizer, settings):
    login = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": "organizer", "password": "wrong", "next": "/admin/"})
    locked = client.post(login, {"username": "organizer", "password": "a-long-organizer-password", "next": "/admin/"})
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.text
    assert "_auth_user_id" not in client.session


def test_the_right_password_logs_in_before_the_limit(client, organizer):
    response = client.post(reverse("admin:login"), {"username": "organizer", "password": "a-long-organizer-password", "next": "/admin/"})
    assert response.status_code == 302


def test_an_edit_in_the_admin_shows_on_the_public_pages_at_once(organizer_client, client, seed):
    session = Session.objects.get(slug="opening-remarks")
    organizer_client.post(url(Session, "change", session.pk), session_form(session, title="Welcome to OPPO"))
    assert "Welcome to OPPO" in client.get("/oppo2021/").text


# Merging people ------------------------------------------------------------------------------------------


def test_merging_two_records_of_one_person_keeps_every_appearance_in_place(organizer_client, seed):
    duplicate = Speaker.objects.create(name="P. Bartlett", slug="p-bartlett")
    poster = Poster.objects.get(slug="a-universal-law-of-robustness-via-isoperimetry")
    PosterAuthor.objects.create(poster=poster, speaker=duplicate, position=1)
    PosterAuthor.objects.filter(poster=poster, speaker__slug="mark-sellke").update(position=2)
    keep = Speaker.objects.get(slug="peter-bartlett")
    response = organizer_client.post(
        url(Speaker, "changelist"),
        {"action": "merge", "_selected_action": [keep.pk, duplicate.pk], "keep": keep.pk},
    )
    assert response.status_code == 302
    assert not Speaker.objects.filter(pk=duplicate.pk).exists()
    assert [(e.speaker.name, e.position) for e in poster.poster_authors.all()] == [
        ("Sebastien Bubeck", 0), ("Peter Bartlett", 1), ("Mark Sellke", 2),
    ]
    assert keep.sessions.count() == 1 and keep.posters.count() == 2


def test_merge_asks_which_record_to_keep_first(organizer_client, seed):
    a, b = Speaker.objects.filter(slug__in=["yuan-cao", "quanquan-gu"])
    response = organizer_client.post(url(Speaker, "changelist"), {"action": "merge", "_selected_action": [a.pk, b.pk]})
    assert response.status_code == 200
    assert "Merge into the chosen record" in response.text
    assert Speaker.objects.filter(pk__in=[a.pk, b.pk]).count() == 2
