"""The committed OPPO 2021 fixture is the whole programme of the seed page, exactly."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from posters.models import Poster
from schedule.models import Room, Session, SessionKind, Speaker

SOURCE = Path(__file__).resolve().parent.parent / "fixtures" / "sources" / "oppo2021.txt"


def authors(poster):
    return [entry.speaker.name for entry in poster.poster_authors.all()]


def test_seed_has_every_session_and_poster(seed):
    assert seed.sessions.count() == 17
    assert seed.posters.count() == 45


def test_workshop_details_are_those_of_oppo_2021(seed):
    assert seed.title == "Over-parameterization: Pitfalls and Opportunities"
    assert seed.conference == "ICML 2021"
    assert str(seed.start_date) == str(seed.end_date) == "2021-07-24"
    assert seed.timezone == "America/Los_Angeles"
    assert [o.speaker.name for o in seed.workshop_organizers.all()] == [
        "Yasaman Bahri",
        "Quanquan Gu",
        "Amin Karbasi",
        "Hanie Sedghi",
    ]
    assert seed.description.startswith("Modern machine learning models are often highly overparameterized.")
    assert "state-of-the-art" in seed.description


def test_first_and_last_sessions_keep_their_pacific_times(seed):
    sessions = list(seed.sessions.order_by("starts_at"))
    assert sessions[0].title == "Opening Remarks"
    assert sessions[0].starts_at == datetime(2021, 7, 24, 16, 0, tzinfo=UTC)  # 09:00 PDT
    assert sessions[-1].title == "Closing Remarks"
    assert sessions[-1].ends_at == datetime(2021, 7, 25, 1, 20, tzinfo=UTC)  # 18:20 PDT
    local = sessions[-1].ends_at.astimezone(seed.tzinfo)
    assert (local.hour, local.minute, local.tzname()) == (18, 20, "PDT")


def test_session_kinds_match_the_page(seed):
    kinds = {kind: seed.sessions.filter(kind=kind).count() for kind in SessionKind.values}
    assert kinds == {
        "opening": 1,
        "invited_talk": 6,
        "live_qa": 1,
        "spotlight": 8,
        "poster_session": 0,
        "break": 0,
        "closing": 1,
        "other": 0,
    }


def test_lunch_and_poster_gaps_are_left_empty(seed):
    sessions = list(seed.sessions.order_by("starts_at"))
    gaps = [
        (a.ends_at.astimezone(seed.tzinfo).strftime("%H:%M"), b.starts_at.astimezone(seed.tzinfo).strftime("%H:%M"))
        for a, b in zip(sessions, sessions[1:])
        if a.ends_at != b.starts_at
    ]
    assert gaps == [("11:40", "12:30"), ("15:05", "15:55")]


def test_videos_are_marked_where_the_page_marks_them(seed):
    without_video = [s.title for s in seed.sessions.all() if not s.has_video]
    assert without_video == ["Live Q&A with Peter Bartlett"]
    assert {s.video_provider for s in seed.sessions.exclude(video_provider="")} == {"SlidesLive"}


def test_live_qa_belongs_to_peter_bartletts_talk(seed):
    qa = seed.sessions.get(kind=SessionKind.LIVE_QA)
    assert qa.belongs_to.title == "Adversarial Examples in Random Deep Networks"
    assert [e.speaker.name for e in qa.belongs_to.session_speakers.all()] == ["Peter Bartlett"]


def test_the_eight_spotlights_link_to_their_posters(seed):
    spotlights = seed.sessions.filter(kind=SessionKind.SPOTLIGHT)
    assert spotlights.count() == 8
    for spotlight in spotlights:
        assert spotlight.poster.title == spotlight.title
        assert spotlight.poster.room.name == "Gather.town room 2"


def test_speakers_of_a_spotlight_are_kept_in_order(seed):
    session = seed.sessions.get(slug="value-based-deep-reinforcement-learning-requires-explicit-regularization")
    assert [e.speaker.name for e in session.session_speakers.all()] == [
        "Aviral Kumar",
        "Rishabh Agarwal",
        "Aaron Courville",
        "Tengyu Ma",
        "George Tucker",
        "Sergey Levine",
    ]


def test_posters_keep_their_authors_in_order(seed):
    gradient_starvation = seed.posters.get(title="Gradient Starvation: A Learning Proclivity in Neural Networks")
    assert authors(gradient_starvation) == [
        "Mohammad Pezeshki",
        "Sékou-Oumar Kaba",
        "Yoshua Bengio",
        "Aaron Courville",
        "Doina Precup",
        "Guillaume Lajoie",
    ]
    depth = seed.posters.get(slug="increasing-depth-leads-to-u-shaped-test-risk-in-overparameterized")
    assert authors(depth) == ["Eshaan Nichani", "Adityanarayanan Radhakrishnan", "Caroline Uhler"]
    alignment = seed.posters.get(title="On Alignment in Deep Linear Neural Networks")
    assert authors(alignment) == ["Adityanarayanan Radhakrishnan", "Eshaan Nichani", "Daniel Bernstein", "Caroline Uhler"]


@pytest.mark.parametrize("name", ["Yuan Cao", "Khaled Koutini", "Peter Bartlett", "Hanie Sedghi", "Aaron Courville"])
def test_each_repeated_person_exists_once(seed, name):
    assert Speaker.objects.filter(name=name).count() == 1


def test_a_name_repeated_within_one_author_list_is_one_authorship(seed):
    benign = seed.posters.get(title="Benign Overfitting in Adversarially Robust Linear Classification")
    assert authors(benign) == ["Jinghui Chen", "Yuan Cao", "Quanquan Gu"]
    audio = seed.posters.get(title="Over-Parameterization and Generalization in Audio Classification")
    assert authors(audio)[:2] == ["Khaled Koutini", "Hamid Eghbalzadeh"]


def test_people_keep_every_appearance(seed):
    bartlett = Speaker.objects.get(name="Peter Bartlett")
    assert [s.title for s in bartlett.sessions.all()] == ["Adversarial Examples in Random Deep Networks"]
    assert bartlett.posters.count() == 1
    sedghi = Speaker.objects.get(name="Hanie Sedghi")
    assert sedghi.organized_workshops.get() == seed
    assert sedghi.sessions.count() == 1 and sedghi.posters.count() == 1
    yuan_cao = Speaker.objects.get(name="Yuan Cao")
    assert yuan_cao.posters.count() == 2


def test_posters_stand_in_two_gather_town_rooms(seed):
    rooms = list(Room.objects.filter(workshop=seed))
    assert [(r.name, r.kind, r.url) for r in rooms] == [
        ("Gather.town room 1", "virtual_world", "https://eventhosts.gather.town/DbHJbA5ArXpTIoap/icmloppo2021"),
        ("Gather.town room 2", "virtual_world", "https://eventhosts.gather.town/UtqQ3jSJ7wnN0anj/icmloppo2021room2"),
    ]
    assert rooms[0].posters.count() == 23
    assert rooms[1].posters.count() == 22
    first_room_labels = sorted(s.label for p in rooms[0].posters.all() for s in p.spots.all())
    assert first_room_labels[:3] == ["A0", "A1", "A2"] and first_room_labels[-1] == "D2"


def test_the_two_spot_poster_has_both_spots(seed):
    poster = seed.posters.get(title__startswith="On the interplay between data structure and loss function")
    assert sorted(spot.label for spot in poster.spots.all()) == ["A0", "A1"]
    assert poster.room.name == "Gather.town room 1"


def test_posters_have_no_invented_times(seed):
    assert not seed.posters.filter(starts_at__isnull=False).exists()


def test_dropped_hyphens_are_restored_where_certain(seed):
    titles = set(seed.sessions.values_list("title", flat=True)) | set(seed.posters.values_list("title", flat=True))
    assert "The Polyak-Lojasiewicz condition as a framework for overparameterized optimization and its application to deep learning" in titles
    assert "Feature Learning in Infinite-Width Neural Networks" in titles
    assert "Finite-Sample Analysis of Interpolating Linear Classifiers in the Overparameterized Regime" in titles
    assert any("Overparametrization: Insights" in t for t in titles), "ambiguous compounds stay as written"


def test_nothing_but_hyphens_differs_from_the_source_text(seed):
    """Every title, abstract and name is the page's text, letter for letter, once hyphens are set aside."""
    source = SOURCE.read_text(encoding="utf-8").replace("-", "")
    source_words = set(re.findall(r"\S+", source))
    texts = [seed.description]
    for item in [*Session.objects.all(), *Poster.objects.all()]:
        texts += [item.title, item.abstract]
    appearing = Speaker.objects.filter(workshoporganizer_entries__isnull=True)  # organizers come from the meta file
    texts += list(appearing.values_list("name", flat=True))
    for text in texts:
        assert text.replace("-", "") in source, text[:80]
    for name in appearing.values_list("name", flat=True):
        assert set(name.replace("-", "").split()) <= source_words
