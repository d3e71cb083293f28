"""Queries compiled once and run again with new arguments give what the QuerySet itself gives."""

from datetime import datetime, timedelta, timezone

import pytest
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext

from schedule.models import Room, RoomKind, Session, Speaker, Workshop, timetable_sessions, workshop_finder
from schedule.prepared import AmongIds, PreparedQuery, execute_prepared, ids_text
from schedule.views import has_posters


def sessions_by_start(workshop_id):
    return Session.objects.filter(workshop=workshop_id).values_list("slug", "starts_at", "guid")


def test_each_run_answers_for_its_own_arguments_with_the_querysets_rows(make_workshop, make_session):
    first, second = make_workshop(), make_workshop()
    for workshop in (first, second, first):
        make_session(workshop=workshop)
    prepared = PreparedQuery(sessions_by_start)

    for workshop in (first, second, first):
        assert prepared(workshop.pk) == list(sessions_by_start(workshop.pk))
    assert len(prepared(first.pk)) == 2 and len(prepared(second.pk)) == 1


def test_dates_and_identifiers_come_back_as_python_values_on_every_database(make_session):
    starts = datetime(2030, 5, 6, 7, 30, tzinfo=timezone.utc)
    session = make_session(starts_at=starts, ends_at=starts + timedelta(hours=1))

    [(slug, starts_at, guid)] = PreparedQuery(sessions_by_start)(session.workshop_id)

    assert (slug, starts_at, guid) == (session.slug, session.starts_at, session.guid)
    assert starts_at.utcoffset() is not None  # aware, as the ORM gives it, not SQLite's text


def test_the_sql_is_compiled_once_per_shape_of_arguments(make_speaker):
    people = [make_speaker() for _ in range(4)]
    compiled = []

    def build(slugs):
        compiled.append(len(slugs))
        return Speaker.objects.filter(slug__in=slugs).order_by("slug").values_list("name")

    prepared = PreparedQuery(build)

    assert prepared([people[0].slug, people[1].slug]) == [(people[0].name,), (people[1].name,)]
    assert prepared([people[2].slug, people[3].slug]) == [(people[2].name,), (people[3].name,)]
    assert prepared([people[3].slug]) == [(people[3].name,)]
    assert compiled == [2, 1]


def test_an_empty_list_matches_nothing_without_asking_the_database(db):
    prepared = PreparedQuery(lambda slugs: Speaker.objects.filter(slug__in=slugs).values_list("name"))

    with CaptureQueriesContext(connection) as queries:
        assert prepared([]) == []
    assert len(queries) == 0


def test_an_argument_that_does_not_reach_the_sql_as_a_parameter_is_refused(db):
    # Whatever the first run made of it would stay in the SQL's text, and every later run would answer for it.
    prepared = PreparedQuery(lambda slug: Speaker.objects.filter(slug__gt="").values_list("pk"))

    with pytest.raises(ValueError, match="must be a parameter of its SQL"):
        prepared("someone")


def test_an_argument_may_stand_in_several_places(make_speaker):
    make_speaker(name="Ada", slug="ada"), make_speaker(name="ada", slug="lovelace"), make_speaker(name="Bo", slug="bo")

    def by_slug_or_name(text):
        return Speaker.objects.filter(Q(slug=text) | Q(name=text)).order_by("slug").values_list("slug")

    prepared = PreparedQuery(by_slug_or_name)

    assert prepared("ada") == list(by_slug_or_name("ada")) == [("ada",), ("lovelace",)]
    assert prepared("Bo") == list(by_slug_or_name("Bo")) == [("bo",)]


@pytest.mark.parametrize("lookup", ["name__icontains", "name__iexact", "name__startswith"])
def test_a_lookup_that_rewrites_its_argument_is_refused_never_answered_wrongly(make_speaker, lookup):
    # LIKE wraps and escapes the value (iexact too, on SQLite): the first run's rewritten stand-in would stay
    # in every later run. Where a database passes the value as it is, the answers must be the ORM's.
    make_speaker(name="a_b"), make_speaker(name="axb"), make_speaker(name="A_B and more")

    def build(text):
        return Speaker.objects.filter(**{lookup: text}).order_by("name").values_list("name")

    prepared = PreparedQuery(build)
    try:
        answers = [prepared(text) for text in ("a_b", "axb", "A_B")]
    except ValueError as refused:
        assert "rewrites its argument" in str(refused) or "must be a parameter" in str(refused)
        assert lookup != "name__iexact" or connection.vendor == "sqlite"
    else:
        assert lookup == "name__iexact" and connection.vendor == "postgresql"
        assert answers == [list(build(text)) for text in ("a_b", "axb", "A_B")]


