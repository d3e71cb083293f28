"""The local PostgreSQL cluster: make sure it runs, restart it, recreate the benchmark's database."""

import subprocess
import time
from pathlib import Path

import psycopg2

HOST, PORT, USER = "127.0.0.1", 5432, "postgres"


def url(database):
    return f"postgres://{USER}@{HOST}:{PORT}/{database}"


def cluster_version():
    """The Debian cluster version, as pg_ctlcluster wants it (the first folder of /etc/postgresql)."""
    return sorted(path.name for path in Path("/etc/postgresql").iterdir())[0]


def pg_ctlcluster(action):
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", cluster_version(), "main", action],
        check=True, capture_output=True, text=True,
    )


def is_ready():
    return subprocess.run(["pg_isready", "-q", "-h", HOST, "-p", str(PORT)]).returncode == 0


def wait_ready(seconds=30):
    deadline = time.monotonic() + seconds
    while not is_ready():
        if time.monotonic() > deadline:
            raise RuntimeError(f"PostgreSQL at {HOST}:{PORT} is not ready after {seconds} s")
        time.sleep(0.2)


def ensure_running():
    """Start the cluster if it is down; returns True when it had to be started."""
    if is_ready():
        return False
    pg_ctlcluster("start")
    wait_ready()
    return True


def restart():
    """Restart the cluster (fast shutdown: open connections are cut); returns (started, finished) wall times."""
    started = time.time()
    pg_ctlcluster("restart")
    finished = time.time()
    wait_ready()
    return started, finished


def accepts_queries(timeout=1):
    """True when a new connection can be made and answers SELECT 1 (for polling during a restart)."""
    try:
        connection = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname="postgres", connect_timeout=timeout)
    except psycopg2.Error:
        return False
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return True
    except psycopg2.Error:
        return False
    finally:
        connection.close()


def _admin():
    """A connection to the maintenance database, in autocommit (DROP/CREATE DATABASE refuse a transaction)."""
    connection = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname="postgres")
    connection.autocommit = True
    return connection


def recreate_database(name):
    """Drop (cutting off any session left by an earlier run) and create an empty database."""
    connection = _admin()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def drop_database(name):
    connection = _admin()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


def analyze(name):
    """VACUUM ANALYZE the database: a site that has run for a while has its planner statistics, while a
    database filled a moment ago has them only once autovacuum gets round to it, maybe halfway through the
    measurements, and the plans (and figures) change with it."""
    connection = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname=name)
    connection.autocommit = True  # VACUUM refuses a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    finally:
        connection.close()


def settings(*names):
    """SHOW each setting, e.g. settings("server_version", "jit")."""
    values = {}
    connection = _admin()
    try:
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f"SHOW {name}")
                values[name] = cursor.fetchone()[0]
    finally:
        connection.close()
    return values
