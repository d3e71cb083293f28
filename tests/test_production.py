"""Production mode: deploy checks, security headers, the health check, and the page cache."""

import json
import re
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, OperationalError, ProgrammingError, connection
from django.test import Client

from posters.models import Poster, PosterSpot
from schedule.models import Session, Speaker
from workshop import caching

ROOT = Path(__file__).resolve().parent.parent


def production_environment(**extra):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return env | {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-production-key-that-is-long-and-random-enough-0123456789abcdef",
        "DJANGO_ALLOWED_HOSTS": "programme.example.org",
    } | extra


def test_check_deploy_reports_no_issue_with_debug_off():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_environment(), capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_environment()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_every_response_carries_the_security_headers(client, seed):
    for url in ["/oppo2021/", "/oppo2021/schedule.ics", "/admin/login/", "/healthz"]:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"


def test_hsts_is_sent_over_https_in_production(client, seed, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/oppo2021/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_pages_have_no_inline_script_or_style(client, seed):
    for url in ["/oppo2021/", "/oppo2021/sessions/opening-remarks/", "/oppo2021/posters/", "/oppo2021/search/?q=x"]:
        html = client.get(url).text
        assert "<script>" not in html and " onclick=" not in html and "<style" not in html and ' style="' not in html


def test_health_check_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.text == "ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_postgresql_plans_for_data_in_memory(db):
    # With the default random_page_cost of 4, joining a page's authors to their people read every person.
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own connection health check")
def test_a_connection_the_server_ended_is_replaced_before_the_next_query(transactional_db):
    from django.db import connections

    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid() FROM generate_series(1, 100)")
        ended = cursor.fetchall()[0][0]
    assert connection.is_usable()  # an idle connection after a query is healthy
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [ended])  # what a restart does to every backend
    finally:
        other.close()
    deadline = time.monotonic() + 10
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not connection.is_usable()
    connection.health_check_enabled, connection.health_check_done = True, False  # as a new request starts

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != ended


def test_health_check_answers_503_when_the_database_does_not(client, db, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def refuse(self, sql, params=None):
        raise DatabaseError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", refuse)
        response = client.get("/healthz")
    assert response.status_code == 503 and "database unavailable" in response.text


# The page cache -----------------------------------------------------------------------------------------


@pytest.fixture
def page_cache(settings):
    settings.PROGRAMME_CACHE_SECONDS = 600
    settings.PROGRAMME_VERSION_CHECK_SECONDS = 0  # every request sees the latest version
    caching.cache().clear()
    caching._seen["number"] = None
    yield
    caching.cache().clear()
    caching._seen["number"] = None


def test_a_second_request_is_served_from_the_cache_without_queries(client, seed, page_cache, django_assert_num_queries):
    assert client.get("/oppo2021/")["X-Cache"] == "miss"
    with django_assert_num_queries(1):  # the programme version, nothing else
        response = client.get("/oppo2021/")
    assert response["X-Cache"] == "hit"
    assert "Opening Remarks" in response.text


def test_a_page_from_the_cache_carries_the_same_security_headers_as_the_first(client, seed, page_cache):
    first = client.get("/oppo2021/")
    again = client.get("/oppo2021/")
    assert (first["X-Cache"], again["X-Cache"]) == ("miss", "hit")
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
                   "Content-Type", "ETag"):
        assert again[header] == first[header], header


