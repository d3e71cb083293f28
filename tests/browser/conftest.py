"""Fixtures for real-browser tests: Playwright (sync API) driving Debian's Chromium against the live server.

Every test under tests/browser is marked ``browser``; ``pytest -m "not browser"`` leaves them out. They need
/usr/bin/chromium (``apt-get install chromium``), the ``playwright`` package (``pip install -e '.[test]'``) and
node_modules/axe-core (``npm ci``). Without one of them the tests skip, naming what is missing, except when
CI=true, where they fail instead so that CI cannot go green without running them. Playwright's own browser
download (``playwright install``) is never used.

Fixtures:
  browser      headless Chromium, shared by this folder's tests
  page         a fresh context and page per test, 1280x900; ``page.console_errors`` collects console errors and
               uncaught page errors, ``page.failed_responses`` responses with status >= 400 and
               ``page.external_requests`` requests to any host but the live server's (none of it fails a test
               by itself: assert on the lists; the browser's own /favicon.ico probe is left out of them)
  phone_page   the same with a 390x844 touch viewport that honours <meta name="viewport">
  worker_page  the same as page with service workers allowed; every other page blocks them: the worker that keeps
               the offline copy (static/js/service-worker.js) fetches the whole workshop in the background, and a
               request still being served when the test's tables are emptied makes the flush fail
  site         the live server's URL, with the OPPO 2021 seed programme loaded
  axe          ``axe(page)`` runs axe-core on the page and returns its serious and critical violations
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
BROWSER_TESTS = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machine has no network: without these Chromium keeps trying to reach Google's hosts.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}
TIMEOUT_MS = 15_000
SERIOUS = {"serious", "critical"}


def in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def missing_requirements():
    """What the browser tests need and this machine lacks, each with how to get it."""
    missing = []
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package is missing (pip install -e '.[test]')")
    if not AXE_JS.is_file():
        npm = "" if shutil.which("npm") else "; npm is not installed either"
        missing.append(f"{AXE_JS.relative_to(ROOT)} is missing (npm ci){npm}")
    return missing


def pytest_collection_modifyitems(config, items):
    # This hook sees every collected item, not only this folder's.
    ours = [item for item in items if BROWSER_TESTS in Path(str(item.path)).resolve().parents]
    if not ours:
        return
    missing = missing_requirements()
    for item in ours:
        item.add_marker(pytest.mark.browser)
        if missing and not in_ci():
            item.add_marker(pytest.mark.skip(reason="browser tests need: " + "; ".join(missing)))


@pytest.fixture(scope="session", autouse=True)
def _browser_requirements():
    """Fail (in CI) or skip (elsewhere) before anything else here tries to start a browser."""
    missing = missing_requirements()
    if missing:
        message = "browser tests need: " + "; ".join(missing)
        if in_ci():
            pytest.fail(message + " (CI=true, so this fails rather than skips)", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="package")
def browser(_browser_requirements):
    """Headless Chromium, shared by the tests of this folder (launching takes about a second).

    Playwright's sync API leaves its asyncio loop marked as running in this thread for as long as it is
    started, and Django then refuses ORM calls from this thread (SynchronousOnlyOperation): the live server's
    per-test table flush, loaddata in ``site``. DJANGO_ALLOW_ASYNC_UNSAFE lifts that check while the browser
    runs; nothing in these tests shares the loop with the ORM. The fixture is package-scoped rather than
    session-scoped so that both end with this folder's tests and no later test runs with a "running" loop.
    """
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open_page(browser, request, **context_options):
    context = browser.new_context(**{"service_workers": "block", **context_options})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.console_errors = []
    page.failed_responses = []
    page.external_requests = []
    page.on("console", lambda message: _is_error(message) and page.console_errors.append(_describe(message)))
    page.on("pageerror", lambda error: page.console_errors.append(f"uncaught {error.name}: {error.message}"))
    page.on("response", lambda resp: _is_failure(resp) and page.failed_responses.append(f"{resp.status} {resp.url}"))
    page.on("request", lambda req: _is_external(req.url) and page.external_requests.append(req.url))
    request.addfinalizer(context.close)
    return page


def _is_browsers_own_icon_probe(url):
    # With no <link rel="icon">, Chromium asks for /favicon.ico by itself; a 404 there is not the page's fault.
    return urlsplit(url).path == "/favicon.ico"


def _is_error(message):
    return message.type == "error" and not _is_browsers_own_icon_probe((message.location or {}).get("url", ""))


def _is_failure(response):
    return response.status >= 400 and not _is_browsers_own_icon_probe(response.url)


def _describe(message):
    where = message.location or {}
    return f"{message.text} ({where.get('url', '?')}:{where.get('lineNumber', '?')})"


def _is_external(url):
    parts = urlsplit(url)
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname not in {"localhost", "127.0.0.1", "::1"}


@pytest.fixture
def page(browser, request):
    return _open_page(browser, request, **DESKTOP)


@pytest.fixture
def phone_page(browser, request):
    return _open_page(browser, request, **PHONE)


@pytest.fixture
def worker_page(browser, request):
    return _open_page(browser, request, service_workers="allow", **DESKTOP)


@pytest.fixture
def site(django_db_serialized_rollback, live_server):
    """The live server's URL (no trailing slash), serving the OPPO 2021 seed programme.

    live_server makes the test transactional: rows are committed so the server's thread sees them, and every
    table is emptied after the test; serialized rollback then puts back what migrations made (the Organizers
    group, the programme version row), which later tests rely on. Static files are served from the finders (STATICFILES_DIRS and apps) by
    the live server's StaticFilesHandler, so no collectstatic is needed.
    """
    call_command("loaddata", "oppo2021", verbosity=0)
    return live_server.url


@pytest.fixture(scope="session")
def _axe_source(_browser_requirements):
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def axe(_axe_source):
    """``axe(page, context=None, options=None)``: the serious and critical axe-core violations on the page.

    ``context`` and ``options`` are axe.run's own (a selector or {include, exclude}; e.g. {"runOnly": ["wcag2aa"]}).
    axe-core is evaluated through the DevTools protocol rather than page.add_script_tag: a <script> that
    add_script_tag inserts is inline, so a Content-Security-Policy without 'unsafe-inline' blocks it and logs a
    console error; evaluation is exempt from the page's CSP.
    """

    def run(page, context=None, options=None):
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate("() => {\n" + _axe_source + "\n}")
        results = page.evaluate(
            "([context, options]) => window.axe.run(context ?? document, options ?? {})", [context, options]
        )
        return [violation for violation in results["violations"] if violation["impact"] in SERIOUS]

    return run
