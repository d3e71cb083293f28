"""iCalendar exports, the personal agenda, the sitemap and link previews."""

from datetime import UTC, datetime

import icalendar
import pytest

from schedule.models import Session

TIMETABLE_ORDER = ["starts_at", "title"]


def calendar(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(cal):
    return [component for component in cal.walk("VEVENT")]


def test_programme_calendar_holds_every_session_with_exact_instants(client, seed):
    events = vevents(calendar(client.get("/oppo2021/schedule.ics")))
    sessions = list(Session.objects.filter(workshop=seed).order_by(*TIMETABLE_ORDER))
    assert len(events) == len(sessions) == 17
    for event, session in zip(events, sessions):
        assert event.decoded("dtstart") == session.starts_at
        assert event.decoded("dtend") == session.ends_at
        assert str(event["summary"]) == session.title
        assert str(event["uid"]) == f"{session.guid}@oppo2021"
        assert str(event["url"]) == f"http://testserver/oppo2021/sessions/{session.slug}/"
        assert "dtstamp" in event
    assert events[0].decoded("dtstart") == datetime(2021, 7, 24, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize("path", ["/oppo2021/schedule.ics", "/oppo2021/sessions/opening-remarks.ics",
                                  "/oppo2021/agenda.ics?sessions=opening-remarks"])
def test_calendars_are_published_so_their_stamp_is_when_the_file_was_made(client, seed, path):
    before = datetime.now(UTC).replace(microsecond=0)
    cal = calendar(client.get(path))
    assert str(cal["method"]) == "PUBLISH"
    for event in vevents(cal):
        assert before <= event.decoded("dtstamp") <= datetime.now(UTC)


def test_descriptions_carry_speakers_in_order_and_the_abstract(client, seed):
    events = {str(e["summary"]): e for e in vevents(calendar(client.get("/oppo2021/schedule.ics")))}
    description = str(events["Understanding the effect of sparsity on neural networks robustness"]["description"])
    assert description.startswith("Lukas Timpl, Rahim Entezari, Hanie Sedghi, Behnam Neyshabur, Olga Saukh\n\nThis paper examines")
    assert [str(c) for c in events["Opening Remarks"]["categories"].cats] == ["Opening"]


def test_calendar_names_itself_and_its_zone(client, seed):
    cal = calendar(client.get("/oppo2021/schedule.ics"))
    assert str(cal["x-wr-calname"]) == "Over-parameterization: Pitfalls and Opportunities"
    assert str(cal["x-wr-timezone"]) == "America/Los_Angeles"
    assert str(cal["version"]) == "2.0"


def test_uids_survive_an_edit_of_title_and_slug(client, seed):
    before = {str(e["uid"]) for e in vevents(calendar(client.get("/oppo2021/schedule.ics")))}
    session = Session.objects.get(slug="opening-remarks")
    session.title, session.slug = "Welcome", "welcome"
    session.save()
    after = {str(e["uid"]) for e in vevents(calendar(client.get("/oppo2021/schedule.ics")))}
    assert before == after


def test_location_names_the_room_and_its_link(client, make_session, make_workshop):
    from schedule.models import Room

    workshop = make_workshop()
    room = Room.objects.create(workshop=workshop, name="Hall A", slug="hall-a", url="https://example.org/hall")
    make_session(workshop=workshop, room=room)
    event = vevents(calendar(client.get(f"/{workshop.slug}/schedule.ics")))[0]
    assert str(event["location"]) == "Hall A (https://example.org/hall)"


def test_calendar_answers_304_to_a_matching_etag_and_200_after_a_change(client, seed):
    first = client.get("/oppo2021/schedule.ics")
    etag = first["ETag"]
    assert client.get("/oppo2021/schedule.ics", HTTP_IF_NONE_MATCH=etag).status_code == 304
    Session.objects.filter(slug="opening-remarks").update(title="Welcome")
    assert client.get("/oppo2021/schedule.ics", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_one_sessions_calendar_holds_just_that_session(client, seed):
    events = vevents(calendar(client.get("/oppo2021/sessions/a-universal-law-of-robustness-via-isoperimetry.ics")))
    assert [str(e["summary"]) for e in events] == ["A Universal Law of Robustness via Isoperimetry"]


def test_session_page_offers_add_to_calendar(client, seed):
    text = client.get("/oppo2021/sessions/opening-remarks/").text
    assert 'href="/oppo2021/sessions/opening-remarks.ics"' in text and "Add to calendar" in text


def test_unknown_session_calendar_is_404(client, seed):
    assert client.get("/oppo2021/sessions/nope.ics").status_code == 404
    assert client.get("/nope/schedule.ics").status_code == 404


def test_timetable_offers_every_export_in_a_menu_and_as_alternates(client, seed):
    text = client.get("/oppo2021/").text
    for url, kind in [
        ("/oppo2021/schedule.ics", "text/calendar"),
        ("/oppo2021/schedule.xml", "application/xml"),
        ("/oppo2021/schedule.json", "application/json"),
    ]:
        assert f'<link rel="alternate" type="{kind}"' in text and f'href="{url}"' in text
    assert "webcal://testserver/oppo2021/schedule.ics" in text


def test_agenda_page_shows_only_the_starred_items(client, seed):
    response = client.get(
        "/oppo2021/agenda/",
        {"sessions": "opening-remarks,closing-remarks", "posters": "a-universal-law-of-robustness-via-isoperimetry"},
    )
    assert response.status_code == 200
    assert [s.slug for s in response.context["sessions"]] == ["opening-remarks", "closing-remarks"]
    assert [p.slug for p in response.context["posters"]] == ["a-universal-law-of-robustness-via-isoperimetry"]
    assert "Adversarial Examples" not in response.text


def test_agenda_shows_the_chosen_zone_beside_the_workshops(client, seed):
    text = client.get("/oppo2021/agenda/", {"sessions": "opening-remarks", "tz": "Europe/Berlin"}).text
    assert ">09:00</time>" in text and "18:00–18:05 in Berlin" in text


def test_agenda_calendar_holds_the_starred_sessions(client, seed):
    events = vevents(calendar(client.get("/oppo2021/agenda.ics", {"sessions": "opening-remarks,closing-remarks"})))
    assert [str(e["summary"]) for e in events] == ["Opening Remarks", "Closing Remarks"]


def test_agenda_ignores_unknown_slugs_and_says_so(client, seed):
    response = client.get("/oppo2021/agenda/", {"sessions": "opening-remarks,no-such-talk", "posters": "gone"})
    assert response.status_code == 200
    assert [s.slug for s in response.context["sessions"]] == ["opening-remarks"]
    assert "2 starred items no longer in the programme were left out." in response.text
    events = vevents(calendar(client.get("/oppo2021/agenda.ics", {"sessions": "opening-remarks,no-such-talk"})))
    assert len(events) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"sessions": "bad slug"},
        {"sessions": "<script>alert(1)</script>"},
        {"sessions": "a,,b"},
        {"posters": "x'; DROP TABLE posters_poster; --"},
    ],
)
def test_a_malformed_agenda_is_a_400_not_a_500(client, seed, params):
    page = client.get("/oppo2021/agenda/", params)
    assert page.status_code == 400
    assert "This agenda link is damaged" in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert client.get("/oppo2021/agenda.ics", params).status_code == 400


