"""Organizers can change every field of the programme in the admin; nobody else can."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from posters.models import Poster
from schedule.models import Room, Session, Speaker, Workshop

from .admin_forms import instant, session_form
from .test_admin_organizers import export_csv, import_file

MODELS = [Workshop, Room, Speaker, Session, Poster]


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_has_a_changelist_an_add_form_and_a_change_form(admin_client, seed, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 200
    obj = model.objects.first()
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_sessions_list_shows_kind_time_room_and_speakers(admin_client, seed):
    text = admin_client.get(admin_url(Session, "changelist")).text
    assert "Preetum Nakkiran, Yamini Bansal" in text
    assert "Invited talk" in text


def test_session_search_finds_a_speaker_by_name(admin_client, seed):
    response = admin_client.get(admin_url(Session, "changelist"), {"q": "Zdeborova"})
    assert [s.title for s in response.context["cl"].result_list] == ["Overparametrization: Insights from solvable models"]


def test_poster_search_finds_a_spot_label_and_lists_spots_and_authors(admin_client, seed):
    response = admin_client.get(admin_url(Poster, "changelist"), {"q": "Koutini"})
    assert response.context["cl"].result_count == 1
    assert "Khaled Koutini, Hamid Eghbalzadeh" in response.text


def test_people_autocomplete_answers_for_the_speaker_inlines(admin_client, seed):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "Bartlett", "app_label": "schedule", "model_name": "sessionspeaker", "field_name": "speaker"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Peter Bartlett"]


def test_an_organizer_changes_a_sessions_title(admin_client, seed):
    session = Session.objects.get(slug="opening-remarks")
    response = admin_client.post(admin_url(Session, "change", session.pk), session_form(session, title="Welcome"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Welcome"


def test_the_admin_refuses_an_overlap_with_a_field_message(admin_client, seed):
    session = Session.objects.get(slug="opening-remarks")
    later = session.ends_at + timedelta(minutes=10)
    response = admin_client.post(
        admin_url(Session, "change", session.pk),
        session_form(session, **instant("ends_at", later, session.workshop)),
    )
    assert response.status_code == 200
    assert "Overlaps “Adversarial Examples in Random Deep Networks”" in response.text
    session.refresh_from_db()
    assert session.ends_at < later


def test_the_admin_refuses_a_session_ending_before_it_starts(admin_client, seed):
    session = Session.objects.get(slug="opening-remarks")
    earlier = session.starts_at - timedelta(minutes=10)
    response = admin_client.post(
        admin_url(Session, "change", session.pk), session_form(session, **instant("ends_at", earlier, session.workshop))
    )
    assert response.status_code == 200
    assert "A session must end after it starts." in response.text


def test_ordered_speakers_can_be_reordered_in_the_inline(admin_client, seed):
    session = Session.objects.get(slug="distributional-generalization-a-new-kind-of-generalization-extended-abstract")
    rows = list(session.session_speakers.all())
    data = session_form(session) | {
        "session_speakers-TOTAL_FORMS": 2,
        "session_speakers-INITIAL_FORMS": 2,
    }
    for n, (row, position) in enumerate(zip(rows, [1, 0])):
        data |= {
            f"session_speakers-{n}-id": row.pk,
            f"session_speakers-{n}-session": session.pk,
            f"session_speakers-{n}-speaker": row.speaker_id,
            f"session_speakers-{n}-position": position,
        }
    response = admin_client.post(admin_url(Session, "change", session.pk), data)
    assert response.status_code == 302
    assert [e.speaker.name for e in session.session_speakers.all()] == ["Yamini Bansal", "Preetum Nakkiran"]


def test_anonymous_visitors_are_sent_to_the_login_page(client, seed):
    response = client.get(admin_url(Session, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_logged_in_non_staff_user_cannot_edit(client, seed, django_user_model):
    user = django_user_model.objects.create_user("attendee", password="not-staff-1234")
    client.force_login(user)
    response = client.get(admin_url(Session, "changelist"))
    assert response.status_code == 302


def test_inlines_edit_spots_authors_speakers_and_organizers(admin_client, seed):
    assert "poster_authors" in admin_client.get(admin_url(Poster, "change", Poster.objects.first().pk)).text
    assert "spots" in admin_client.get(admin_url(Poster, "change", Poster.objects.first().pk)).text
    assert "workshop_organizers" in admin_client.get(admin_url(Workshop, "change", seed.pk)).text


class InlineCode(HTMLParser):
    """What the Content-Security-Policy (no 'unsafe-inline') refuses: style elements and attributes, scripts
    written into the page, event handler attributes, javascript: links."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
            self.found.append("<script> written into the page")
        for name, value in attributes.items():
            if name == "style" or name.startswith("on"):
                self.found.append(f'<{tag} {name}="{value}">')
            elif name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f'<{tag} {name}="{value}">')


HISTORY_AND_SPREADSHEET_MODELS = [Session, Poster, Speaker]


@pytest.mark.parametrize("model", HISTORY_AND_SPREADSHEET_MODELS, ids=lambda m: m.__name__)
def test_history_import_and_export_pages_carry_nothing_the_csp_refuses(admin_client, seed, model):
    obj = model.objects.first()
    obj.save()  # the seed is loaded without history; this makes a version to show
    record = obj.history.first()
    pages = {
        "history": admin_url(model, "history", obj.pk),
        "a version": admin_url(model, "simple_history", obj.pk, record.pk),
        "import": admin_url(model, "import"),
        "export": admin_url(model, "export"),
    }
    for name, url in pages.items():
        response = admin_client.get(url)
        assert response.status_code == 200, name
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert InlineCode(response.text).found == [], name


def test_the_import_preview_marks_changes_without_inline_styles(admin_client, seed):
    csv_text = export_csv(admin_client, Session).replace("Opening Remarks", "Opening Words", 1)
    preview, _ = import_file(admin_client, Session, csv_text, confirm=False)
    assert "<del>Remark</del><ins>Word</ins>" in preview.text
    assert InlineCode(preview.text).found == []


def test_the_export_pages_select_all_box_is_wired_by_a_script_file(admin_client, seed):
    html = admin_client.get(admin_url(Session, "export")).text
    assert '<input type="checkbox" class="select-toggle" name="select-all-toggle" id="select-all-toggle" checked>' in html
    assert '<script src="/static/js/admin-export.js"></script>' in html
