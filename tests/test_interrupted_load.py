"""A load killed midway leaves no partial data: the database is exactly as it was, and a full load then works.

`manage.py load_workshop fixtures/oppo2021.json` runs as a child process against a database of its own (a
SQLite file; and, when the suite runs on PostgreSQL, a PostgreSQL database made for the test) and is killed
with SIGKILL while its transaction is open. The kill is timed from the moment the load starts writing, which
another process can see although the rows themselves stay invisible until commit: on SQLite the rollback
journal file appears, on PostgreSQL the load's backend gets a transaction id in pg_stat_activity. The first
kill comes at once; a full load then measures how long the writing lasts, and the later kills come a quarter
and a half of the way through it.
"""

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from urllib.parse import quote

import pytest
from django.apps import apps
from django.db import connection

from tests.conftest import ROOT

FIXTURE = "fixtures/oppo2021.json"
# Of the writing's length, after the kill at its very start. Not later: loads vary in speed (a busy machine),
# and a load that commits before its kill is tried again with half the delay (up to five times: the seed's writing
# lasts a fraction of a second, so one load slowed by other work can measure several times the usual).
KILL_FRACTIONS = [0.25, 0.55]
TIMEOUT = 120


def project_tables():
    """Every table of the project's own apps: the programme, its history and the programme version."""
    return sorted(
        model._meta.db_table for app in ("schedule", "posters", "workshop") for model in apps.get_app_config(app).get_models()
    )


def fingerprint(rows_by_table):
    return {table: (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()) for table, rows in rows_by_table.items()}


def manage(database_url, *args, log, **popen):
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, **popen
    )


class SqliteDatabase:
    """A database file; a copy of a migrated one for every load."""

    vendor = "sqlite"

    def __init__(self, folder):
        self.folder = folder
        self.template = folder / "migrated.sqlite3"
        self.path = folder / "db.sqlite3"

    @property
    def url(self):
        return f"sqlite:///{self.path}"  # the path is absolute: sqlite:////tmp/...

    def migrate(self, log):
        run = manage(f"sqlite:///{self.template}", "migrate", "--noinput", log=log)
        assert run.wait(TIMEOUT) == 0, "migrate failed, see its log"

    def fresh(self):
        for leftover in (self.path, self.journal):
            leftover.unlink(missing_ok=True)
        shutil.copy(self.template, self.path)

    @property
    def journal(self):
        return self.folder / "db.sqlite3-journal"

    def is_writing(self):
        # SQLite keeps a rollback journal from a transaction's first write to its commit.
        return self.journal.exists()

    def killed_mid_transaction(self):
        return self.journal.exists()  # a "hot" journal: the next connection rolls the file back with it

    def rows(self, tables):
        with closing(sqlite3.connect(self.path)) as db:  # a fresh connection, as after a crash
            return {table: db.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall() for table in tables}

    def drop(self):
        pass


class PostgresDatabase:
    """A database made for the test, copied for every load from a migrated template, dropped at the end."""

    vendor = "postgresql"

    def __init__(self, settings):
        import psycopg2

        self.settings = settings
        self.name = f"{settings['NAME']}_interrupted"
        self.template = f"{self.name}_migrated"
        self.admin = psycopg2.connect(**self.params("postgres"))
        self.admin.autocommit = True  # CREATE and DROP DATABASE cannot run in a transaction
        self.drop_databases()  # what an earlier, interrupted run may have left
        self.execute(f'CREATE DATABASE "{self.template}"')

    def params(self, name):
        s = self.settings
        return {"dbname": name, "user": s["USER"], "password": s["PASSWORD"], "host": s["HOST"], "port": s["PORT"] or 5432}

    def execute(self, sql, params=()):
        with self.admin.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    def url_for(self, name):
        s = self.settings
        password = f":{quote(s['PASSWORD'], safe='')}" if s["PASSWORD"] else ""
        return f"postgres://{quote(s['USER'], safe='')}{password}@{s['HOST']}:{s['PORT'] or 5432}/{name}"

    @property
    def url(self):
        return self.url_for(self.name)

    def migrate(self, log):
        run = manage(self.url_for(self.template), "migrate", "--noinput", log=log)
        assert run.wait(TIMEOUT) == 0, "migrate failed, see its log"

    def fresh(self):
        self.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template}"')

    def is_writing(self):
        # A backend gets a transaction id with its first write and keeps it until commit or rollback.
        found = self.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_xid IS NOT NULL", [self.name]
        )
        return found[0][0] > 0

    def killed_mid_transaction(self):
        return True  # nothing to see afterwards; the check just before the kill stands for it

    def rows(self, tables):
        import psycopg2

        with closing(psycopg2.connect(**self.params(self.name))) as db, db.cursor() as cursor:
            found = {}
            for table in tables:
                cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')
                found[table] = cursor.fetchall()
            return found

    def drop_databases(self):
        for name in (self.name, self.template):
            self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop(self):
        self.drop_databases()
        self.admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path, db):
    """The database a load is killed in. (It asks for db: pytest-django makes the test database, which the seed is
    loaded into and whose settings the PostgreSQL one copies, only for a run with a test that asks for it.)"""
    if request.param == "sqlite":
        target = SqliteDatabase(tmp_path)
    elif connection.vendor != "postgresql":
        pytest.skip("the suite runs on SQLite; run it with DATABASE_URL=postgres://… for PostgreSQL")
    else:
        target = PostgresDatabase(connection.settings_dict)
    yield target
    target.drop()


