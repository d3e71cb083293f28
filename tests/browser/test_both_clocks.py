"""Both clocks in a real browser (issue 16): with no zone chosen, the script writes the browser's clock beside the
workshop's; without JavaScript the workshop's clock stands alone; a zone the reader chose wins over the browser's;
the minutes left of the session on now count down.

Playwright is imported inside the tests, so that conftest can skip (or, with CI=true, fail) with its own message.
"""

from datetime import timedelta

from django.utils import timezone

from .conftest import DESKTOP, _open_page

TIMETABLE = "/oppo2021/"


def opened(browser, request, site, path=TIMETABLE, **options):
    page = _open_page(browser, request, **{**DESKTOP, **options})
    response = page.goto(site + path)
    assert response.status == 200
    return page


def opening(page):
    """The opening's two clocks (09:00–09:05 PDT, Saturday 24 July 2021)."""
    when = page.locator("li#opening-remarks .entry__when")
    return when.locator(".clock--workshop"), when.locator(".clock--reader")


def test_a_berlin_browser_sees_its_time_beside_the_workshops_without_choosing_a_zone(browser, request, site):
    from playwright.sync_api import expect

    page = opened(browser, request, site, timezone_id="Europe/Berlin")
    workshops, readers = opening(page)
    expect(workshops).to_have_text("09:00–09:05 PDT")
    expect(readers).to_be_visible()
    expect(readers).to_have_text("· 18:00–18:05 in Berlin")  # the separator is hidden in a row, not gone
    expect(page.locator(".zone-picker__current")).to_contain_text("beside them in your browser's zone")
    # Past midnight in Berlin: the reader's day is named where it is not the workshop's.
    expect(page.locator("li#closing-remarks .clock--reader")).to_have_text("· 03:15–03:20 Sun 25 Jul in Berlin")
    assert page.console_errors == []


def test_a_tokyo_browser_is_told_its_day_on_the_session_page(browser, request, site):
    from playwright.sync_api import expect

    page = opened(browser, request, site, "/oppo2021/sessions/opening-remarks/", timezone_id="Asia/Tokyo")
    expect(page.locator(".detail__when")).to_contain_text("Saturday 24 July 2021, 09:00–09:05 PDT · 01:00–01:05 Sun 25 Jul in Tokyo")


def test_without_javascript_the_page_shows_the_workshops_clock_alone(browser, request, site):
    from playwright.sync_api import expect

    page = opened(browser, request, site, timezone_id="Europe/Berlin", java_script_enabled=False)
    workshops, readers = opening(page)
    expect(workshops).to_have_text("09:00–09:05 PDT")
    expect(readers).to_be_hidden()
    expect(page.get_by_text("in Berlin")).to_have_count(0)


def test_a_browser_in_the_workshops_zone_gets_no_second_clock(browser, request, site):
    from playwright.sync_api import expect

    page = opened(browser, request, site, timezone_id="America/Los_Angeles")
    workshops, readers = opening(page)
    expect(workshops).to_have_text("09:00–09:05 PDT")
    expect(readers).to_be_hidden()


def test_a_zone_the_reader_chose_wins_over_the_browsers(browser, request, site):
    from playwright.sync_api import expect

    page = opened(browser, request, site, TIMETABLE + "?tz=Asia/Tokyo", timezone_id="Europe/Berlin")
    workshops, readers = opening(page)
    expect(workshops).to_have_text("09:00–09:05 PDT")
    expect(readers).to_have_text("· 01:00–01:05 Sun 25 Jul in Tokyo")
    expect(page.get_by_text("in Berlin")).to_have_count(0)


def test_the_minutes_left_of_the_session_on_now_count_down_in_the_browser(browser, request, site, make_workshop, make_session):
    from playwright.sync_api import expect

    now = timezone.now()
    workshop = make_workshop(timezone="UTC", start_date=now.date() - timedelta(days=1), end_date=now.date() + timedelta(days=1))
    minute = now.replace(second=0, microsecond=0)
    session = make_session(workshop=workshop, starts_at=minute - timedelta(minutes=10), ends_at=minute + timedelta(minutes=30))
    page = _open_page(browser, request, **DESKTOP)
    # The browser's clock, not the server's: 4 min 50 s before the end, then a minute on.
    page.clock.install(time=session.ends_at - timedelta(minutes=4, seconds=50))
    page.goto(f"{site}/{workshop.slug}/")
    left = page.locator(f"li#{session.slug} .badge--now")
    expect(left).to_have_text("Now · 5 min left")
    page.clock.run_for(60_000)
    expect(left).to_have_text("Now · 4 min left")
