"""An organizer at work in a real browser: sign in, edit a session, see the edit on the public timetable."""

import pytest
from django.apps import apps

from workshop.roles import ensure_organizers_group

PASSWORD = "a-long-organizer-password"


@pytest.fixture
def organizer(site, django_user_model):
    user = django_user_model.objects.create_user("organizer", password=PASSWORD, is_staff=True)
    # The migration made the group, but an earlier transactional test may have emptied every table.
    user.groups.add(ensure_organizers_group(apps))
    return user


def sign_in(page, site, password=PASSWORD):
    page.goto(site + "/admin/login/?next=/admin/")
    page.fill("#id_username", "organizer")
    page.fill("#id_password", password)
    page.click("input[type=submit]")


def test_an_organizer_changes_a_session_title_and_sees_it_on_the_public_timetable(page, site, organizer):
    from playwright.sync_api import expect

    sign_in(page, site)
    expect(page.get_by_role("link", name="Sessions")).to_be_visible()
    page.goto(site + "/admin/schedule/session/?q=Opening")
    page.get_by_role("link", name="Opening Remarks").click()
    expect(page.locator("#id_starts_at_1")).to_have_value("09:00:00")  # the workshop's clock, not UTC's 16:00
    expect(page.locator(".field-starts_at")).to_contain_text("America/Los_Angeles (PDT)")
    page.fill("#id_title", "Welcome to OPPO 2021")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    public = page.context.new_page()
    public.goto(site + "/oppo2021/")
    expect(public.get_by_role("link", name="Welcome to OPPO 2021")).to_be_visible()


def test_a_wrong_password_keeps_the_organizer_out(page, site, organizer):
    sign_in(page, site, password="wrong")
    assert "/admin/login/" in page.url
    assert "Please enter the correct username and password" in page.content()
