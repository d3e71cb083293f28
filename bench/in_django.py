"""Work done inside the project's Django settings (run with the production environment by bench/app.py):

    in_django.py render PATH NAME   render PATH with Django's test client into STATIC_ROOT/bench/NAME, for
                                    whitenoise to serve as the static twin of that page; prints its URL path
                                    and its file
    in_django.py costs SECONDS PATH ...
                                    what a request costs inside Django (no gunicorn, no network), each path for
                                    about SECONDS: CPU time of this process, wall time, SQL time and queries, and
                                    for pages spending over 50 ms in SQL the slowest queries with their EXPLAIN
                                    ANALYZE execution and JIT times; prints JSON
"""

import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workshop.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

TWIN_FOLDER = "bench"


def client():
    return Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])


def render(path, name):
    response = client().get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    target = Path(settings.STATIC_ROOT) / TWIN_FOLDER / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(response.content)
    print(f"/{settings.STATIC_URL.strip('/')}/{TWIN_FOLDER}/{name} {target}")


def explain(sql, params):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
    return round(plan.get("Execution Time", 0), 1), round(plan.get("JIT", {}).get("Timing", {}).get("Total", 0), 1)


def body(response):
    content = response.getvalue()  # reads a streamed file (whitenoise) too
    response.close()
    return content


class TimedQueries:
    """Every query's SQL, parameters and time, timed here: the debug cursor's own times are rounded to the
    millisecond, and most of these queries take a fraction of one."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append({"sql": sql, "params": params, "seconds": time.perf_counter() - started})


def slowest_queries(queries, count=3):
    found = []
    for query in sorted(queries, key=lambda query: -query["seconds"])[:count]:
        table = re.search(r'FROM "(\w+)"', query["sql"])
        entry = {"table": table.group(1) if table else "?", "ms": round(query["seconds"] * 1000, 1)}
        if connection.vendor == "postgresql":
            entry["explain_ms"], entry["jit_ms"] = explain(query["sql"], query["params"])
        found.append(entry)
    return found


def costs(seconds, paths, at_least=3):
    browser = client()
    report = {}
    for path in paths:
        body(browser.get(path))  # warm: connection, templates, PostgreSQL's buffers, and the page cache if on
        count, cpu, wall = 0, 0.0, 0.0
        timed = TimedQueries()
        with connection.execute_wrapper(timed):
            while count < at_least or wall < seconds:
                cpu_started, wall_started = time.process_time(), time.perf_counter()
                response = browser.get(path)
                body(response)
                cpu += time.process_time() - cpu_started
                wall += time.perf_counter() - wall_started
                count += 1
        sql = sum(query["seconds"] for query in timed.queries)
        report[path] = {
            "status": response.status_code,
            "x_cache": response.get("X-Cache", ""),
            "requests": count,
            "cpu_ms": round(cpu / count * 1000, 2),
            "wall_ms": round(wall / count * 1000, 2),
            "sql_ms": round(sql / count * 1000, 2),
            "queries": round(len(timed.queries) / count, 1),
        }
        if sql / count > 0.05:
            report[path]["slowest"] = slowest_queries(timed.queries[-int(len(timed.queries) / count):])
    print(json.dumps(report))


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "render":
        render(*arguments)
    elif command == "costs":
        costs(float(arguments[0]), arguments[1:])
    else:
        raise SystemExit(__doc__)
