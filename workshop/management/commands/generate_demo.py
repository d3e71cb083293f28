"""A synthetic conference of any size, for load tests and benchmarks: NeurIPS-sized is
`generate_demo --workshops 60 --posters 5000 --people 10000`."""

import random
from datetime import date, datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from posters.models import Poster, PosterAuthor, PosterSpot
from schedule.models import Room, RoomKind, Session, SessionKind, SessionSpeaker, Speaker, Workshop, WorkshopOrganizer
from workshop.caching import bump_version

GIVEN = "Ada Alan Grace Yoshua Yann Geoffrey Fei Andrew Daphne Judea Leslie Barbara Shafi Silvio Cynthia Michael Jordan Emma Noah Olivia Liam Ava Mia Lucas Sofia Mateo Amara Kenji Priya Arjun Mei Wei Hana Omar Leila Tariq Ines Jonas Freya Nils Astrid Pablo Lucia Diego Chiara Marco Aisha Kwame Nia Tomas Elif".split()
FAMILY = "Turing Lovelace Hopper Bengio LeCun Hinton Li Ng Koller Pearl Valiant Liskov Goldwasser Micali Dwork Jordan Smith Garcia Chen Wang Kim Nakamura Patel Singh Sato Müller Schmidt Rossi Russo Dubois Martin Novak Kowalski Nielsen Larsen Silva Costa Okafor Mensah Haddad Rahman Yilmaz Ivanov Petrov Johansson Berg Moreau Fischer Weber Tanaka Suzuki Zhang Liu Huang Zhao".split()
TOPICS = "generalization optimization robustness interpolation kernels transformers diffusion sparsity pruning scaling alignment calibration fairness privacy bandits reinforcement representation attention memorization overparameterization".split()
WORDS = "we study show prove analyze propose method model models network networks training data loss gradient descent stochastic bound bounds regime limit width depth feature features learning linear nonlinear random matrix theory empirical results experiments benchmark performance error risk test noise label labels sample complexity convex regularization implicit explicit dynamics phase transition double descent".split()


def sentence(rng, words=14):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def title(rng):
    return f"{rng.choice(['On', 'Towards', 'Understanding', 'Revisiting', 'A Theory of', 'Scaling'])} " \
           f"{rng.choice(TOPICS).capitalize()} in {rng.choice(TOPICS).capitalize()} {rng.choice(['Models', 'Networks', 'Regimes', 'Systems'])}"