def test_cached_pages_answer_conditional_requests_with_304(client, seed, page_cache):
    first = client.get("/oppo2021/")
    assert first.has_header("ETag") and first.has_header("Last-Modified")
    again = client.get("/oppo2021/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


EDIT_FROM_A_SCRIPT = """
from datetime import date
from schedule.models import Workshop
from workshop.models import ProgrammeVersion
before = ProgrammeVersion.objects.get(pk=1).number
Workshop.objects.create(title="T", slug="t", start_date=date(2030, 1, 1), end_date=date(2030, 1, 1), timezone="UTC")
print(before, ProgrammeVersion.objects.get(pk=1).number)
"""


def test_an_edit_made_in_manage_py_shell_retires_cached_pages(tmp_path):
    # A process that never serves a request nor runs the admin's checks (which load the cache middleware).
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DJANGO_DEBUG": "1"}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, capture_output=True)
    result = subprocess.run(
        [*manage, "shell", "-c", EDIT_FROM_A_SCRIPT], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    before, after = map(int, result.stdout.splitlines()[-1].split())
    assert after > before  # the version moved on: every cached page is retired


def test_a_bulk_update_that_sends_no_signal_shows_once_the_version_moves(client, seed, page_cache):
    client.get("/oppo2021/")
    Session.objects.filter(slug="opening-remarks").update(title="Welcome")  # QuerySet.update sends no signal
    assert "Opening Remarks" in client.get("/oppo2021/").text
    caching.bump_version()  # what generate_demo and other bulk writers do
    response = client.get("/oppo2021/")
    assert response["X-Cache"] == "miss" and "Welcome" in response.text


def test_an_edit_through_the_models_retires_cached_pages_once_committed(
    client, seed, page_cache, django_capture_on_commit_callbacks
):
    assert "Opening Remarks" in client.get("/oppo2021/").text
    session = Session.objects.get(slug="opening-remarks")
    before = caching.current_version()[0]
    with django_capture_on_commit_callbacks(execute=True):
        session.title = "Welcome"
        session.save()
        seed.save()
        assert client.get("/oppo2021/")["X-Cache"] == "hit"  # not yet committed: nothing to show
    assert caching.current_version()[0] == before + 1  # one version bump per transaction, however many rows
    response = client.get("/oppo2021/")
    assert response["X-Cache"] == "miss" and "Welcome" in response.text


def test_a_timetables_kept_rows_follow_the_zone_and_are_retired_by_an_edit(
    client, seed, page_cache, settings, django_capture_on_commit_callbacks
):
    settings.PROGRAMME_CACHE_SECONDS = 0  # each page rendered anew: only its rows are kept
    settings.PROGRAMME_FRAGMENT_SECONDS = 600
    assert "Opening Remarks" in client.get("/oppo2021/").text
    tokyo = client.get("/oppo2021/", {"tz": "Asia/Tokyo"}).text
    assert "01:00–01:05 Sun 25 Jul in Tokyo" in tokyo  # the rows of the zone asked for
    with django_capture_on_commit_callbacks(execute=True):
        Session.objects.filter(slug="opening-remarks").update(title="Welcome")  # no signal: no new version
    assert "Opening Remarks" in client.get("/oppo2021/", {"tz": ""}).text  # the rows as kept
    with django_capture_on_commit_callbacks(execute=True):
        Session.objects.get(slug="opening-remarks").save()
    assert "Welcome" in client.get("/oppo2021/").text


def test_kept_room_maps_mark_the_spot_of_the_poster_shown(client, seed, page_cache, settings):
    settings.PROGRAMME_CACHE_SECONDS = 0
    settings.PROGRAMME_FRAGMENT_SECONDS = 600
    room = seed.rooms.get(slug="gather-town-room-1")
    first, second = seed.posters.filter(room=room).order_by("slug")[:2]
    for poster in (first, second, first):
        text = client.get(poster.get_absolute_url()).text
        here = re.findall(r'class="room-map__spot is-here"><rect[^>]*/><text[^>]*>(\w+)</text>', text)
        assert here == poster.spot_labels


def test_kept_maps_of_posters_without_a_room_stay_in_their_workshop(
    client, page_cache, settings, make_workshop, make_poster
):
    settings.PROGRAMME_CACHE_SECONDS = 0
    settings.PROGRAMME_FRAGMENT_SECONDS = 600
    first, second = make_workshop(), make_workshop()
    for workshop in (first, second):
        make_poster(workshop=workshop, spots=["B1"])
        unplaced = Poster.objects.create(workshop=workshop, title="Unplaced", slug=f"unplaced-in-{workshop.slug}")
        PosterSpot.objects.create(poster=unplaced, label="A1")  # a spot, but no room yet
    for workshop in (first, second):
        text = client.get(f"/{workshop.slug}/posters/").text
        assert re.findall(r'<a href="/[\w-]+/posters/(unplaced-in-[\w-]+)/" class="room-map__spot', text) == [
            f"unplaced-in-{workshop.slug}"
        ]


def test_an_edit_of_a_person_retires_the_pages_that_show_them(
    client, seed, page_cache, django_capture_on_commit_callbacks
):
    client.get("/oppo2021/speakers/")
    with django_capture_on_commit_callbacks(execute=True):
        bartlett = Speaker.objects.get(slug="peter-bartlett")
        bartlett.name = "Peter L. Bartlett"
        bartlett.save()
    assert "Peter L. Bartlett" in client.get("/oppo2021/speakers/").text


def load_quietly(path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_workshop", str(path), stdout=open(os.devnull, "w"))


def test_loading_a_changed_programme_retires_cached_pages(
    client, seed, page_cache, django_capture_on_commit_callbacks, tmp_path
):
    items = json.loads(Path("fixtures/oppo2021.json").read_text())
    opening = next(item for item in items if item["model"] == "schedule.session" and item["fields"]["slug"] == "opening-remarks")
    opening["fields"]["title"] = "Opening Remarks, moved up"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(items))
    client.get("/oppo2021/")
    load_quietly(changed, django_capture_on_commit_callbacks)
    page = client.get("/oppo2021/")
    assert page["X-Cache"] == "miss" and "Opening Remarks, moved up" in page.text


def test_a_refused_file_retires_no_cached_page(client, seed, page_cache, django_capture_on_commit_callbacks, tmp_path):
    items = json.loads(Path("fixtures/oppo2021.json").read_text())
    opening = next(item for item in items if item["model"] == "schedule.session" and item["fields"]["slug"] == "opening-remarks")
    opening["fields"]["title"] = "Opening Remarks, moved up"
    opening["fields"]["ends_at"] = "2021-07-24T15:00:00Z"  # before it starts: the whole file is refused
    refused = tmp_path / "refused.json"
    refused.write_text(json.dumps(items))
    client.get("/oppo2021/")
    with pytest.raises(CommandError):
        load_quietly(refused, django_capture_on_commit_callbacks)
    page = client.get("/oppo2021/")
    assert page["X-Cache"] == "hit" and "Opening Remarks, moved up" not in page.text


def test_reloading_an_unchanged_programme_keeps_cached_pages(client, seed, page_cache, django_capture_on_commit_callbacks):
    # A reload that changes nothing writes nothing (issue 15), so the pages cached before are still right.
    client.get("/oppo2021/")
    load_quietly("fixtures/oppo2021.json", django_capture_on_commit_callbacks)
    assert client.get("/oppo2021/")["X-Cache"] == "hit"


def test_an_edit_in_the_admin_shows_at_once_on_cached_pages(
    admin_client, client, seed, page_cache, django_capture_on_commit_callbacks
):
    from .admin_forms import session_form

    client.get("/oppo2021/")
    session = Session.objects.get(slug="opening-remarks")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/admin/schedule/session/{session.pk}/change/", session_form(session, title="Welcome to OPPO"))
    assert "Welcome to OPPO" in client.get("/oppo2021/").text


def test_each_timezone_has_its_own_cached_page(client, seed, page_cache):
    assert "in Berlin" not in client.get("/oppo2021/").text
    assert "18:00–18:05 in Berlin" in client.get("/oppo2021/", {"tz": "Europe/Berlin"}).text  # sets the cookie: not cached
    berlin = client.get("/oppo2021/")  # now with the cookie
    assert "18:00–18:05 in Berlin" in berlin.text
    assert "18:00–18:05 in Berlin" in client.get("/oppo2021/").text and client.get("/oppo2021/")["X-Cache"] == "hit"
    assert "in Berlin" not in Client().get("/oppo2021/").text


def test_signed_in_organizers_and_the_admin_are_never_served_from_the_cache(admin_client, seed, page_cache):
    admin_client.get("/oppo2021/")
    assert not admin_client.get("/oppo2021/").has_header("X-Cache")
    assert not admin_client.get("/admin/").has_header("X-Cache")


def test_errors_are_not_cached(client, seed, page_cache):
    client.get("/oppo2021/sessions/nope/")
    assert not client.get("/oppo2021/sessions/nope/").has_header("X-Cache")


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"path": "/admin/login/", "HTTP_COOKIE": 'sessionid="\\000abcdefghijkl"'},
        {"path": "/admin/login/", "method": "post", "data": {"username": "x", "password": "y"}, "HTTP_USER_AGENT": "ua\x00"},
        {"path": "/admin/login/", "method": "post", "data": {"username": "a" * 500, "password": "x"}},
        {"path": "/oppo2021/", "HTTP_COOKIE": 'tz="\\000Europe/Berlin"'},
    ],
    ids=["NUL in the session cookie", "NUL in a login's User-Agent", "a 500-character username", "NUL in a cookie"],
)
def test_requests_that_would_trip_the_database_get_a_400(client, seed, request_kwargs):
    kwargs = dict(request_kwargs)
    method = kwargs.pop("method", "get")
    response = getattr(client, method)(kwargs.pop("path"), kwargs.pop("data", {}), **kwargs)
    assert response.status_code == 400


