"""What an attendee sees in a real browser: the timetable, time zones, search, room maps, math, and that every page
is clean (no console errors, failed or external requests), fits a phone, passes axe-core and works from the keyboard.

Playwright is imported inside the tests, not at the top, so that a machine without it still collects this module and
conftest can skip (or, with CI=true, fail) with its own message.
"""

from .conftest import DESKTOP, _open_page

WORKSHOP = "/oppo2021/"
TIMETABLE = WORKSHOP
MATH_SESSION_SLUG = "beyond-implicit-regularization-avoiding-overfitting-via-regularizer-mirror"
MATH_SESSION = WORKSHOP + f"sessions/{MATH_SESSION_SLUG}/"
MATH_POSTER_SLUG = "benign-overfitting-in-adversarially-robust-linear-classification"
MATH_POSTER = WORKSHOP + f"posters/{MATH_POSTER_SLUG}/"
ISOPERIMETRY = "a-universal-law-of-robustness-via-isoperimetry"
POSTERS = WORKSHOP + "posters/"
SEARCH_WITH_RESULTS = WORKSHOP + "search/?q=isoperimetry"

# Every kind of attendee page once; search and agenda with results, the session and the poster with KaTeX math.
PAGES = {
    "timetable": TIMETABLE,
    "session": MATH_SESSION,
    "speakers": WORKSHOP + "speakers/",
    "speaker": WORKSHOP + "speakers/peter-bartlett/",
    "posters": POSTERS,
    "poster": MATH_POSTER,
    "search": SEARCH_WITH_RESULTS,
    "agenda": WORKSHOP
    + f"agenda/?sessions=adversarial-examples-in-random-deep-networks,{ISOPERIMETRY}&posters={MATH_POSTER_SLUG}",
}
AXE_PAGES = ["timetable", "session", "poster", "search", "posters", "agenda"]
# Dark mode has colours of its own: badges, marks in links, the map's highlighted spot.
DARK_AXE_PAGES = ["timetable", "search", "poster"]

# The seed programme in the workshop's zone (America/Los_Angeles): when, kind badge, slug, speakers' slugs.
PROGRAMME = [
    ("09:00–09:05", "Opening", "opening-remarks", []),
    ("09:05–09:50", "Invited talk", "adversarial-examples-in-random-deep-networks", ["peter-bartlett"]),
    ("09:50–10:00", "Live Q&A", "live-qa-with-peter-bartlett", []),
    ("10:00–10:55", "Invited talk", "the-polyak-lojasiewicz-condition-as-a-framework-for-overparameterized",
     ["mikhail-belkin"]),
    ("10:55–11:10", "Spotlight", "distributional-generalization-a-new-kind-of-generalization-extended-abstract",
     ["preetum-nakkiran", "yamini-bansal"]),
    ("11:10–11:25", "Spotlight", "understanding-the-effect-of-sparsity-on-neural-networks-robustness",
     ["lukas-timpl", "rahim-entezari", "hanie-sedghi", "behnam-neyshabur", "olga-saukh"]),
    ("11:25–11:40", "Spotlight", "on-the-generalization-improvement-from-neural-network-pruning",
     ["tian-jin", "gintare-karolina-dziugaite", "michael-carbin"]),
    ("11:40–12:30", "gap", None, None),
    ("12:30–13:25", "Invited talk", "overparametrization-insights-from-solvable-models", ["lenka-zdeborova"]),
    ("13:25–14:20", "Invited talk", "the-generalization-behavior-of-random-feature-and-neural-tangent-models",
     ["andrea-montanari"]),
    ("14:20–14:35", "Spotlight", "towards-understanding-how-momentum-improves-generalization-in-deep-learning",
     ["samy-jelassi", "yuanzhi-li"]),
    ("14:35–14:50", "Spotlight", "feature-learning-in-infinite-width-neural-networks", ["greg-yang", "edward-hu"]),
    ("14:50–15:05", "Spotlight", ISOPERIMETRY, ["sebastien-bubeck", "mark-sellke"]),
    ("15:05–15:55", "gap", None, None),
    ("15:55–16:50", "Invited talk",
     "universal-prediction-band-semi-definite-programming-and-variance-interpolation", ["tengyuan-liang"]),
    ("16:50–17:45", "Invited talk", "function-space-view-of-multi-channel-linear-convolutional-networks-with",
     ["suriya-gunasekar"]),
    ("17:45–18:00", "Spotlight", "value-based-deep-reinforcement-learning-requires-explicit-regularization",
     ["aviral-kumar", "rishabh-agarwal", "aaron-courville", "tengyu-ma", "george-tucker", "sergey-levine"]),
    ("18:00–18:15", "Spotlight", MATH_SESSION_SLUG, ["navid-azizan", "sahin-lale", "babak-hassibi"]),
    ("18:15–18:20", "Closing", "closing-remarks", []),
]


