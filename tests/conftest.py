import itertools
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from posters.models import Poster, PosterAuthor, PosterSpot
from schedule.models import Room, RoomKind, Session, SessionKind, SessionSpeaker, Speaker, Workshop

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


SEED = "oppo2021"


def empties_the_tables(item):
    """Transactional tests commit, and the tables are emptied after them: the seed with the rest."""
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    return transactional or bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    # Tests that empty the tables run last, the browser tests (the slowest) at the very end.
    items.sort(key=lambda item: (empties_the_tables(item), "tests/browser/" in str(item.path).replace("\\", "/")))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database with the OPPO 2021 programme loaded once, from the committed fixture, for every test
    that reads it; each test's own writes are rolled back after it."""
    with django_db_blocker.unblock():
        call_command("loaddata", SEED, verbosity=0)


@pytest.fixture
def seed(db):
    """The OPPO 2021 programme (loaded again only where a transactional test emptied the tables before)."""
    workshop = Workshop.objects.filter(slug=SEED).first()
    if workshop is None:
        call_command("loaddata", SEED, verbosity=0)
        workshop = Workshop.objects.get(slug=SEED)
    return workshop


@pytest.fixture
def make_workshop(db):
    counter = itertools.count(1)

    def make(**fields):
        n = next(counter)
        defaults = dict(
            title=f"Workshop {n}",
            slug=f"workshop-{n}",
            conference="Test Conference",
            start_date=date(2030, 5, 6),
            end_date=date(2030, 5, 7),
            timezone="Europe/Berlin",
        )
        return Workshop.objects.create(**(defaults | fields))

    return make


@pytest.fixture
def make_speaker(db):
    counter = itertools.count(1)

    def make(**fields):
        n = next(counter)
        return Speaker.objects.create(**({"name": f"Person {n}", "slug": f"person-{n}"} | fields))

    return make


@pytest.fixture
def empty_db(db):
    """A database with no programme at all: the shared seed is deleted for this test, and comes back with the
    rollback after it."""
    for model in (Poster, Session, Workshop, Speaker):  # each before what it protects
        model.objects.all().delete()
    for app in ("schedule", "posters"):
        for model in apps.get_app_config(app).get_models():
            model.objects.all().delete()  # history left by the deletes above


def own_workshop(make_workshop):
    """The first workshop the test made, or a new one: never the seed, which every test shares."""
    return Workshop.objects.exclude(slug=SEED).order_by("pk").first() or make_workshop()


@pytest.fixture
def make_session(make_workshop, make_speaker):
    """Sessions one after another in a workshop, each with the given number of speakers."""
    counter = itertools.count(0)

    def make(workshop=None, speakers=0, **fields):
        workshop = workshop or own_workshop(make_workshop)
        n = next(counter)
        starts = datetime(2030, 5, 6, 9, tzinfo=workshop.tzinfo) + timedelta(minutes=20 * n)
        defaults = dict(
            workshop=workshop,
            title=f"Session {n}",
            slug=f"session-{n}",
            kind=SessionKind.INVITED_TALK,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=20),
        )
        session = Session.objects.create(**(defaults | fields))
        for position in range(speakers):
            SessionSpeaker.objects.create(session=session, speaker=make_speaker(), position=position)
        return session

    return make


@pytest.fixture
def make_poster(make_workshop, make_speaker):
    counter = itertools.count(0)

    def make(workshop=None, authors=0, spots=(), room=None, **fields):
        workshop = workshop or own_workshop(make_workshop)
        n = next(counter)
        if room is None:
            room, _ = Room.objects.get_or_create(
                workshop=workshop, slug="poster-hall", defaults={"name": "Poster hall", "kind": RoomKind.PHYSICAL}
            )
        poster = Poster.objects.create(
            **({"workshop": workshop, "title": f"Poster {n}", "slug": f"poster-{n}", "room": room} | fields)
        )
        for label in spots or [f"P{n}"]:
            PosterSpot.objects.create(poster=poster, label=label)
        for position in range(authors):
            PosterAuthor.objects.create(poster=poster, speaker=make_speaker(), position=position)
        return poster

    return make


@pytest.fixture
def make_large_workshop(make_workshop):
    """A synthetic workshop with the given numbers of sessions and posters, each with several people."""

    def make(sessions, posters, people_each=3):
        workshop = make_workshop()
        rooms = Room.objects.bulk_create(
            Room(workshop=workshop, name=f"Room {n}", slug=f"room-{n}", kind=RoomKind.PHYSICAL, position=n)
            for n in range(4)
        )
        speakers = Speaker.objects.bulk_create(
            Speaker(name=f"{workshop.slug} person {n}", slug=f"{workshop.slug}-person-{n}") for n in range(sessions + posters)
        )
        start = datetime.combine(workshop.start_date, datetime.min.time(), tzinfo=workshop.tzinfo)
        made = Session.objects.bulk_create(
            Session(
                workshop=workshop,
                title=f"Talk {n}",
                slug=f"talk-{n}",
                kind=SessionKind.INVITED_TALK,
                room=rooms[n % 4],
                starts_at=start + timedelta(minutes=10 * (n // 4)),
                ends_at=start + timedelta(minutes=10 * (n // 4) + 10),
            )
            for n in range(sessions)
        )
        SessionSpeaker.objects.bulk_create(
            SessionSpeaker(session=s, speaker=speakers[(n + k) % len(speakers)], position=k)
            for n, s in enumerate(made)
            for k in range(people_each)
        )
        made_posters = Poster.objects.bulk_create(
            Poster(workshop=workshop, title=f"Poster {n}", slug=f"poster-{n}", room=rooms[n % 4]) for n in range(posters)
        )
        PosterSpot.objects.bulk_create(PosterSpot(poster=p, label=f"S{n}") for n, p in enumerate(made_posters))
        PosterAuthor.objects.bulk_create(
            PosterAuthor(poster=p, speaker=speakers[(n + k) % len(speakers)], position=k)
            for n, p in enumerate(made_posters)
            for k in range(people_each)
        )
        return workshop

    return make
