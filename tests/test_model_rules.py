"""The rules live in the model layer, so the admin, the loader and every importer share them."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from posters.models import Poster, PosterSpot
from schedule.models import Room, Session, SessionKind


def messages(error):
    return {field: list(msgs) for field, msgs in error.value.message_dict.items()}


def test_an_unknown_timezone_is_refused(make_workshop):
    workshop = make_workshop()
    workshop.timezone = "Mars/Olympus_Mons"
    with pytest.raises(ValidationError) as error:
        workshop.full_clean()
    assert messages(error)["timezone"] == ["“Mars/Olympus_Mons” is not an IANA timezone name such as Europe/Berlin."]


def test_a_workshop_cannot_end_before_it_starts(make_workshop):
    workshop = make_workshop()
    workshop.end_date = workshop.start_date - timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        workshop.full_clean()


def test_the_database_itself_refuses_a_session_that_ends_before_it_starts(make_session):
    session = make_session()
    session.ends_at = session.starts_at - timedelta(minutes=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        session.save()


def test_the_database_itself_refuses_a_duplicate_slug_in_one_workshop(make_session):
    session = make_session()
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(
            workshop=session.workshop,
            title="Copy",
            slug=session.slug,
            kind=SessionKind.OTHER,
            starts_at=session.starts_at + timedelta(days=1),
            ends_at=session.ends_at + timedelta(days=1),
        )


def test_the_same_slug_is_fine_in_another_workshop(make_workshop, make_session):
    first = make_session(workshop=make_workshop())
    other = make_session(workshop=make_workshop(), slug=first.slug)
    other.full_clean()


def test_session_times_are_checked_against_the_workshops_own_zone(make_workshop):
    workshop = make_workshop(timezone="Pacific/Auckland", start_date=date(2030, 5, 6), end_date=date(2030, 5, 6))
    # 23:30 on 6 May in Auckland is 11:30 UTC; midnight after it is outside.
    inside = datetime(2030, 5, 6, 23, 0, tzinfo=workshop.tzinfo)
    session = Session(workshop=workshop, title="Late", slug="late", kind="other", starts_at=inside, ends_at=inside + timedelta(minutes=30))
    session.full_clean()
    session.ends_at = inside + timedelta(hours=2)
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "within the workshop's dates" in messages(error)["starts_at"][0]


def test_a_room_of_another_workshop_is_refused(make_workshop, make_session):
    other_room = Room.objects.create(workshop=make_workshop(), name="Elsewhere", slug="elsewhere")
    session = make_session(workshop=make_workshop())
    session.room = other_room
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert messages(error)["room"] == ["Room “Elsewhere” belongs to another workshop."]


def test_overlap_is_refused_in_one_room_and_allowed_across_rooms(make_workshop, make_session):
    workshop = make_workshop()
    hall = Room.objects.create(workshop=workshop, name="Hall", slug="hall")
    annex = Room.objects.create(workshop=workshop, name="Annex", slug="annex")
    first = make_session(workshop=workshop, room=hall)
    clash = Session(
        workshop=workshop, title="Clash", slug="clash", kind="other", room=hall,
        starts_at=first.starts_at + timedelta(minutes=5), ends_at=first.ends_at + timedelta(minutes=5),
    )
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert messages(error)["starts_at"][0].startswith(f"Overlaps “{first.title}”")
    clash.room = annex
    clash.full_clean()


def test_back_to_back_sessions_do_not_overlap(make_session):
    first = make_session()
    follow = Session(
        workshop=first.workshop, title="Next", slug="next", kind="other", starts_at=first.ends_at,
        ends_at=first.ends_at + timedelta(minutes=10),
    )
    follow.full_clean()


def test_editing_a_session_does_not_clash_with_itself(make_session):
    session = make_session()
    session.title = "Renamed"
    session.full_clean()


def test_a_session_cannot_belong_to_itself(make_session):
    session = make_session()
    session.belongs_to = session
    with pytest.raises(ValidationError, match="cannot belong to itself"):
        session.full_clean()


def test_a_poster_spot_label_is_used_by_one_poster_per_room(make_poster):
    first = make_poster(spots=["A1"])
    second = make_poster(spots=["B1"], room=first.room)
    spot = PosterSpot(poster=second, label="A1")
    with pytest.raises(ValidationError) as error:
        spot.full_clean()
    assert messages(error)["label"] == [f"Spot A1 in room “{first.room}” is already taken by “{first}”."]


def test_a_spot_label_in_another_case_is_the_same_spot(make_poster):
    first = make_poster(spots=["a1"])
    second = make_poster(spots=["B1"], room=first.room)
    spot = PosterSpot(poster=second, label="A1")
    with pytest.raises(ValidationError) as error:
        spot.full_clean()
    assert messages(error)["label"] == [f"Spot A1 in room “{first.room}” is already taken by “{first}”."]


def test_spot_labels_are_stored_upper_cased_however_they_are_written(make_poster):
    poster = make_poster(spots=["c3"])
    spot = PosterSpot(poster=poster, label="d4")
    spot.full_clean()  # what the admin and the loader run
    assert spot.label == "D4"
    spot.save()
    PosterSpot.objects.bulk_create([PosterSpot(poster=poster, label="e5")])  # no model code at all
    assert sorted(PosterSpot.objects.filter(poster=poster).values_list("label", flat=True)) == ["C3", "D4", "E5"]
    with pytest.raises(IntegrityError), transaction.atomic():
        PosterSpot.objects.create(poster=poster, label="C3".lower())  # one label per poster, whatever the case


def test_the_same_spot_label_is_fine_in_another_room(make_poster):
    first = make_poster(spots=["A1"])
    other_room = Room.objects.create(workshop=first.workshop, name="Room 2", slug="room-2")
    second = make_poster(spots=["B1"], room=other_room)
    PosterSpot(poster=second, label="A1").full_clean()


def test_a_poster_time_needs_both_ends_in_order(make_poster):
    poster = make_poster()
    poster.starts_at = datetime(2030, 5, 6, 12, tzinfo=poster.workshop.tzinfo)
    with pytest.raises(ValidationError, match="both a start and an end"):
        poster.full_clean()
    poster.ends_at = poster.starts_at + timedelta(hours=1)
    poster.full_clean()


def test_a_spotlight_of_another_workshop_is_refused(make_workshop, make_session, make_poster):
    poster = make_poster(workshop=make_workshop())
    poster.spotlight = make_session(workshop=make_workshop())
    with pytest.raises(ValidationError) as error:
        poster.full_clean()
    assert "belongs to another workshop" in messages(error)["spotlight"][0]


def test_a_spot_label_is_letters_and_digits(empty_db, make_poster):
    with pytest.raises(ValidationError, match="letters and digits"):
        PosterSpot(poster=make_poster(), label="A 1<").full_clean()
    assert Poster.objects.count() == 1