def test_an_empty_agenda_explains_how_to_star(client, seed):
    text = client.get("/oppo2021/agenda/").text
    assert "Nothing starred yet." in text


def test_star_buttons_are_left_to_javascript(client, seed):
    text = client.get("/oppo2021/").text
    assert '<span class="star-slot" data-star-kind="sessions" data-star-slug="opening-remarks"' in text
    assert "<button type=\"button\" class=\"star\"" not in text
    assert "agenda.js" in text


def test_sitemap_lists_every_public_page(client, seed):
    response = client.get("/sitemap-oppo2021.xml")  # the seed's part of the sitemap index
    assert response.status_code == 200
    text = response.text
    assert text.count("<url>") == 4 + 17 + 45 + 132
    for path in ["/oppo2021/", "/oppo2021/speakers/", "/oppo2021/posters/", "/oppo2021/changes/", "/oppo2021/sessions/opening-remarks/",
                 "/oppo2021/posters/a-universal-law-of-robustness-via-isoperimetry/", "/oppo2021/speakers/peter-bartlett/"]:
        assert f"<loc>http://testserver{path}</loc>" in text


def test_detail_pages_preview_well_when_shared(client, seed):
    text = client.get("/oppo2021/sessions/adversarial-examples-in-random-deep-networks/").text
    assert '<meta property="og:title" content="Adversarial Examples in Random Deep Networks">' in text
    assert '<meta property="og:description" content="Because the phenomenon of adversarial examples' in text
    assert '<meta property="og:url" content="http://testserver/oppo2021/sessions/adversarial-examples-in-random-deep-networks/">' in text
    poster = client.get("/oppo2021/posters/a-universal-law-of-robustness-via-isoperimetry/").text
    assert '<meta property="og:title" content="A Universal Law of Robustness via Isoperimetry">' in poster


def test_a_slug_with_a_trailing_newline_is_malformed(client, seed):
    assert client.get("/oppo2021/agenda/", {"sessions": "opening-remarks\n"}).status_code == 400
