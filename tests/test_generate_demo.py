"""generate_demo: a synthetic conference of the size asked for, valid by the same rules as any programme."""

import os

from django.core.management import call_command

from posters.models import Poster, PosterSpot
from posters.rules import poster_problems, spot_problems
from schedule.models import Session, Speaker, Workshop
from schedule.rules import session_problems


def generate(prefix="conf", **sizes):
    call_command("generate_demo", "--prefix", prefix, *[f"--{k}={v}" for k, v in sizes.items()],
                 stdout=open(os.devnull, "w"))


def test_the_conference_has_the_size_asked_for(empty_db):
    generate(workshops=3, posters=40, people=25, sessions=6)
    assert Workshop.objects.filter(slug__startswith="conf-").count() == 3
    assert Session.objects.count() == 18 and Poster.objects.count() == 40 and Speaker.objects.count() == 25
    assert sorted(Workshop.objects.values_list("slug", flat=True)) == ["conf-1", "conf-2", "conf-3"]
    for workshop in Workshop.objects.all():
        assert 13 <= workshop.posters.count() <= 14  # spread evenly
        assert all(session.session_speakers.exists() for session in workshop.sessions.all())


def test_every_row_passes_the_rules_a_loaded_programme_must_pass(db):
    generate(workshops=2, posters=60, people=30, sessions=8)
    for session in Session.objects.select_related("workshop", "room"):
        session.full_clean()
        assert not session_problems(session), session
    for poster in Poster.objects.select_related("workshop", "room"):
        poster.full_clean()
        assert not poster_problems(poster), poster
    for spot in PosterSpot.objects.select_related("poster__room", "poster__workshop"):
        assert not spot_problems(spot), spot


def test_the_same_seed_makes_the_same_conference(db):
    def made(prefix):
        posters = Poster.objects.filter(workshop__slug__startswith=prefix).order_by("pk")
        return list(posters.values_list("slug", "title", "abstract", "spots__label"))

    generate("first", workshops=2, posters=10, people=12, sessions=3, seed=7)
    generate("again", workshops=2, posters=10, people=12, sessions=3, seed=7)
    generate("other", workshops=2, posters=10, people=12, sessions=3, seed=8)
    assert made("first-") == made("again-") != made("other-")


def test_the_pages_of_a_generated_workshop_answer(client, db):
    generate(workshops=2, posters=20, people=30, sessions=5)
    for path in ["/conf-1/", "/conf-1/sessions/session-2/", "/conf-1/posters/", "/conf-1/posters/poster-1/",
                 "/conf-2/speakers/", "/conf-2/search/?q=descent", "/conf-2/schedule.ics"]:
        assert client.get(path).status_code == 200, path
