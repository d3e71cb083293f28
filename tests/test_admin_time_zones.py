"""Organizers read and type times in the workshop's own zone, everywhere in the admin, and are told which zone."""

import io
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from posters.models import Poster
from schedule.models import Session

from .admin_forms import poster_form, session_form

VIENNA = ZoneInfo("Europe/Vienna")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def shown_time(page, field):
    """The date and the time a change form's split widgets show for field."""
    return tuple(re.search(rf'name="{field}_{n}" value="([^"]*)"', page.text).group(1) for n in (0, 1))


def typed(field, day, clock):
    return {f"{field}_0": day, f"{field}_1": clock}


@pytest.fixture
def vienna(make_workshop):
    return make_workshop(title="Vienna workshop", slug="vienna", timezone="Europe/Vienna")


# Forms ---------------------------------------------------------------------------------------------------


def test_the_change_form_shows_a_sessions_times_in_the_workshops_zone_and_names_it(admin_client, seed):
    closing = Session.objects.get(workshop=seed, slug="closing-remarks")  # stored as 2021-07-25 01:15 UTC
    page = admin_client.get(url(Session, "change", closing.pk))
    assert shown_time(page, "starts_at") == ("2021-07-24", "18:15:00")
    assert shown_time(page, "ends_at") == ("2021-07-24", "18:20:00")
    assert "In America/Los_Angeles (PDT), the workshop’s zone." in page.text


def test_a_time_typed_in_the_change_form_is_read_in_the_workshops_zone(admin_client, client, seed):
    closing = Session.objects.get(workshop=seed, slug="closing-remarks")
    data = session_form(closing, title="Closing words") | typed("starts_at", "2021-07-24", "18:15") | typed(
        "ends_at", "2021-07-24", "18:20"
    )
    response = admin_client.post(url(Session, "change", closing.pk), data)
    assert response.status_code == 302, response.text
    closing.refresh_from_db()
    assert closing.starts_at == datetime(2021, 7, 25, 1, 15, tzinfo=UTC)
    timetable = client.get("/oppo2021/").text
    assert re.search(r">18:15</time>.*?Closing words", timetable, re.S)


def test_a_workshop_in_vienna_has_its_session_form_in_vienna_time(admin_client, make_session, vienna):
    session = make_session(workshop=vienna)  # 09:00 in Vienna, 07:00 UTC
    page = admin_client.get(url(Session, "change", session.pk))
    assert shown_time(page, "starts_at") == ("2030-05-06", "09:00:00")
    assert "In Europe/Vienna (CEST), the workshop’s zone." in page.text
    data = session_form(session) | typed("starts_at", "2030-05-06", "10:00") | typed("ends_at", "2030-05-06", "10:30")
    assert admin_client.post(url(Session, "change", session.pk), data).status_code == 302
    session.refresh_from_db()
    assert session.starts_at == datetime(2030, 5, 6, 10, tzinfo=VIENNA)


def test_a_new_session_is_read_in_the_zone_of_the_workshop_chosen_in_the_form(admin_client, seed, vienna):
    assert "Read in the zone of the workshop chosen above." in admin_client.get(url(Session, "add")).text
    new = Session(workshop=vienna)
    data = session_form(new, title="Keynote", slug="keynote", kind="invited_talk")
    data |= typed("starts_at", "2030-05-06", "09:00") | typed("ends_at", "2030-05-06", "10:00")
    response = admin_client.post(url(Session, "add"), data)
    assert response.status_code == 302, response.text
    assert Session.objects.get(workshop=vienna, slug="keynote").starts_at == datetime(2030, 5, 6, 7, tzinfo=UTC)


def test_a_refused_new_session_is_shown_again_in_the_chosen_workshops_zone(admin_client, seed, vienna):
    new = Session(workshop=vienna)
    data = session_form(new, title="Keynote", slug="keynote", kind="invited_talk", video_url="not a link")
    data |= typed("starts_at", "2030-05-06", "09:00") | typed("ends_at", "2030-05-06", "10:00")
    page = admin_client.post(url(Session, "add"), data)
    assert page.status_code == 200
    assert shown_time(page, "starts_at") == ("2030-05-06", "09:00")
    assert "In Europe/Vienna (CEST), the workshop’s zone." in page.text


def test_a_posters_times_are_shown_and_typed_in_its_workshops_zone(admin_client, make_poster, vienna):
    poster = make_poster(workshop=vienna, starts_at=datetime(2030, 5, 6, 14, tzinfo=VIENNA),
                         ends_at=datetime(2030, 5, 6, 16, tzinfo=VIENNA))
    page = admin_client.get(url(Poster, "change", poster.pk))
    assert shown_time(page, "starts_at") == ("2030-05-06", "14:00:00")
    assert "In Europe/Vienna (CEST), the workshop’s zone." in page.text
    data = poster_form(poster) | typed("starts_at", "2030-05-06", "15:00") | typed("ends_at", "2030-05-06", "17:00")
    data |= {f"{prefix}-{key}": value for prefix in ("spots", "poster_authors")
             for key, value in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000}.items()}
    response = admin_client.post(url(Poster, "change", poster.pk), data)
    assert response.status_code == 302, response.text
    poster.refresh_from_db()
    assert poster.starts_at == datetime(2030, 5, 6, 13, tzinfo=UTC)


# Lists and history ---------------------------------------------------------------------------------------