@pytest.mark.parametrize("flavour", [{"flat": True}, {"named": True}])
def test_only_plain_values_list_rows_are_prepared(db, flavour):
    prepared = PreparedQuery(lambda slug: Speaker.objects.filter(slug=slug).values_list("pk", **flavour))

    with pytest.raises(TypeError, match="values_list"):
        prepared("someone")


def test_a_value_of_another_kind_is_refused(db):
    with pytest.raises(TypeError, match="ints, strings and lists"):
        PreparedQuery(lambda when: Session.objects.filter(starts_at=when).values_list("pk"))(datetime.now())


def test_the_timetables_sessions_are_those_of_the_queryset_with_rooms_and_speakers(make_session, make_workshop):
    workshop = make_workshop()
    hall = Room.objects.create(workshop=workshop, name="Hall <A>", slug="hall", kind=RoomKind.PHYSICAL)
    make_session(workshop=workshop, room=hall, speakers=2)
    make_session(workshop=workshop, speakers=0, video_url="https://example.org/v")
    make_session(workshop=make_workshop(), speakers=1)  # another workshop's

    prepared = timetable_sessions(workshop)
    expected = list(Session.objects.for_timetable(workshop))

    assert [s.pk for s in prepared] == [s.pk for s in expected]
    for got, wanted in zip(prepared, expected):
        fields = [field.attname for field in Session._meta.concrete_fields]
        assert [getattr(got, name) for name in fields] == [getattr(wanted, name) for name in fields]
        assert got.speaker_list == wanted.speaker_list
        assert (got.room and (got.room.pk, got.room.name, got.room.kind)) == (
            wanted.room and (wanted.room.pk, wanted.room.name, wanted.room.kind)
        )
    assert prepared[0].room.name == "Hall <A>" and prepared[1].room is None


def test_a_workshop_is_found_by_slug_with_its_annotations_or_not_at_all(make_workshop, make_poster):
    with_posters, without = make_workshop(), make_workshop()
    make_poster(workshop=with_posters)
    find = workshop_finder(has_posters=has_posters)

    found = find(with_posters.slug)

    assert found == Workshop.objects.get(slug=with_posters.slug)
    assert (found.title, found.start_date, found.timezone) == (with_posters.title, with_posters.start_date, "Europe/Berlin")
    assert found.has_posters is True and find(without.slug).has_posters is False
    assert find("no-such-workshop") is None


def test_everyone_in_a_workshop_is_each_speaker_author_and_organizer_once(
    make_workshop, make_session, make_poster, make_speaker
):
    from workshop import people

    session = make_session(speakers=2)
    workshop = session.workshop
    both = session.session_speakers.first().speaker
    make_poster(workshop=workshop, authors=2).poster_authors.create(speaker=both, position=9)
    workshop.workshop_organizers.create(speaker=make_speaker(name="Only Organizes"), position=0)
    make_session(workshop=make_workshop(), speakers=1)  # someone of another workshop only

    everyone = people.everyone_in(workshop)

    assert sorted(everyone) == sorted(people.appearing_in(workshop).values_list("pk", "slug", "name"))
    assert len(everyone) == 5 and len({person.pk for person in everyone}) == 5


def test_ids_given_as_one_parameter_find_those_rows_whatever_their_number(make_speaker):
    people = [make_speaker() for _ in range(5)]
    compiled = []

    def build(ids):
        compiled.append(ids)
        return Speaker.objects.filter(AmongIds("pk", ids)).order_by("pk").values_list("slug")

    prepared = PreparedQuery(build)

    for chosen in (people[:1], people[1:4], people):
        assert prepared(ids_text(person.pk for person in chosen)) == [(person.slug,) for person in chosen]
    assert prepared(ids_text([])) == []
    assert len(compiled) == 1