def visit(page, site, path, idle=False):
    """Open a page and wait for its web fonts (KaTeX's change the layout); with idle, until the network is quiet
    for half a second too, so that every late request is in the harness's lists."""
    response = page.goto(site + path)
    assert response.status == 200, f"{path} answered {response.status}"
    page.evaluate("() => document.fonts.ready.then(() => true)")
    if idle:
        page.wait_for_load_state("networkidle")
    return response


def open_context_page(browser, request, **options):
    """A page in a context of our own (another time zone, JavaScript off), watched like conftest's ``page``."""
    return _open_page(browser, request, **{**DESKTOP, **options})


def first_entry_time(page):
    """The first session's time on the workshop's clock."""
    return page.locator("ol.timetable > li.entry").first.locator(".entry__when .clock--workshop")


def first_entry_readers_time(page):
    """The first session's time on the reader's clock, beside the workshop's."""
    return page.locator("ol.timetable > li.entry").first.locator(".entry__when .clock--reader")


# 1 ------------------------------------------------------------------------------------------------------------


def test_timetable_lists_the_seventeen_sessions_in_order_with_times_kinds_and_speakers_and_shows_the_gaps(page, site):
    visit(page, site, TIMETABLE)
    rows = page.locator("ol.timetable > li")
    assert rows.count() == len(PROGRAMME) == 19
    assert page.locator("ol.timetable > li.entry").count() == 17
    assert page.locator("ol.timetable > li.gap").count() == 2

    rendered = rows.evaluate_all(
        """rows => rows.map(row => ({
            classes: [...row.classList],
            id: row.id,
            when: row.querySelector('.entry__when .clock--workshop').innerText.trim(),
            badge: row.querySelector('.badge')?.innerText.trim() ?? null,
            title: row.querySelector('.entry__title a')?.getAttribute('href') ?? null,
            people: [...row.querySelectorAll('.people a')].map(a => a.getAttribute('href')),
            text: row.innerText,
        }))"""
    )
    for position, (row, (when, kind, slug, speakers)) in enumerate(zip(rendered, PROGRAMME, strict=True)):
        where = f"row {position} ({when})"
        assert row["when"] == f"{when} PDT", where
        if kind == "gap":
            assert "gap" in row["classes"] and "entry" not in row["classes"], where
            assert row["badge"] is None and row["title"] is None, where
            assert "50 min without talks" in row["text"], where
            continue
        assert "entry" in row["classes"], where
        assert row["id"] == slug, where
        assert row["badge"] == kind, where
        assert row["title"] == f"{WORKSHOP}sessions/{slug}/", where
        assert row["people"] == [f"{WORKSHOP}speakers/{speaker}/" for speaker in speakers], where

    # The gaps look like gaps (hatched, muted) and point to the posters; the speaker links lead to the speaker.
    gap = page.locator("ol.timetable > li.gap").first
    assert "repeating-linear-gradient" in gap.evaluate("element => getComputedStyle(element).backgroundImage")
    assert gap.get_by_role("link", name="the posters are up").get_attribute("href") == POSTERS
    page.locator(f"li#{ISOPERIMETRY} .people").get_by_role("link", name="Mark Sellke").click()
    page.wait_for_url(f"**{WORKSHOP}speakers/mark-sellke/")
    assert page.locator("h1").inner_text() == "Mark Sellke"


# 2 ------------------------------------------------------------------------------------------------------------


def test_choosing_berlin_in_the_zone_picker_shows_cest_times_and_is_remembered(page, site):
    from playwright.sync_api import expect

    visit(page, site, TIMETABLE)
    expect(first_entry_time(page)).to_have_text("09:00–09:05 PDT")
    expect(page.locator(".zone-picker__current strong")).to_have_text("PDT")

    picker = page.locator("form.zone-picker")
    picker.get_by_label("Show times in").select_option("Europe/Berlin")
    with page.expect_navigation():
        picker.get_by_role("button", name="Show", exact=True).click()
    # The workshop's clock stays first; Berlin's stands beside it.
    expect(first_entry_time(page)).to_have_text("09:00–09:05 PDT")
    expect(first_entry_readers_time(page)).to_have_text("· 18:00–18:05 in Berlin")
    expect(page.locator(".zone-picker__current")).to_contain_text("CEST")
    expect(page.locator(".zone-picker__current")).to_contain_text("Europe/Berlin")
    expect(page.get_by_label("Show times in")).to_have_value("Europe/Berlin")
    # Saturday evening to Sunday night in Berlin: the days are the workshop's, and Berlin's Sunday is named.
    expect(page.locator("section.day h2")).to_have_text(["Saturday 24 July 2021"])
    expect(page.locator("li#closing-remarks .clock--reader")).to_have_text("· 03:15–03:20 Sun 25 Jul in Berlin")

    page.reload()
    expect(first_entry_readers_time(page)).to_have_text("· 18:00–18:05 in Berlin")
    # Without ?tz= the choice still holds: it is the cookie that remembers it.
    visit(page, site, TIMETABLE)
    expect(first_entry_readers_time(page)).to_have_text("· 18:00–18:05 in Berlin")
    expect(page.locator(".zone-picker__current strong")).to_have_text(["PDT", "CEST"])
    assert page.console_errors == []


