"""The personal agenda in a real browser tells what changed in starred sessions since the reader last looked, once,
and keeps a removed one struck through."""

from datetime import timedelta

import pytest

from schedule.models import Session

from .test_agenda import STARRED, star_button

pytestmark = pytest.mark.browser

WORKSHOP = "/oppo2021/"
MOVED, KEPT = STARRED


def news_heading(page):
    return page.locator("[data-agenda-changed]")


def test_a_moved_starred_talk_is_flagged_once_and_a_removed_one_stays_struck_through(page, site):
    from playwright.sync_api import expect

    page.goto(site + WORKSHOP)
    for slug in STARRED:
        star_button(page, slug).click()
        expect(star_button(page, slug)).to_have_attribute("aria-pressed", "true")
    # The history rows later saves are compared with (the seed is loaded raw, without them), a week old.
    Session.history.bulk_history_create(list(Session.objects.filter(slug__in=STARRED)), update=True,
                                        default_date=Session.objects.get(slug=MOVED).starts_at - timedelta(days=7))
    moved = Session.objects.get(slug=MOVED)
    moved.starts_at, moved.ends_at = moved.starts_at + timedelta(hours=1), moved.ends_at + timedelta(hours=1)
    moved.save()
    old, new = (moved.starts_at - timedelta(hours=1)).astimezone(moved.workshop.tzinfo), moved.starts_at.astimezone(moved.workshop.tzinfo)

    with page.expect_navigation():
        page.get_by_role("navigation", name="Programme").get_by_role("link", name="My agenda").click()
    expect(news_heading(page)).to_have_text("1 of your starred talks changed since you last looked")
    expect(page.locator(".agenda-news__list li")).to_have_count(1)
    expect(page.locator(".agenda-news__list li")).to_contain_text(f"from {old:%H:%M}")
    expect(page.locator(".agenda-news__list li")).to_contain_text(f"to {new:%H:%M}")
    expect(page.locator(f"li#{MOVED} a.change-mark")).to_have_count(1)
    expect(page.locator(f"li#{KEPT} a.change-mark")).to_have_count(0)

    page.reload()
    expect(page.locator("h1")).to_have_text("My agenda")
    expect(news_heading(page)).to_have_count(0)
    expect(page.locator(f"li#{MOVED} a.change-mark")).to_have_count(0)

    Session.objects.get(slug=KEPT).delete()
    page.reload()
    removed = page.locator("li.entry--removed")
    expect(removed.locator("h3 del")).to_have_text(STARRED[KEPT])
    expect(removed).to_contain_text("Removed from the programme on")
    expect(page.locator(f"li#{MOVED} h3")).to_have_text(STARRED[MOVED])
