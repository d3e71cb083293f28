"""Queries that pages run on every request, compiled to SQL once per process and then only run.

Django builds and compiles a QuerySet's SQL each time it is evaluated. For the small queries a page is made
of, that is most of the cost: a list of organizers took 0.63 ms of CPU, 0.1 ms of it running the SQL and
reading the rows. A PreparedQuery is still written as a QuerySet, so the ORM decides the SQL for each
database; it is compiled the first time it runs with arguments of a given shape, with stand-in values
whose places among the SQL's parameters are noted, and later runs put the real arguments in those places.
Rows come back as values_list() gives them, through the same converters (SQLite's dates, for instance).
On PostgreSQL (through workshop/postgresql), the SQL is also prepared on the server, once per connection,
so the server does not parse and plan it again on every request either: that saved a quarter of the time
the search page's queries took (4.5 ms to 3.4 ms for its ten). PostgreSQL still plans a statement afresh
for its values while that plan is better than a generic one.

What compiling fixes for good is more than the SQL's text: every parameter but the arguments' own. So a
prepared query filters on its arguments as they are (exact, __in, joins), not through lookups that rewrite
them (icontains wraps and escapes the value: refused when compiling) and not through anything that reads
a setting or the reader's zone while compiling (a date truncated in the current zone would keep the first
reader's).
"""

import hashlib
import re
from functools import lru_cache
from itertools import count

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import BooleanField, Expression, F
from django.db.models.query import ValuesListIterable

# Text no real parameter holds (a NUL), with the characters LIKE escaping would rewrite: a lookup that
# changes its value shows, because the stand-in then appears only inside another parameter.
TEXT_STAND_IN = "\x00stand-in %_\\ "
# PostgreSQL's SQLSTATEs: a statement it refuses to prepare (class 42: a parameter of unknown type, say); a
# prepared statement missing, one already there, a cached plan whose result type changed.
SYNTAX_OR_ACCESS_RULE = "42"
STALE_STATEMENT = {"26000", "42P05", "0A000"}
# Keys in the range of every integer field, positive ones included; never compared with real values, only
# with the other parameters of the query being compiled.
FIRST_NUMBER_STAND_IN = 2_147_000_000


def _flat(arguments):
    """The values that become parameters, in order: an absent (None) argument has none."""
    return [
        value
        for argument in arguments
        for value in (argument if isinstance(argument, list) else [argument])
        if value is not None
    ]


def _kind(value):
    if value is None:
        return None
    if isinstance(value, str):
        return str
    if isinstance(value, int) and not isinstance(value, bool):
        return int
    raise TypeError(f"a prepared query takes ints, strings and lists of them, not {value!r}")


def _shape(argument):
    if isinstance(argument, list):
        if argument[0] is None:
            raise TypeError("a list given to a prepared query holds values, not None")
        return (_kind(argument[0]), len(argument))
    return (_kind(argument), None)


def _converters(expressions, connection):
    """{column: (functions, expression)} as SQLCompiler.get_converters makes them, for this thread's
    connection: the compiler of the first run belongs to the thread that ran it."""
    found = {}
    for column, expression in enumerate(expressions):
        if expression is None:
            continue
        functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        if functions:
            found[column] = (functions, expression)
    return found


def _converted(rows, converters, connection):
    for row in rows:
        row = list(row)
        for column, (functions, expression) in converters.items():
            value = row[column]
            for function in functions:
                value = function(value, expression, connection)
            row[column] = value
        yield tuple(row)