def test_the_change_list_shows_each_rows_times_in_its_workshops_zone(admin_client, seed, make_session, vienna):
    make_session(workshop=vienna)
    page = admin_client.get(url(Session, "changelist")).text
    assert "2021-07-24 18:15 PDT" in page  # the seed's closing remarks
    assert "2030-05-06 09:00 CEST" in page
    assert "Starts (workshop’s zone)" in page
    assert "By day, in each workshop’s zone" in page


def test_the_poster_list_shows_poster_times_in_the_workshops_zone(admin_client, make_poster, vienna):
    make_poster(workshop=vienna, starts_at=datetime(2030, 5, 6, 14, tzinfo=VIENNA),
                ends_at=datetime(2030, 5, 6, 16, tzinfo=VIENNA))
    page = admin_client.get(url(Poster, "changelist"), {"workshop__id__exact": vienna.pk}).text
    assert "2030-05-06 14:00 CEST" in page and "2030-05-06 16:00 CEST" in page


@pytest.fixture
def closing_moved_a_minute(admin_client, seed):
    """The seed's closing remarks, with the history load_workshop gives, moved from 18:15 to 18:16 in the admin."""
    call_command("populate_history", auto=True, stdout=io.StringIO(), stderr=io.StringIO())
    closing = Session.objects.get(workshop=seed, slug="closing-remarks")
    data = session_form(closing) | typed("starts_at", "2021-07-24", "18:16")
    assert admin_client.post(url(Session, "change", closing.pk), data).status_code == 302
    return closing


def test_the_history_page_names_the_zone_its_times_are_in(admin_client, closing_moved_a_minute):
    page = admin_client.get(url(Session, "history", closing_moved_a_minute.pk)).text
    assert "Dates and times on this page are in America/Los_Angeles (PDT), the workshop’s zone." in page
    assert re.search(r"2021-07-24 18:15 PDT\s*&nbsp;&rarr;&nbsp;&nbsp;2021-07-24 18:16 PDT", page)  # the change


def test_restoring_a_version_shows_its_times_in_the_workshops_zone(admin_client, closing_moved_a_minute):
    closing = closing_moved_a_minute
    version = closing.history.order_by("history_date").first()
    page = admin_client.get(reverse("admin:schedule_session_simple_history", args=[closing.pk, version.history_id]))
    assert shown_time(page, "starts_at") == ("2021-07-24", "18:15:00")


# Spreadsheets --------------------------------------------------------------------------------------------


def export_csv(client, model):
    from posters.resources import PosterResource
    from schedule.resources import SessionResource

    resource = {Session: SessionResource, Poster: PosterResource}[model]
    fields = {f"{resource.__name__.lower()}_{name}": "on" for name in resource._meta.fields}
    response = client.post(url(model, "export"), {"format": "0", "resource": 0, **fields})
    return response.content.decode("utf-8-sig")


def import_csv(client, model, text):
    upload = SimpleUploadedFile("programme.csv", text.encode("utf-8"), content_type="text/csv")
    preview = client.post(url(model, "import"), {"import_file": upload, "format": "0", "resource": "0"})
    confirm_form = preview.context["confirm_form"] if preview.context else None
    assert confirm_form is not None, preview.text
    return client.post(url(model, "process_import"), {name: confirm_form[name].value() for name in confirm_form.fields})


def test_the_session_export_writes_times_in_the_workshops_zone_with_its_offset(admin_client, seed):
    rows = export_csv(admin_client, Session)
    assert "2021-07-24T18:15:00-07:00" in rows  # closing remarks
    assert "+00:00" not in rows


def test_a_spreadsheet_time_without_a_zone_is_read_in_the_workshops_zone(admin_client, seed):
    header, *rows = export_csv(admin_client, Session).splitlines()
    opening = next(row for row in rows if ",opening-remarks," in row)
    moved = opening.replace("2021-07-24T09:00:00-07:00", "2021-07-24 09:01").replace("2021-07-24T09:10:00-07:00", "2021-07-24 09:11")
    assert import_csv(admin_client, Session, f"{header}\n{moved}\n").status_code == 302
    session = Session.objects.get(workshop=seed, slug="opening-remarks")
    assert session.starts_at == datetime(2021, 7, 24, 9, 1, tzinfo=LOS_ANGELES)


def test_a_spreadsheet_time_with_an_offset_keeps_it(admin_client, seed):
    header, *rows = export_csv(admin_client, Session).splitlines()
    opening = next(row for row in rows if ",opening-remarks," in row)
    moved = opening.replace("2021-07-24T09:00:00-07:00", "2021-07-24T16:01:00+00:00")
    assert import_csv(admin_client, Session, f"{header}\n{moved}\n").status_code == 302
    assert Session.objects.get(workshop=seed, slug="opening-remarks").starts_at == datetime(2021, 7, 24, 16, 1, tzinfo=UTC)


def test_poster_times_travel_through_a_spreadsheet_in_the_workshops_zone(admin_client, make_poster, vienna):
    poster = make_poster(workshop=vienna, starts_at=datetime(2030, 5, 6, 14, tzinfo=VIENNA),
                         ends_at=datetime(2030, 5, 6, 16, tzinfo=VIENNA))
    header, *rows = export_csv(admin_client, Poster).splitlines()
    row = next(row for row in rows if row.startswith(f"vienna,{poster.slug},"))
    assert "2030-05-06T14:00:00+02:00" in row
    moved = row.replace("2030-05-06T14:00:00+02:00", "2030-05-06 15:00")
    assert import_csv(admin_client, Poster, f"{header}\n{moved}\n").status_code == 302
    poster.refresh_from_db()
    assert poster.starts_at == datetime(2030, 5, 6, 15, tzinfo=VIENNA)