class Command(BaseCommand):
    help = "Create a realistic synthetic conference: workshops with rooms, sessions, posters on spots, people."

    def add_arguments(self, parser):
        parser.add_argument("--workshops", type=int, default=60)
        parser.add_argument("--posters", type=int, default=5000, help="In all, spread over the workshops.")
        parser.add_argument("--people", type=int, default=10000)
        parser.add_argument("--sessions", type=int, default=20, help="Per workshop.")
        parser.add_argument("--prefix", default="demo", help="Slug prefix of the workshops made.")
        parser.add_argument("--seed", type=int, default=2024, help="Random seed: the same seed makes the same data.")
        parser.add_argument("--start-date", type=date.fromisoformat, default=date(2030, 12, 13))

    @transaction.atomic
    def handle(self, *args, workshops, posters, people, sessions, prefix, seed, start_date, **options):
        if min(workshops, people) < 1 or posters < 0 or not 0 <= sessions <= 50:
            raise CommandError("need at least one workshop and one person, and 0 to 50 sessions per workshop")
        if Workshop.objects.filter(slug__startswith=f"{prefix}-").exists():
            raise CommandError(f"workshops named {prefix}-… exist already; choose another --prefix")
        rng = random.Random(seed)
        speakers = Speaker.objects.bulk_create(
            Speaker(name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", slug=f"{prefix}-person-{n}") for n in range(people)
        )
        made = Workshop.objects.bulk_create(
            Workshop(
                title=f"{title(rng)} (Workshop {n + 1})",
                slug=f"{prefix}-{n + 1}",
                conference="Demo Conference 2030",
                start_date=start_date + timedelta(days=n % 2),
                end_date=start_date + timedelta(days=n % 2),
                timezone="America/Vancouver",
                description=" ".join(sentence(rng) for _ in range(5)),
            )
            for n in range(workshops)
        )
        WorkshopOrganizer.objects.bulk_create(
            WorkshopOrganizer(workshop=w, speaker=rng.choice(speakers), position=0) for w in made
        )
        rooms = {}
        for workshop in made:
            rooms[workshop.pk] = Room.objects.bulk_create(
                [
                    Room(workshop=workshop, name="Main hall", slug="main-hall", kind=RoomKind.STREAM, position=0),
                    Room(workshop=workshop, name="Poster room 1", slug="poster-room-1", kind=RoomKind.VIRTUAL_WORLD,
                         url=f"https://example.org/{workshop.slug}/1", position=1),
                    Room(workshop=workshop, name="Poster room 2", slug="poster-room-2", kind=RoomKind.VIRTUAL_WORLD,
                         url=f"https://example.org/{workshop.slug}/2", position=2),
                ]
            )
        self.sessions(rng, made, rooms, speakers, sessions)
        self.posters(rng, made, rooms, speakers, posters)
        bump_version()  # bulk_create sends no signals
        if connection.vendor == "postgresql":
            # Until autovacuum gets round to these tables, the planner takes them for the empty tables they were
            # and picks sequential scans and hash joins (the timetable's speaker query: 2 ms instead of 0.06 ms).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(
            f"Made {workshops} workshops, {workshops * sessions} sessions, {posters} posters, {people} people."
        ))

    def sessions(self, rng, workshops, rooms, speakers, per_workshop):
        kinds = [SessionKind.INVITED_TALK, SessionKind.SPOTLIGHT, SessionKind.SPOTLIGHT, SessionKind.LIVE_QA]
        rows = []
        for workshop in workshops:
            clock = datetime.combine(workshop.start_date, time(8, 30), tzinfo=workshop.tzinfo)
            for n in range(per_workshop):
                kind = SessionKind.OPENING if n == 0 else rng.choice(kinds)
                length = timedelta(minutes=45 if kind == SessionKind.INVITED_TALK else 15)
                rows.append(Session(
                    workshop=workshop, title=title(rng), slug=f"session-{n + 1}", kind=kind, room=rooms[workshop.pk][0],
                    starts_at=clock, ends_at=clock + length, abstract=" ".join(sentence(rng) for _ in range(6)),
                    video_provider="SlidesLive",
                ))
                clock += length
        made = Session.objects.bulk_create(rows)
        SessionSpeaker.objects.bulk_create(
            SessionSpeaker(session=session, speaker=person, position=position)
            for session in made
            for position, person in enumerate(rng.sample(speakers, k=min(len(speakers), rng.randint(1, 3))))
        )

    def posters(self, rng, workshops, rooms, speakers, total):
        rows, spots = [], []
        for index in range(total):
            workshop = workshops[index % len(workshops)]
            number = index // len(workshops)
            room = rooms[workshop.pk][1 + number % 2]
            per_room = number // 2
            rows.append(Poster(
                workshop=workshop, title=title(rng), slug=f"poster-{number + 1}", room=room,
                abstract=" ".join(sentence(rng) for _ in range(8)),
            ))
            spots.append(f"{chr(ord('A') + per_room // 10)}{per_room % 10}")
        made = Poster.objects.bulk_create(rows)
        PosterSpot.objects.bulk_create(PosterSpot(poster=p, label=label) for p, label in zip(made, spots))
        PosterAuthor.objects.bulk_create(
            PosterAuthor(poster=poster, speaker=person, position=position)
            for poster in made
            for position, person in enumerate(rng.sample(speakers, k=min(len(speakers), rng.randint(2, 6))))
        )