class PreparedQuery:
    """build(*arguments) returns a values_list() QuerySet; calling the PreparedQuery with arguments returns its rows.

    Arguments are ints, strings, or non-empty lists of them for __in lookups. A list's length is part of the
    SQL, so each length is compiled once (at most max_shapes shapes are kept); an empty list stands for an
    __in that matches nothing, so no query runs and no row comes back (do not use a list inside exclude()).
    None is an absent argument: build gets None, and the SQL compiled for that shape takes no value for it
    (a filter left out, say).
    Every value must reach the SQL as a parameter of its own making, which compiling checks.
    """

    def __init__(self, build, max_shapes=256):
        self.build = build
        self._compiled = lru_cache(maxsize=max_shapes)(self._compile)

    def __call__(self, *arguments, using=DEFAULT_DB_ALIAS):
        arguments = [list(argument) if isinstance(argument, (list, tuple)) else argument for argument in arguments]
        if any(argument == [] for argument in arguments):
            return []
        connection = connections[using]
        sql, params, slots, expressions, statement = self._compiled(
            using, connection.vendor, tuple(_shape(argument) for argument in arguments)
        )
        params = list(params)
        for places, value in zip(slots, _flat(arguments)):
            for place in places:
                params[place] = value
        with connection.cursor() as cursor:
            preparing = statement is not None and getattr(connection, "prepared_statements", None) is not None
            if preparing and statement[0] not in _REFUSED:
                execute_prepared(connection, cursor, statement, sql, params)
            else:
                cursor.execute(sql, params)
            rows = cursor.fetchall()
        converters = _converters(expressions, connection)
        return list(_converted(rows, converters, connection)) if converters else rows

    def _compile(self, using, vendor, shape):
        numbers = count(FIRST_NUMBER_STAND_IN)

        def stand_in(kind):
            if kind is None:
                return None
            return next(numbers) if kind is int else f"{TEXT_STAND_IN}{next(numbers)}"

        arguments = [
            [stand_in(kind) for _ in range(length)] if length is not None else stand_in(kind) for kind, length in shape
        ]
        queryset = self.build(*arguments)
        if queryset._iterable_class is not ValuesListIterable:
            raise TypeError("a prepared query is a values_list() QuerySet, not flat, not named, not of models")
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        params = list(params)
        stand_ins = _flat(arguments)
        if any(isinstance(param, str) and TEXT_STAND_IN in param and param not in stand_ins for param in params):
            raise ValueError(f"a lookup of this prepared query rewrites its argument (LIKE, say): {sql}")
        slots = [[place for place, param in enumerate(params) if param == value] for value in stand_ins]
        if not all(slots):
            raise ValueError(f"each value given to a prepared query must be a parameter of its SQL: {sql}")
        expressions = [column for column, _, _ in compiler.select[: compiler.col_count]]
        # Whether a connection prepares it is its own state (workshop/postgresql), read on every run.
        return sql, tuple(params), slots, expressions, _statement(sql) if vendor == "postgresql" else None


def _statement(sql):
    """(name, PREPARE, EXECUTE) texts for running sql as a statement prepared on PostgreSQL's server: psycopg's
    %s placeholders become $1, $2, ..."""
    numbers = count(1)
    body = re.sub(r"%s|%%", lambda match: f"${next(numbers)}" if match.group() == "%s" else "%", sql)
    total = next(numbers) - 1
    name = "prepared_" + hashlib.blake2b(sql.encode(), digest_size=12).hexdigest()
    execute = f"EXECUTE {name}" + (f" ({', '.join(['%s'] * total)})" if total else "")
    return name, f"PREPARE {name} AS {body}", execute


# Statements the server would not prepare (a parameter whose type it cannot tell): their SQL runs as it is.
_REFUSED = set()


def _sqlstate(error):
    return getattr(error.__cause__, "pgcode", None) or ""


def _prepare(connection, statement):
    """PREPARE the statement on this connection; False when that cannot be done, and the SQL must run as it
    is. In a savepoint, so that a refusal leaves the transaction under way as it was; any other failure
    (the server restarting, a timeout) is raised."""
    name, prepare, _ = statement
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(prepare)
    except DatabaseError as error:
        code = _sqlstate(error)
        if code in STALE_STATEMENT:  # already there, unnoted: this connection's notes are wrong
            connection.prepared_statements = None
            return False
        if code.startswith(SYNTAX_OR_ACCESS_RULE):
            _REFUSED.add(name)
            return False
        raise
    connection.prepared_statements.add(name)
    return True


def execute_prepared(connection, cursor, statement, sql, params):
    """Run a statement prepared on the server (PREPARE first if this connection has not), or sql when the
    server refuses it or has lost track of the connection's statements."""
    name, _, execute = statement
    if name not in connection.prepared_statements and not _prepare(connection, statement):
        cursor.execute(sql, params)
        return
    try:
        cursor.execute(execute, params)
    except DatabaseError as error:
        if _sqlstate(error) not in STALE_STATEMENT:
            raise
        # The server's statements are not those this connection noted: something between moved it to
        # another server connection (a pooler), or a migration changed a table under a statement. This
        # connection prepares nothing more; outside a transaction the SQL runs as it is at once, inside one
        # the transaction has failed and says so.
        connection.prepared_statements = None
        if connection.in_atomic_block:
            raise
        cursor.execute(sql, params)


def ids_text(ids):
    """ids as the one text parameter that AmongIds reads."""
    return ",".join(str(int(id_)) for id_ in ids)


class AmongIds(Expression):
    """A condition: the column holds one of the ids given as ONE text parameter (ids_text). An __in lookup
    has a parameter per id, so a prepared query would compile once per number of ids; this compiles once.
    An empty text matches nothing."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column, ids):
        super().__init__()
        self.column = F(column) if isinstance(column, str) else column
        self.ids = ids

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, expressions):
        (self.column,) = expressions

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        if connection.vendor == "postgresql":
            return f"{column} = ANY(string_to_array(%s, ',')::bigint[])", [*params, self.ids]
        # SQLite (and any other database): a JSON array, read as a table by SQLite's json_each.
        return f"{column} IN (SELECT value FROM json_each('[' || %s || ']'))", [*params, self.ids]
