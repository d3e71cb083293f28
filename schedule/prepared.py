"""Queries that pages run on every request, compiled to SQL once per process and then only run.

Django builds and compiles a QuerySet's SQL each time it is evaluated. For the small queries a page is made
of, that is most of the cost: a list of organizers took 0.63 ms of CPU, 0.1 ms of it running the SQL and
reading the rows. A PreparedQuery is still written as a QuerySet, so the ORM decides the SQL for each
database; it is compiled the first time it runs with arguments of a given shape, with stand-in values
whose places among the SQL's parameters are noted, and later runs put the real arguments in those places.
Rows come back as values_list() gives them, through the same converters (SQLite's dates, for instance).

What compiling fixes for good is more than the SQL's text: every parameter but the arguments' own. So a
prepared query filters on its arguments as they are (exact, __in, joins), not through lookups that rewrite
them (icontains wraps and escapes the value: refused when compiling) and not through anything that reads
a setting or the reader's zone while compiling (a date truncated in the current zone would keep the first
reader's).
"""

from functools import lru_cache
from itertools import count

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import ValuesListIterable

# Text no real parameter holds (a NUL), with the characters LIKE escaping would rewrite: a lookup that
# changes its value shows, because the stand-in then appears only inside another parameter.
TEXT_STAND_IN = "\x00stand-in %_\\ "
# Keys in the range of every integer field, positive ones included; never compared with real values, only
# with the other parameters of the query being compiled.
FIRST_NUMBER_STAND_IN = 2_147_000_000


def _flat(arguments):
    return [value for argument in arguments for value in (argument if isinstance(argument, list) else [argument])]


def _kind(value):
    if isinstance(value, str):
        return str
    if isinstance(value, int) and not isinstance(value, bool):
        return int
    raise TypeError(f"a prepared query takes ints, strings and lists of them, not {value!r}")


def _shape(argument):
    if isinstance(argument, list):
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
        sql, params, slots, expressions = self._compiled(
            using, connection.vendor, tuple(_shape(argument) for argument in arguments)
        )
        params = list(params)
        for places, value in zip(slots, _flat(arguments)):
            for place in places:
                params[place] = value
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        converters = _converters(expressions, connection)
        return list(_converted(rows, converters, connection)) if converters else rows

    def _compile(self, using, vendor, shape):
        numbers = count(FIRST_NUMBER_STAND_IN)

        def stand_in(kind):
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
        return sql, tuple(params), slots, expressions