def test_my_local_time_button_shows_a_tokyo_browser_its_own_time_and_needs_javascript(browser, request, site):
    from playwright.sync_api import expect

    tokyo = open_context_page(browser, request, timezone_id="Asia/Tokyo")
    visit(tokyo, site, TIMETABLE)
    button = tokyo.locator("[data-local-zone]")
    expect(button).to_be_visible()
    expect(button).to_have_text("My local time (Asia/Tokyo)")
    with tokyo.expect_navigation():
        button.click()
    expect(first_entry_time(tokyo)).to_have_text("09:00–09:05 PDT")
    expect(first_entry_readers_time(tokyo)).to_have_text("· 01:00–01:05 Sun 25 Jul in Tokyo")
    expect(tokyo.locator("section.day h2")).to_have_text(["Saturday 24 July 2021"])
    expect(tokyo.locator(".zone-picker__current strong")).to_have_text(["PDT", "JST"])
    assert tokyo.console_errors == []

    no_script = open_context_page(browser, request, timezone_id="Asia/Tokyo", java_script_enabled=False)
    visit(no_script, site, TIMETABLE)
    expect(no_script.get_by_role("button", name="Show", exact=True)).to_be_visible()
    expect(no_script.locator("[data-local-zone]")).to_be_hidden()
    expect(no_script.get_by_role("button", name="My local time")).to_have_count(0)


# 3 ------------------------------------------------------------------------------------------------------------


def test_the_header_search_box_finds_a_poster_and_marks_the_matching_word(page, site):
    from playwright.sync_api import expect

    visit(page, site, TIMETABLE)
    box = page.get_by_role("search").get_by_role("searchbox", name="Search talks, posters and people")
    box.fill("Isoperimetry")
    with page.expect_navigation():
        box.press("Enter")
    assert page.url.startswith(site + WORKSHOP + "search/?")

    found = page.locator('section[aria-labelledby="found-posters"]')
    expect(found.locator("h2")).to_contain_text("Posters")
    row = found.locator(f"li#poster-{ISOPERIMETRY}")
    expect(row).to_be_visible()
    link = row.locator(".poster-row__title a")
    expect(link).to_have_text("A Universal Law of Robustness via Isoperimetry")
    expect(link).to_have_attribute("href", f"{WORKSHOP}posters/{ISOPERIMETRY}/")
    expect(link.locator("mark")).to_have_text(["Isoperimetry"])
    # The header box keeps what was asked.
    expect(box).to_have_value("Isoperimetry")
    assert page.console_errors == []


# 4 ------------------------------------------------------------------------------------------------------------


def test_a_spot_on_the_room_map_opens_its_poster_whose_map_highlights_that_spot(page, site):
    from playwright.sync_api import expect

    visit(page, site, POSTERS)
    room = page.locator('section[aria-labelledby="room-gather-town-room-2"]')
    expect(room.locator("h2")).to_have_text("Gather.town room 2")
    spot = room.locator('svg a[data-spot="C4"]')
    expect(spot).to_have_count(1)
    # A link assistive technology can reach, named after its spot and poster (not hidden inside an image).
    named = room.get_by_role("link", name="Spot C4: A Universal Law of Robustness via Isoperimetry", exact=True)
    assert named.evaluate("link => link.dataset.spot") == "C4"
    with page.expect_navigation():
        spot.click()

    assert page.url == f"{site}{WORKSHOP}posters/{ISOPERIMETRY}/"
    expect(page.locator("h1")).to_have_text("A Universal Law of Robustness via Isoperimetry")
    expect(page.locator(".where")).to_contain_text("Spot C4, Gather.town room 2")
    # Its own page marks the spot on the room's bare grid, an image named after the spot.
    expect(page.get_by_role("img", name="Spot C4 marked on the grid of Gather.town room 2")).to_be_visible()
    here = page.locator(".room-map .is-here")
    expect(here).to_have_text("C4")
    fill = here.locator("rect").evaluate("rect => getComputedStyle(rect).fill")
    other = page.locator(".room-map__spot", has_text="C3").locator("rect").evaluate("rect => getComputedStyle(rect).fill")
    assert fill != other, "the highlighted spot is drawn like any other"
    with page.expect_navigation():
        page.get_by_role("link", name="The room's map").click()
    expect(page.get_by_role("link", name="Spot C4: A Universal Law of Robustness via Isoperimetry", exact=True)).to_be_visible()
    assert page.console_errors == []