def test_an_absent_argument_leaves_its_condition_out(make_speaker):
    make_speaker(name="Ada", slug="ada"), make_speaker(name="Bo", slug="bo")

    def build(slug):
        found = Speaker.objects.order_by("slug")
        return (found.filter(slug=slug) if slug is not None else found).values_list("slug")

    prepared = PreparedQuery(build)

    assert prepared("bo") == [("bo",)]
    assert prepared(None) == [("ada",), ("bo",)]
    assert prepared("ada") == [("ada",)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statements prepared on the server are PostgreSQL's")
def test_on_postgresql_the_sql_is_prepared_on_the_server_once_per_connection(make_speaker):
    speaker = make_speaker()
    prepared = PreparedQuery(lambda slug: Speaker.objects.filter(slug=slug).values_list("name"))

    with CaptureQueriesContext(connection) as first:
        assert prepared(speaker.slug) == [(speaker.name,)]
    with CaptureQueriesContext(connection) as second:
        assert prepared(speaker.slug) == [(speaker.name,)]
    assert [query["sql"].split()[0] for query in second.captured_queries] == ["EXECUTE"]
    assert any(query["sql"].startswith("PREPARE") for query in first.captured_queries)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%schedule_speaker%%'")
        assert cursor.fetchone()[0] >= 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statements prepared on the server are PostgreSQL's")
def test_sql_the_server_will_not_prepare_runs_as_it_is_and_the_transaction_goes_on(make_speaker):
    # PostgreSQL cannot tell the type of a parameter only tested for NULL: PREPARE fails, in a savepoint.
    speaker = make_speaker()
    prepared = PreparedQuery(
        lambda slug, label: Speaker.objects.alias(given=RawSQL("%s IS NOT NULL", [label], BooleanField()))
        .filter(given=True, slug=slug)
        .values_list("name")
    )

    with CaptureQueriesContext(connection) as queries:
        assert prepared(speaker.slug, "found") == [(speaker.name,)]
        assert prepared(speaker.slug, "again") == [(speaker.name,)]
    assert not any(query["sql"].startswith("EXECUTE") for query in queries.captured_queries)
    assert Speaker.objects.filter(pk=speaker.pk).exists()  # the test's transaction is still usable


@pytest.fixture
def statements_restored(db):
    """The connection's prepared statements as a test found them: none, and preparing on."""
    yield
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    connection.prepared_statements = set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statements prepared on the server are PostgreSQL's")
def test_a_new_connection_starts_with_no_statements_and_none_when_it_lives_for_one_request(db):
    with connection.cursor():
        pass  # connected
    for max_age, expected in ((600, set()), (0, None)):
        other = connection.copy()
        other.settings_dict = {**other.settings_dict, "CONN_MAX_AGE": max_age}
        try:
            other.ensure_connection()
            assert other.prepared_statements == expected
        finally:
            other.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statements prepared on the server are PostgreSQL's")
def test_statements_the_server_forgot_fail_one_transaction_then_the_sql_runs_as_it_is(
    make_speaker, statements_restored
):
    # A pooler moving the connection, or DISCARD ALL: the server no longer has what the connection noted.
    speaker = make_speaker()
    prepared = PreparedQuery(lambda slug: Speaker.objects.filter(slug=slug).values_list("name"))
    assert prepared(speaker.slug) == [(speaker.name,)]
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")

    with pytest.raises(DatabaseError, match="does not exist"), transaction.atomic():
        prepared(speaker.slug)

    assert connection.prepared_statements is None  # no more preparing on this connection
    with CaptureQueriesContext(connection) as queries:
        assert prepared(speaker.slug) == [(speaker.name,)]
    assert not any(query["sql"].startswith(("PREPARE", "EXECUTE")) for query in queries.captured_queries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statements prepared on the server are PostgreSQL's")
def test_outside_a_transaction_a_forgotten_statement_is_answered_by_the_plain_sql(db):
    # What a request (autocommit, no transaction) sees when a pooler moved its connection: an answer, then no
    # more preparing on that connection. A second connection, since the test itself runs in a transaction.
    prepared = PreparedQuery(lambda slug: Speaker.objects.filter(slug=slug).values_list("slug"))
    prepared("nobody")
    sql, params, _, _, statement = prepared._compiled(DEFAULT_DB_ALIAS, "postgresql", ((str, None),))
    other = connection.copy()
    try:
        other.ensure_connection()
        assert not other.in_atomic_block and other.get_autocommit()
        other.prepared_statements.add(statement[0])  # noted, but this server connection never saw it
        with other.cursor() as cursor:
            execute_prepared(other, cursor, statement, sql, ["nobody"])
            assert cursor.fetchall() == []
        assert other.prepared_statements is None
    finally:
        other.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statements prepared on the server are PostgreSQL's")
def test_sql_compiled_while_a_connection_did_not_prepare_is_prepared_on_one_that_does(
    make_speaker, statements_restored
):
    # Compiled SQL is shared by every connection of the process; whether to prepare is each connection's own.
    speaker = make_speaker()
    prepared = PreparedQuery(lambda slug: Speaker.objects.filter(slug=slug).values_list("name"))
    connection.prepared_statements = None
    assert prepared(speaker.slug) == [(speaker.name,)]
    connection.prepared_statements = set()

    with CaptureQueriesContext(connection) as queries:
        assert prepared(speaker.slug) == [(speaker.name,)]
    assert [query["sql"].split()[0] for query in queries.captured_queries][-1] == "EXECUTE"