def refuse_every_query(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


def test_a_page_answers_503_with_retry_after_while_the_database_is_away(seed):
    browser = Client(raise_request_exception=False)
    with connection.execute_wrapper(refuse_every_query):
        response = browser.get("/oppo2021/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5" and response["Cache-Control"] == "no-store"
    assert "back in a moment" in response.text
    assert browser.get("/oppo2021/").status_code == 200  # and the next request, with the database back


def lose_a_table(execute, sql, params, many, context):
    raise ProgrammingError('relation "schedule_session" does not exist')


def test_other_database_errors_stay_server_errors(seed):
    browser = Client(raise_request_exception=False)
    with connection.execute_wrapper(lose_a_table):
        assert browser.get("/oppo2021/").status_code == 500


def test_cached_pages_are_still_served_while_the_database_is_away(client, seed, page_cache):
    assert client.get("/oppo2021/")["X-Cache"] == "miss"
    with connection.execute_wrapper(refuse_every_query):
        response = client.get("/oppo2021/")
    assert response.status_code == 200 and response["X-Cache"] == "hit"
    assert "Opening Remarks" in response.text


def test_static_urls_in_production_are_the_manifests_hashed_names_and_unknown_files_are_refused(tmp_path):
    from whitenoise.storage import CompressedManifestStaticFilesStorage

    manifest = {"version": "1.1", "hash": "0", "paths": {"css/site.css": "css/site.0123456789ab.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    storage = CompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")

    assert [storage.url("css/site.css") for _ in range(2)] == ["/static/css/site.0123456789ab.css"] * 2
    for _ in range(2):  # refused again, not remembered as something else
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")


# Refused requests in the log -----------------------------------------------------------------------------


def test_a_csrf_failure_is_logged_in_one_line_without_a_traceback(seed, caplog):
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "organizer", "password": "x"})
    assert response.status_code == 403
    assert [record.getMessage() for record in caplog.records] == ["Forbidden (CSRF cookie not set.): /admin/login/"]
    assert "Traceback" not in caplog.text


def test_a_permission_denied_is_logged_in_one_line_without_a_traceback(seed, caplog, django_user_model):
    staff = Client()
    staff.force_login(django_user_model.objects.create_user("staff", password="a-long-staff-password", is_staff=True))
    assert staff.get("/admin/schedule/session/").status_code == 403
    assert [record.getMessage() for record in caplog.records] == ["Forbidden (Permission denied): /admin/schedule/session/"]
    assert "Traceback" not in caplog.text


def test_server_errors_keep_their_traceback(seed, caplog):
    with connection.execute_wrapper(lose_a_table):
        assert Client(raise_request_exception=False).get("/oppo2021/").status_code == 500
    assert "Traceback" in caplog.text and 'relation "schedule_session" does not exist' in caplog.text


def test_the_development_server_prints_a_refused_request_once(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")} | {
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    post = "from django.test import Client; Client(enforce_csrf_checks=True).post('/admin/login/')"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", post], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == ["Forbidden (CSRF cookie not set.): /admin/login/"]
