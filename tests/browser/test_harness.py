"""Smoke tests of the browser harness itself: Chromium reaches the live server, CSS loads, axe-core runs.

Playwright is imported inside the tests, not at the top, so that a machine without it still collects this
module and conftest can skip (or, with CI=true, fail) with its own message.
"""

TITLE = "Over-parameterization: Pitfalls and Opportunities"


def is_site_css(url):
    path = url.split("?")[0]
    return "/static/css/site." in path and path.endswith(".css")


def open_programme(page, site):
    from playwright.sync_api import expect

    stylesheets = []
    page.on("response", lambda response: is_site_css(response.url) and stylesheets.append(response.status))
    response = page.goto(site + "/oppo2021/")
    assert response.status == 200, f"/oppo2021/ answered {response.status}"
    expect(page.get_by_role("heading", name=TITLE, exact=True).first).to_be_visible()
    return stylesheets


def test_programme_page_renders_with_its_stylesheet(page, site):
    assert open_programme(page, site) == [200]
    # The stylesheet was parsed and applied, not only fetched.
    rules = page.evaluate(
        """() => [...document.styleSheets]
            .filter(sheet => sheet.href && new URL(sheet.href).pathname.startsWith('/static/css/site.'))
            .map(sheet => sheet.cssRules.length)"""
    )
    assert rules and rules[0] > 0
    assert page.console_errors == []
    assert page.failed_responses == []
    assert page.external_requests == []


def test_programme_page_fits_a_phone_screen(phone_page, site):
    open_programme(phone_page, site)
    assert phone_page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert phone_page.console_errors == []


def test_axe_helper_returns_the_serious_violations(page, site, axe):
    open_programme(page, site)
    violations = axe(page)
    assert isinstance(violations, list)
    assert all(violation["impact"] in {"serious", "critical"} for violation in violations)
    assert page.evaluate("() => typeof window.axe.run") == "function"