def wait_until(condition, process, what):
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert process.poll() is None, f"the load ended (exit {process.returncode}) before {what}"
        assert time.monotonic() < deadline, f"no sign of {what} after {TIMEOUT} s"
        time.sleep(0.002)
    return time.monotonic()


def load_and_kill(database, delay, log):
    """Start a load and SIGKILL it `delay` seconds after it starts writing. True if its transaction was still
    open then; False if the load had already committed (it ran faster than the one measured)."""
    process = manage(database.url, "load_workshop", FIXTURE, log=log)
    try:
        started = wait_until(database.is_writing, process, "writing")
        while time.monotonic() < started + delay:
            time.sleep(0.002)
        still_open = database.is_writing()
        process.send_signal(signal.SIGKILL)
        if process.wait(TIMEOUT) != -signal.SIGKILL:
            return False  # it had finished
        return still_open and database.killed_mid_transaction()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def full_load(database, log):
    """Load to the end; how long the writing lasted (first write to commit)."""
    process = manage(database.url, "load_workshop", FIXTURE, log=log)
    started = wait_until(database.is_writing, process, "writing")
    wait_until(lambda: not database.is_writing(), process, "the commit")
    committed = time.monotonic()
    assert process.wait(TIMEOUT) == 0, "the full load failed, see its log"
    return committed - started


def test_a_load_killed_midway_leaves_the_database_as_it_was_and_a_full_load_then_succeeds(database, tmp_path):
    tables = project_tables()
    with open(tmp_path / "manage.log", "w+") as log:
        database.migrate(log)
        database.fresh()
        before = fingerprint(database.rows(tables))
        assert before["schedule_session"][0] == 0

        problems = []

        def killed_at(moment, delay):
            """Kill a load `delay` s into its writing, or sooner if it commits first this time; check the tables."""
            for attempt in range(5):
                database.fresh()
                if load_and_kill(database, delay / 2**attempt, log):
                    break
            else:
                problems.append(f"{moment}: the load always committed before the kill")
                return
            if (after := fingerprint(database.rows(tables))) != before:
                changed = {table: (before[table][0], after[table][0]) for table in tables if after[table] != before[table]}
                problems.append(f"{moment}: tables changed (rows before, after): {changed}")

        killed_at("as it started writing", 0.0)
        assert not problems, problems
        # On the very database the killed load left behind.
        writing = full_load(database, log)
        loaded = fingerprint(database.rows(tables))
        assert (loaded["schedule_session"][0], loaded["posters_poster"][0]) == (17, 45)
        # So the fingerprint does tell a loaded database from an empty one.
        assert {table for table in tables if loaded[table] != before[table]} >= {
            "schedule_workshop", "schedule_speaker", "posters_posterauthor", "schedule_historicalsession"
        }  # fmt: skip

        for fraction in KILL_FRACTIONS:
            killed_at(f"{fraction:.0%} of the way through {writing:.2f} s of writing", fraction * writing)

        log.seek(0)
        assert not problems, "\n".join(problems) + "\n\nlog:\n" + log.read()[-3000:]
