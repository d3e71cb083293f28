"""Queries that pages run on every request, compiled to SQL once per process and then only run.

Django builds and compiles a QuerySet's SQL each time it is evaluated. For the small queries a page is made
of, that is most of the cost: a list of organizers took 0.63 ms of CPU, 0.1 ms of it running the SQL and
reading the rows. A PreparedQuery is still written as a QuerySet, so the ORM decides the SQL for each
database; it is compiled the first time it runs with arguments of a given shape, with stand-in values
whose places among the SQL's parameters are noted, and later runs put the real arguments in those places.
Rows come back as values_list() gives them, through the same converters (SQLite's dates, for instance).
"""

from functools import lru_cache
from itertools import count

from django.db import DEFAULT_DB_ALIAS, connections


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


class PreparedQuery:
    """build(*arguments) returns a values_list() QuerySet; calling the PreparedQuery with arguments returns its rows.

    Arguments are ints, strings, or non-empty lists of them for __in lookups. A list's length is part of the
    SQL, so each length is compiled once (at most max_shapes shapes are kept); an empty list matches nothing
    and runs no query. Every value must reach the SQL as a parameter (not, say, as a LIMIT written into
    it), which compiling checks.
    """

    def __init__(self, build, max_shapes=256):
        self.build = build
        self._compiled = lru_cache(maxsize=max_shapes)(self._compile)

    def __call__(self, *arguments, using=DEFAULT_DB_ALIAS):
        arguments = [list(argument) if isinstance(argument, (list, tuple)) else argument for argument in arguments]
        if any(argument == [] for argument in arguments):
            return []
        connection = connections[using]
        sql, params, slots, compiler, converters = self._compiled(
            using, connection.vendor, tuple(_shape(argument) for argument in arguments)
        )
        params = list(params)
        for places, value in zip(slots, _flat(arguments)):
            for place in places:
                params[place] = value
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [tuple(row) for row in compiler.apply_converters(rows, converters)] if converters else rows

    def _compile(self, using, vendor, shape):
        # Stand-ins no real value equals: keys far below any real one, text with a NUL (PostgreSQL refuses
        # it in text, and the site refuses it at its door: workshop.middleware).
        numbers = count(-(2**62), -1)

        def stand_in(kind):
            return next(numbers) if kind is int else f"\x00stand-in {-next(numbers)}"

        arguments = [
            [stand_in(kind) for _ in range(length)] if length is not None else stand_in(kind) for kind, length in shape
        ]
        compiler = self.build(*arguments).query.get_compiler(using)
        sql, params = compiler.as_sql()
        params = list(params)
        slots = [[place for place, param in enumerate(params) if param == value] for value in _flat(arguments)]
        if not all(slots):
            raise ValueError(f"each value given to a prepared query must be a parameter of its SQL: {sql}")
        converters = compiler.get_converters([column for column, _, _ in compiler.select[: compiler.col_count]])
        return sql, tuple(params), slots, compiler, converters
