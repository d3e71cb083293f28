"""The timetable: the day's programme in order, on the workshop's clock and the reader's, with gaps and live marks."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from schedule.models import Workshop


def entries(response):
    return [entry for day in response.context["days"] for entry in day.entries]


def test_the_site_root_redirects_to_the_only_workshop(client, seed):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/oppo2021/"


def test_the_site_root_lists_workshops_when_there_are_several(client, seed, make_workshop):
    make_workshop(title="Another workshop")
    response = client.get("/")
    assert response.status_code == 200
    assert "Over-parameterization: Pitfalls and Opportunities" in response.text
    assert "Another workshop" in response.text


def test_timetable_lists_every_session_in_time_order_on_one_day(client, seed):
    response = client.get("/oppo2021/")
    assert response.status_code == 200
    days = response.context["days"]
    assert [str(day.date) for day in days] == ["2021-07-24"]
    sessions = [entry.session for entry in entries(response) if hasattr(entry, "session")]
    assert len(sessions) == 17
    assert [s.starts_at for s in sessions] == sorted(s.starts_at for s in sessions)
    assert "Saturday 24 July 2021" in response.text


def test_each_entry_shows_time_kind_title_link_speakers_and_video(client, seed):
    text = client.get("/oppo2021/").text
    assert '<time datetime="2021-07-24T09:05:00-07:00">09:05</time>–<time datetime="2021-07-24T09:50:00-07:00">09:50</time>' in text
    assert '<span class="badge badge--invited_talk">Invited talk</span>' in text
    assert '<a href="/oppo2021/sessions/adversarial-examples-in-random-deep-networks/">Adversarial Examples in Random Deep Networks</a>' in text
    assert '<a href="/oppo2021/speakers/peter-bartlett/">Peter Bartlett</a>' in text
    assert "▶ <span>SlidesLive</span>" in text


def test_gaps_read_as_gaps(client, seed):
    response = client.get("/oppo2021/")
    gaps = [entry for entry in entries(response) if not hasattr(entry, "session")]
    local = seed.tzinfo
    assert [(g.starts_at.astimezone(local).strftime("%H:%M"), g.ends_at.astimezone(local).strftime("%H:%M")) for g in gaps] == [
        ("11:40", "12:30"),
        ("15:05", "15:55"),
    ]
    assert response.text.count("50 min without talks") == 2
    assert "the posters are up" in response.text


def test_times_show_in_the_workshops_zone_by_default(client, seed):
    text = client.get("/oppo2021/").text
    assert "Times in <strong>PDT</strong> (America/Los_Angeles)" in text
    assert ">09:00</time>" in text


def test_a_chosen_zone_adds_its_clock_beside_the_workshops_and_is_remembered(client, seed):
    response = client.get("/oppo2021/", {"tz": "Europe/Berlin"})
    assert "Times in <strong>PDT</strong> (America/Los_Angeles)" in response.text
    assert "beside them in <strong>CEST</strong> (Europe/Berlin)" in response.text
    assert '<time datetime="2021-07-24T09:00:00-07:00">09:00</time>' in response.text
    assert "18:00–18:05 in Berlin" in response.text
    assert response.cookies["tz"].value == "Europe/Berlin"
    again = client.get("/oppo2021/")
    assert "18:00–18:05 in Berlin" in again.text


def test_choosing_the_workshops_zone_forgets_the_remembered_one(client, seed):
    client.get("/oppo2021/", {"tz": "Europe/Berlin"})
    response = client.get("/oppo2021/", {"tz": "America/Los_Angeles"})
    assert response.cookies["tz"].value == ""
    assert "in Berlin" not in client.get("/oppo2021/").text


def test_the_days_are_the_workshops_and_a_reader_past_midnight_is_told_the_day(client, seed):
    response = client.get("/oppo2021/", {"tz": "Asia/Tokyo"})
    assert [str(day.date) for day in response.context["days"]] == ["2021-07-24"]
    assert "01:00–01:05 Sun 25 Jul in Tokyo" in response.text
    response = client.get("/oppo2021/", {"tz": "Europe/London"})
    assert [str(day.date) for day in response.context["days"]] == ["2021-07-24"]
    assert "17:00–17:05 in London" in response.text  # Saturday in London too: no day named
    assert "00:50–01:45 Sun 25 Jul in London" in response.text  # the 16:50 PDT talk


@pytest.mark.parametrize("bad", ["Mars/Olympus_Mons", "<script>alert(1)</script>", "x" * 5000, "../../etc/passwd"])
def test_an_unknown_zone_falls_back_to_the_workshops_with_a_notice(client, seed, bad):
    response = client.get("/oppo2021/", {"tz": bad})
    assert response.status_code == 200
    assert ">09:00</time>" in response.text and "data-reader-clock" in response.text  # the browser's zone, if any
    assert "is not a timezone we know" in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert "tz" not in response.cookies


def test_a_nul_character_as_the_zone_is_refused_with_400(client, seed):
    assert client.get("/oppo2021/", {"tz": "\x00"}).status_code == 400


def test_a_forged_cookie_is_ignored(client, seed):
    client.cookies["tz"] = "Not/AZone"
    response = client.get("/oppo2021/")
    assert response.status_code == 200
    assert ">09:00</time>" in response.text


def test_current_and_next_sessions_are_marked_while_the_workshop_is_live(client, seed, monkeypatch):
    during_the_second_talk = datetime(2021, 7, 24, 17, 10, tzinfo=UTC)  # 10:10 PDT
    monkeypatch.setattr(timezone, "now", lambda: during_the_second_talk)
    response = client.get("/oppo2021/")
    marked = {e.session.title: ("now" if e.is_now else "next") for e in entries(response) if getattr(e, "is_now", False) or getattr(e, "is_next", False)}
    assert marked == {
        "The Polyak-Lojasiewicz condition as a framework for overparameterized optimization and its application to deep learning": "now",
        "Distributional Generalization: A New Kind of Generalization (Extended Abstract)": "next",
    }
    assert "The workshop is on now." in response.text
    assert 'class="badge badge--now">Now · ' in response.text
    assert "45 min left" in response.text  # until 10:55 PDT


def test_nothing_is_marked_when_the_workshop_is_not_on(client, seed):
    response = client.get("/oppo2021/")
    assert not any(getattr(e, "is_now", False) or getattr(e, "is_next", False) for e in entries(response))
    assert "The workshop is on now." not in response.text


def test_unknown_workshop_is_a_404_in_the_sites_layout(client, seed):
    response = client.get("/no-such-workshop/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'class="site-header"' in response.text


def test_organizers_and_description_are_shown(client, seed):
    text = client.get("/oppo2021/").text
    assert "Organized by" in text and "Yasaman Bahri" in text
    assert "About the workshop" in text


def test_a_new_workshop_with_no_sessions_says_so(empty_db, client, make_workshop):
    workshop = make_workshop()
    response = client.get(f"/{workshop.slug}/")
    assert response.status_code == 200
    assert "No sessions have been scheduled yet." in response.text
    assert Workshop.objects.count() == 1
