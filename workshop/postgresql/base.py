"""Django's PostgreSQL backend, with a health check that costs no round trip.

Django checks a persistent connection at the start of each request by sending SELECT 1: on a page of four
or five queries that is one statement more for PostgreSQL to parse and answer, every time. A server that
restarts, is told to terminate a backend, or dies takes the connection down by sending a message and
closing the socket; either way the socket becomes readable while no query is under way, which an idle,
healthy connection never is. So the check asks the operating system (poll, no waiting) instead of the
server. A false alarm (the server reporting a changed setting to an idle connection) costs a reconnect,
never a failed request. A connection left in a failed or unfinished statement, which SELECT 1 would have
failed on, is told apart by libpq's transaction status. A peer that vanishes without a word (a firewall
dropping idle connections silently) is not seen: the next query fails, that request is answered 503, and
the connection is replaced; DJANGO_CONN_MAX_AGE bounds how long a connection sits idle.

It also keeps the names of the statements prepared on the connection (schedule/prepared.py), which live
and die with it.
"""

import select

from django.conf import settings
from django.db.backends.postgresql import base

# libpq's transaction status (PQtransactionStatus), as psycopg2 and psycopg 3 both report it: idle, or
# idle inside a transaction. Not: a statement under way, a failed transaction, a broken connection.
READY = {0, 2}


def has_news(fileno):
    """Something to read, or the socket closed: the server has spoken or gone."""
    poller = select.poll()  # not select.select, which fails for descriptors past 1023
    poller.register(fileno, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


class DatabaseWrapper(base.DatabaseWrapper):
    # Names of the server-side prepared statements of the current connection; None: do not prepare
    # (settings.PREPARED_STATEMENTS off, or no connection yet).
    prepared_statements = None

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        # A connection for one request only (CONN_MAX_AGE 0) would prepare each statement to run it once.
        keeps = getattr(settings, "PREPARED_STATEMENTS", True) and self.settings_dict["CONN_MAX_AGE"] != 0
        self.prepared_statements = set() if keeps else None
        return connection

    def is_usable(self):
        if self.connection is None or self.connection.closed:
            return False
        try:
            return self.connection.info.transaction_status in READY and not has_news(self.connection.fileno())
        except (OSError, ValueError, base.Database.Error):
            return False