# 5 ------------------------------------------------------------------------------------------------------------

MATH = [(MATH_SESSION, r"$\ell_2$"), (MATH_POSTER, r"$\ell_p$")]


def test_katex_draws_the_math_in_abstracts_and_without_javascript_the_tex_still_reads(page, browser, request, site):
    from playwright.sync_api import expect

    no_script = open_context_page(browser, request, java_script_enabled=False)
    for path, tex in MATH:
        visit(page, site, path)
        abstract = page.locator(".abstract.math")
        expect(abstract.locator(".katex").first).to_be_visible()
        assert abstract.locator(".katex-error").count() == 0, path
        text = abstract.inner_text()
        assert "$\\ell" not in text and "$" not in text, f"{path}: raw TeX left in the abstract: {text}"
        expect(page.get_by_role("button", name="Star", exact=False)).to_have_count(1)

        visit(no_script, site, path)
        abstract = no_script.locator(".abstract.math")
        assert tex in abstract.inner_text(), path
        assert abstract.locator(".katex").count() == 0, path
        assert no_script.locator("button.star").count() == 0, path
        assert no_script.locator(".star-slot").count() == 1, path
    assert page.console_errors == []
    assert no_script.console_errors == []


# 6 ------------------------------------------------------------------------------------------------------------


def test_no_page_has_console_errors_failed_responses_or_external_requests(page, site):
    problems = {}
    for name, path in PAGES.items():
        page.console_errors.clear()
        page.failed_responses.clear()
        page.external_requests.clear()
        visit(page, site, path, idle=True)
        found = {
            "console_errors": list(page.console_errors),
            "failed_responses": list(page.failed_responses),
            "external_requests": list(page.external_requests),
        }
        if any(found.values()):
            problems[f"{name} {path}"] = found
    assert problems == {}


# 7 ------------------------------------------------------------------------------------------------------------


def test_nothing_scrolls_sideways_on_a_390_pixel_phone(phone_page, site):
    too_wide = {}
    for name, path in PAGES.items():
        visit(phone_page, site, path)
        widths = phone_page.evaluate(
            """() => ({
                viewport: window.innerWidth,
                html: document.documentElement.scrollWidth,
                body: document.body.scrollWidth,
                culprits: [...document.querySelectorAll('body *')]
                    .filter(element => element.getBoundingClientRect().right > window.innerWidth + 0.5)
                    .slice(0, 5)
                    .map(element => element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
                         + (typeof element.className === 'string' && element.className ? '.' + element.className : '')),
            })"""
        )
        assert widths["viewport"] == 390, name
        if widths["html"] > 390 or widths["body"] > 390:
            too_wide[f"{name} {path}"] = widths
    assert too_wide == {}


# 8 ------------------------------------------------------------------------------------------------------------


def describe_violations(violations):
    return "\n".join(
        f"  {violation['id']} ({violation['impact']}): {violation['help']}\n      "
        + "\n      ".join(", ".join(node["target"]) for node in violation["nodes"][:10])
        for violation in violations
    )


def test_axe_finds_no_serious_or_critical_violations(page, site, axe):
    reports = {}
    for name in AXE_PAGES:
        visit(page, site, PAGES[name])
        violations = axe(page)
        if violations:
            reports[name] = f"{PAGES[name]}\n{describe_violations(violations)}"
    assert reports == {}, "axe-core found serious or critical violations:\n" + "\n".join(reports.values())


def test_axe_finds_no_serious_or_critical_violations_in_dark_mode(page, site, axe):
    page.emulate_media(color_scheme="dark")
    reports = {}
    for name in DARK_AXE_PAGES:
        visit(page, site, PAGES[name])
        assert page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches")
        violations = axe(page)
        if violations:
            reports[name] = f"{PAGES[name]}\n{describe_violations(violations)}"
    assert reports == {}, "axe-core found serious or critical violations in dark mode:\n" + "\n".join(reports.values())


# 9 ------------------------------------------------------------------------------------------------------------


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, site):
    visit(page, site, TIMETABLE)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => ({
            text: document.activeElement.textContent.trim(),
            href: document.activeElement.getAttribute('href'),
            top: document.activeElement.getBoundingClientRect().top,
            bottom: document.activeElement.getBoundingClientRect().bottom,
        })"""
    )
    assert focused["text"] == "Skip to content"
    assert focused["href"] == "#main"
    assert 0 <= focused["top"] and focused["bottom"] <= 900, f"the focused skip link is off screen: {focused}"

    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert page.url.endswith("#main")
    # The next Tab continues inside main rather than going back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
