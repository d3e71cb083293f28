"""The machine, the targets and bench/RESULTS.md."""

import os
import platform
import re
import time
from collections import Counter
from datetime import datetime, timezone
from importlib import metadata

import plan
import wrk

# ---------------------------------------------------------------- the machine


def cpu_busy(seconds=1.0):
    """Share of all CPUs busy over `seconds` (from /proc/stat): before the run, that is other people's work."""
    def sample():
        fields = [int(value) for value in open("/proc/stat").readline().split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return idle, sum(fields)

    idle_before, total_before = sample()
    time.sleep(seconds)
    idle_after, total_after = sample()
    return 1 - (idle_after - idle_before) / max(1, total_after - total_before)


def machine():
    meminfo = dict(line.split(":", 1) for line in open("/proc/meminfo"))
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    versions = {name: metadata.version(name) for name in ("Django", "gunicorn", "whitenoise", "psycopg2-binary")}
    return {
        "nproc": os.cpu_count(),
        "memory_gib": int(meminfo["MemTotal"].split()[0]) / 1024 / 1024,
        "cpu": cpu,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "versions": versions,
        "wrk": wrk.version(),
        "loadavg": os.getloadavg(),
        "busy_before": cpu_busy(),
    }


# ---------------------------------------------------------------- figures


def statics_summary(measured):
    """min / median / max req/s of the static twin's runs on one server."""
    rates = sorted(result.rps for result in measured["statics"])
    return rates[0], rates[len(rates) // 2], rates[-1]


def find(measured, kind, workshop):
    """(result, ratio) of one measured page."""
    return next((result, share) for page, result, share in measured["pages"]
                if page.kind == kind and page.workshop == workshop)


def log_findings(text):
    """Counts of what a gunicorn/Django error log reports: 500s, exception types, worker trouble."""
    found = Counter()
    for line in text.splitlines():
        if line.startswith("Internal Server Error:"):
            found["500 logged"] += 1
        elif line.startswith("database unavailable for "):
            found["503 database unavailable"] += 1
        elif "Autorestarting worker" in line:
            found["worker recycled (max_requests)"] += 1
        elif "WORKER TIMEOUT" in line or "Worker exited" in line or "[CRITICAL]" in line:
            found[line.split("] ", 3)[-1][:80]] += 1
        else:
            exception = re.match(r"^([A-Za-z_][\w.]*(?:Error|Exception)): ", line)
            if exception:
                found[exception.group(1)] += 1
    return found


def fault_figures(fault):
    """The database's outage (its own poller), the application's (/healthz), and failed responses against both."""
    result = fault["result"]
    zero = fault["load_started"]
    restart_started, restart_finished = fault["restart"]
    db = fault["db_outage"]  # (first failure, first success after, failed checks) or None
    down_from, back_at = (db[0], db[1]) if db and db[1] else (restart_started, restart_finished)
    # wrk counts failed responses per wall-clock second: second s covers [s, s+1). Allowed: from a second before
    # the database went down (requests already in flight) to a second after it accepts connections again.
    outside = sum(count for second, count in result.failed_at.items()
                  if second + 1 < down_from - 1 or second > back_at + 1)
    app = fault["outage"]
    after = fault["after"]
    workers_before, workers_after = fault["workers"]
    return {
        "restart_at": restart_started - zero,
        "restart_seconds": restart_finished - restart_started,
        "db": {"down": db[0] - zero, "back": db[1] - zero if db[1] else None,
               "seconds": db[1] - db[0] if db[1] else None} if db else None,
        "app": {"down": app[0] - zero, "back": app[1] - zero if app[1] else None,
                "seconds": app[1] - app[0] if app[1] else None, "failed": app[2],
                "lag": app[1] - back_at if app[1] else None} if app else None,
        "errors_outside": outside,
        "recovered": after["healthz"] == 200 and not after["failing_paths"] and after["other_healthz"] in (None, 200),
        "same_workers": workers_before == workers_after,
        # wrk's whole wall-clock seconds, as spans of t
        "timeline": {(second - zero, second + 1 - zero): count for second, count in sorted(result.failed_at.items())},
    }


def varied_search_lines(results):
    if "varied_search" not in results:
        return []
    r = results["varied_search"]
    return [
        f"## Search with changing words: {plan.PAGE_CONNECTIONS} connections, {plan.PAGE_SECONDS} s, uncached",
        "",
        f"`/{plan.DEMO}/search/?q=…` with these {len(plan.VARIED_SEARCHES)} queries in turn (bench/plan.py): "
        + ", ".join(f"`{query}`" for query in plan.VARIED_SEARCH_QUERIES) + ".",
        "",
        table(["req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "non-2xx/3xx"], [
            [f"{r.rps:.1f}", f"{r.p50_ms:.1f}", f"{r.p95_ms:.1f}", f"{r.p99_ms:.1f}", r.errors, r.bad_status_count]
        ]),
        "",
    ]


def bypass_lines(results):
    if "bypass" not in results:
        return []
    bypass = results["bypass"]
    attack = bypass["attack"]
    rows = [[f"`{path}`", *(f"{r.rps:.0f} / {r.p50_ms:.1f} / {r.p99_ms:.1f}" for r in (alone, bypass["during"][path])),
             f"{bypass['during'][path].errors}"]
            for path, alone in bypass["alone"].items()]
    return [
        f"## Getting past the page cache: {plan.BYPASS_CONNECTIONS} connections of attempts, cache on",
        "",
        f"While {plan.BYPASS_CONNECTIONS} connections send " + ", ".join(f"`{path}`" for path in plan.BYPASS_PATHS)
        + " in turn ({random}: a new random number on each request; after a space, the Cookie sent), "
        f"{plan.BYPASS_READER_CONNECTIONS} connections of readers ask for each path below for {plan.PAGE_SECONDS} s; "
        "the same readers alone first. The attempts themselves: "
        f"{attack.requests} requests, {attack.rps:.0f} req/s, p50 {attack.p50_ms:.1f} ms, p99 {attack.p99_ms:.1f} ms, "
        f"{attack.errors} errors, X-Cache hit {attack.hit_share * 100:.1f} %.",
        "",
        table(["path", "alone: req/s / p50 ms / p99 ms", "during the attempts: req/s / p50 ms / p99 ms", "errors"],
              rows),
        "",
    ]


def bypass_met(results):
    """(worst p99 of the readers during the attempts, met: that below the target, no errors, and the attempts
    themselves answered from the cache)"""
    during = results["bypass"]["during"].values()
    worst = max(r.p99_ms for r in during)
    cached = results["bypass"]["attack"].hit_share >= 0.99
    return worst, cached and worst < plan.BYPASS_P99_TARGET_MS and not any(r.errors for r in during)


def targets(results):
    """[(target, measured, met)]"""
    rows = []
    cached = results["cached"]
    cached_ratios = [(share, page) for page, _, share in cached["pages"]]
    lowest, lowest_page = min(cached_ratios, key=lambda item: item[0])
    misses = [f"{page.workshop} {page.kind} {value:.2f}" for value, page in cached_ratios
              if value < plan.CACHED_RATIO_TARGET]
    low, median, high = statics_summary(cached)
    rows.append((f"cached pages ≥ {plan.CACHED_RATIO_TARGET} × static file",
                 f"lowest {lowest:.2f} ({lowest_page.workshop} {lowest_page.kind})"
                 + (f"; below: {', '.join(misses)}" if misses else f"; all {len(cached_ratios)} pages")
                 + f" (static runs themselves: {low:.0f}–{high:.0f} req/s, median {median:.0f})",
                 not misses))
    seed_timetable = find(results["uncached"], "timetable", plan.SEED)[1]
    rows.append((f"seed's uncached timetable ≥ {plan.SEED_UNCACHED_TIMETABLE_RATIO_TARGET} × static file",
                 f"{seed_timetable:.3f}", seed_timetable >= plan.SEED_UNCACHED_TIMETABLE_RATIO_TARGET))
    demo_search = find(results["uncached"], "search", plan.DEMO)[0]
    alone = next(result for path, result in results["service_time"] if path.startswith(f"/{plan.DEMO}/"))
    # Two readings: a search's own latency (one connection: nothing queues), and what a request waits at
    # PAGE_CONNECTIONS connections on 2 sync workers, where each waits behind about three others.
    rows.append((f"search p95 < {plan.SEARCH_P95_TARGET_MS} ms, NeurIPS-sized demo, PostgreSQL, uncached, "
                 "1 connection (service time)",
                 f"{alone.p95_ms:.0f} ms", alone.p95_ms < plan.SEARCH_P95_TARGET_MS))
    rows.append((f"search p95 < {plan.SEARCH_P95_QUEUED_TARGET_MS} ms at {plan.PAGE_CONNECTIONS} connections "
                 "(queueing included)",
                 f"{demo_search.p95_ms:.0f} ms ({demo_search.rps:.0f} req/s)",
                 demo_search.p95_ms < plan.SEARCH_P95_QUEUED_TARGET_MS))
    if "varied_search" in results:
        varied = results["varied_search"]
        rows.append((f"the same at {plan.PAGE_CONNECTIONS} connections, {len(plan.VARIED_SEARCHES)} different "
                     "searches in turn (below)",
                     f"{varied.p95_ms:.0f} ms ({varied.rps:.0f} req/s, {varied.errors} errors)",
                     varied.p95_ms < plan.SEARCH_P95_QUEUED_TARGET_MS and varied.errors == 0))
    if "bypass" in results:
        worst, met = bypass_met(results)
        rows.append((f"a cached page and /healthz while {plan.BYPASS_CONNECTIONS} connections try to get past the "
                     f"page cache: p99 < {plan.BYPASS_P99_TARGET_MS} ms", f"worst p99 {worst:.1f} ms", met))
    if "loading" in results:
        loaded = results["loading"]
        rows.append((f"a NeurIPS-sized programme loads with `load_workshop` (validated, all or nothing) in "
                     f"< {plan.LOAD_TARGET_SECONDS} s",
                     f"{loaded['seconds']:.1f} s ({loaded['objects']:,} objects, "
                     f"{loaded['objects'] / loaded['seconds']:,.0f} per second)",
                     loaded["seconds"] < plan.LOAD_TARGET_SECONDS))
    load = results["load"]
    rows.append((f"mixed load, {plan.LOAD_CONNECTIONS} connections, {plan.LOAD_SECONDS} s, cache on: zero errors",
                 f"{load.errors} errors in {load.requests} requests ({load.socket_error_count} socket, "
                 f"{load.bad_status_count} non-2xx/3xx)", load.errors == 0))
    if "fault" in results:
        fault = results["fault"]
        figures = fault_figures(fault)
        app, db = figures["app"], figures["db"]
        not_database = {name: count for name, count in log_findings(fault["log"]).items()
                        if "OperationalError" not in name
                        and name not in ("500 logged", "503 database unavailable", "worker recycled (max_requests)")}
        blame = ("; the error log shows failures that are not the database's: "
                 + ", ".join(f"{name} × {count}" for name, count in not_database.items())) if not_database else ""
        rows.append(("PostgreSQL restart: errors only while it is down",
                     f"{figures['errors_outside']} failed responses outside the database's outage"
                     + (f" ({db['seconds']:.2f} s)" if db and db["seconds"] is not None else "")
                     + "; /healthz failing for "
                     + (f"{app['seconds']:.2f} s" if app and app["seconds"] is not None else
                        "no poll" if not app else "ever (never recovered)") + blame,
                     figures["errors_outside"] == 0))
        failing = fault["after"]["failing_paths"]
        rows.append(("PostgreSQL restart: recovers by itself (no gunicorn restart)",
                     f"/healthz {fault['after']['healthz']}, "
                     + (f"all {len(plan.mixed_workload())} paths 200 afterwards" if not failing else
                        f"{len(failing)} of {len(plan.mixed_workload())} paths fail afterwards, e.g. `{failing[0]}`")
                     + blame, figures["recovered"]))
    return rows


# ---------------------------------------------------------------- markdown


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def yes(flag):
    return "**met**" if flag else "**missed**"


def loading_line(results):
    if "loading" not in results:
        return "- Loading: not measured in this run."
    loaded = results["loading"]
    return (f"- Loading (bench/loading.py): the programme of `{loaded['source']}` dumped as `dumpdata` of its models writes it "
            f"(natural keys; {loaded['objects']:,} objects, {loaded['megabytes']:.1f} MB), then `load_workshop` of "
            f"that file into a fresh, migrated database `{plan.LOAD_DATABASE}` (dropped afterwards): "
            f"{loaded['seconds']:.1f} s wall, {loaded['cpu_seconds']:.1f} s of the command's CPU, load average "
            f"{loaded['loadavg_before'][0]:.2f} as it began. It said: “{loaded['output']}”")


def floor_line(results):
    if "floor" not in results:
        return ""
    floor, share = results["floor"]
    return (f"For scale, the floor of any uncached page here: `{plan.FLOOR_PATH}` (the whole middleware stack, one "
            f"`SELECT 1`, no template) answers {floor.rps:.0f} req/s, {share:.2f} × static; p50 {floor.p50_ms:.1f} ms.")


def page_rows(measured, cached):
    low, median, high = statics_summary(measured)
    statics = measured["statics"]
    rows = [[
        "static file (whitenoise)", "—", f"`{plan.TWIN_OF.path}` twin", f"{statics[0].bytes_per_response / 1024:.1f}",
        f"{median:.0f} (median of {len(statics)} runs of {plan.STATIC_SECONDS} s; {low:.0f}–{high:.0f})",
        f"{sorted(r.p50_ms for r in statics)[len(statics) // 2]:.1f}",
        f"{sorted(r.p95_ms for r in statics)[len(statics) // 2]:.1f}",
        f"{sorted(r.p99_ms for r in statics)[len(statics) // 2]:.1f}",
        "1", sum(result.errors for result in statics),
    ] + (["—"] if cached else [])]
    for page, result, share in measured["pages"]:
        row = [page.kind, page.workshop, f"`{page.path}`", f"{result.bytes_per_response / 1024:.1f}",
               f"{result.rps:.1f}", f"{result.p50_ms:.1f}", f"{result.p95_ms:.1f}", f"{result.p99_ms:.1f}",
               f"{share:.3f}", result.errors]
        if cached:
            row.append(f"{result.cache.get('hit', 0)}/{result.requests}")
        rows.append(row)
    header = ["page", "workshop", "path", "KiB", "req/s", "p50 ms", "p95 ms", "p99 ms", "× static", "errors"]
    return table(header + (["X-Cache hit"] if cached else []), rows)


def cost_rows(costs):
    uncached, cached = costs["uncached"], costs["cached"]
    rows = []
    for path, cost in uncached.items():
        page = next((page for page in plan.MEASURED if page.path == path), None)
        hit = cached.get(path, {})
        rows.append([
            f"{page.workshop} {page.kind}" if page else "static file", f"`{path}`",
            cost["cpu_ms"], cost["wall_ms"], f"{cost['sql_ms']} ({cost['queries']:g})",
            f"{hit.get('cpu_ms', '?')} ({hit.get('x_cache') or 'no X-Cache'})", hit.get("wall_ms", "?"),
        ])
    return table(["page", "path", "uncached CPU ms", "uncached wall ms", "SQL ms (queries)", "cached CPU ms",
                  "cached wall ms"], rows)


def slow_query_rows(costs):
    return table(["path", "wall ms", "SQL ms", "slowest queries: table, ms (EXPLAIN ANALYZE ms, of which JIT ms)"], [
        [f"`{path}`", cost["wall_ms"], cost["sql_ms"],
         "; ".join(f"{q['table']} {q['ms']} ({q.get('explain_ms', '?')}, JIT {q.get('jit_ms', '?')})"
                   for q in cost["slowest"])]
        for path, cost in costs["uncached"].items() if cost.get("slowest")
    ])


def write(results, path):
    m = results["machine"]
    pg = results.get("postgres", {})
    started = datetime.fromtimestamp(results["started"], timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# Benchmark results",
        "",
        f"Written by `{results['command']}` (`make bench` runs the same) on {started}; the whole run took "
        f"**{results['runtime_seconds']:.0f} s**, {results.get('prepare_seconds', 0):.0f} s of it preparing the "
        "database. This file is overwritten by every run.",
        "",
        "## Machine",
        "",
        table(["", ""], [
            ["nproc", m["nproc"]],
            ["memory", f"{m['memory_gib']:.1f} GiB"],
            ["CPU", m["cpu"]],
            ["PostgreSQL", f"{pg.get('server_version', '?')} (jit {pg.get('jit', '?')}, shared_buffers "
                           f"{pg.get('shared_buffers', '?')}, max_connections {pg.get('max_connections', '?')})"],
            ["kernel, Python", f"{m['kernel']}, {m['python']}"],
            ["packages", ", ".join(f"{name} {version}" for name, version in m["versions"].items())],
            ["wrk", m["wrk"]],
            ["other work on the machine",
             f"load average {m['loadavg'][0]:.2f} / {m['loadavg'][1]:.2f} / {m['loadavg'][2]:.2f} and "
             f"{m['busy_before'] * 100:.0f} % of all CPUs busy in the second before the run started "
             "(nothing of the benchmark's running yet); after it: load average "
             + " / ".join(f"{value:.2f}" for value in results.get("loadavg_after", ())) +
             f", {results.get('busy_after', 0) * 100:.0f} % busy"],
        ]),
        "",
        "## Set-up",
        "",
        f"- Application: commit {results['git']['head']} with {results['git']['dirty']} files changed outside "
        "`bench/` (uncommitted work of others). "
        + (f"**Application files changed during this run** ({len(results['changed_files'])}: "
           + ", ".join(f"`{path}`" for path in results["changed_files"][:12])
           + ("…" if len(results["changed_files"]) > 12 else "")
           + "): servers started before the change mix old code with new files, and figures may not describe "
           "one version. Rerun when the tree is quiet." if results.get("changed_files") else
           "No application file changed during the run."),
        f"- Database `{plan.DATABASE}` (dropped and recreated): migrations, `load_workshop {plan.SEED_FIXTURE}` "
        f"and `generate_demo {' '.join(plan.DEMO_ARGS)}`; then `VACUUM ANALYZE` (planner statistics, as a "
        "running site has them) and `collectstatic`."
        + (" PostgreSQL was down when the run began and was started first." if results.get("postgres_was_started")
           else ""),
        loading_line(results),
        "- gunicorn with the project's `gunicorn.conf.py` (via `bench/gunicorn_bench.py`: access log and control "
        "socket off), 2 sync workers, `max_requests` "
        f"{os.environ.get('GUNICORN_MAX_REQUESTS', '20000 (+ jitter up to 2000)')} (each recycle empties that "
        "worker's locmem cache), on a free loopback port; `DJANGO_DEBUG=0`, no SSL redirect, no secure "
        "cookies, `DJANGO_ALLOWED_HOSTS=127.0.0.1`, throwaway secret key, `DJANGO_CONN_MAX_AGE=300`, locmem cache. "
        "The *uncached* server has `DJANGO_PAGE_CACHE_SECONDS=0`, the *cached* one 3600 and was warmed "
        "page by page until both workers had missed once and three hits followed (the cache is per worker process; "
        + ", ".join(f"{len(answers)}" for answers in results.get("warm_up", {}).values())
        + " requests), then every response's X-Cache was counted.",
        f"- Each page: `wrk -t{plan.THREADS} -c{plan.PAGE_CONNECTIONS} -d{plan.PAGE_SECONDS}s "
        f"--timeout={plan.TIMEOUT_SECONDS}s -s bench/paths.lua URL -- PATH`. Latencies include queueing "
        f"({plan.PAGE_CONNECTIONS} connections on 2 workers); wrk runs on the same 2 CPUs as gunicorn and "
        "PostgreSQL.",
        f"- Static file: the seed timetable's HTML rendered into `STATIC_ROOT{results.get('twin', '')[len('/static'):]}`"
        " and served by whitenoise from the same server: the practical limit of this stack. It runs for "
        f"{plan.STATIC_SECONDS} s before the first page and after each page; `× static` = the page's req/s ÷ the "
        "mean of the two static runs around it, so that other work on the machine drifting over minutes cancels "
        "out (not what changes from second to second: see the spread of the static runs).",
        "",
        "## Targets",
        "",
        table(["target", "measured", "result"], [(name, value, yes(flag)) for name, value, flag in targets(results)]),
        "",
        "## Uncached pages (`DJANGO_PAGE_CACHE_SECONDS=0`)",
        "",
        page_rows(results["uncached"], cached=False),
        "",
        floor_line(results),
        "",
        "## Cached pages (page cache on, locmem, warmed)",
        "",
        page_rows(results["cached"], cached=True),
        "",
        *bypass_lines(results),
        f"## Search alone: 1 connection, {plan.SERVICE_TIME_SECONDS} s, uncached (service time, no queueing)",
        "",
        table(["path", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"], [
            [f"`{path}`", f"{r.rps:.1f}", f"{r.p50_ms:.1f}", f"{r.p95_ms:.1f}", f"{r.p99_ms:.1f}", r.errors]
            for path, r in results["service_time"]
        ]),
        "",
        *varied_search_lines(results),
        "## What one request costs inside Django (in-process test client: no gunicorn, no network; before any load)",
        "",
        "CPU = CPU time of the Django process (PostgreSQL's own work is in SQL ms, measured as wall time); wall = "
        "elapsed time. The cached column is a page-cache hit. Less sensitive to other work on the machine than the "
        "throughput figures, but not immune: wall and SQL times grow when the CPUs are shared.",
        "",
        cost_rows(results["costs"]),
        "",
        "Pages spending over 50 ms per request in SQL:",
        "",
        slow_query_rows(results["costs"]),
        "",
        "Worker recycling and errors in the servers' logs during the pages: uncached "
        + (", ".join(f"{name} × {count}" for name, count in log_findings(results["uncached_log"]).items())
           or "nothing") + "; cached "
        + (", ".join(f"{name} × {count}" for name, count in log_findings(results["cached_log"]).items())
           or "nothing") + ".",
        "",
    ]
    load = results["load"]
    out += [
        f"## Mixed load: {plan.LOAD_SECONDS} s, {plan.LOAD_CONNECTIONS} connections, cache on",
        "",
        f"{results['load_paths']} paths in rotation: timetable, 2 sessions, 2 posters, search (2 queries) and "
        f"schedule.ics of `{plan.SEED}`, `{plan.DEMO}`, `demo-2`, `demo-30` and `demo-60` (those not measured above "
        "start cold).",
        "",
        table(["requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "socket errors (connect/read/write/timeout)",
               "non-2xx/3xx", "X-Cache hit"], [[
            load.requests, f"{load.rps:.1f}", f"{load.p50_ms:.1f}", f"{load.p95_ms:.1f}", f"{load.p99_ms:.1f}",
            f"{load.max_ms:.0f}",
            "/".join(str(load.socket_errors.get(name, 0)) for name in ("connect", "read", "write", "timeout")),
            load.bad_status_count, f"{load.hit_share * 100:.1f} %",
        ]]),
        "",
        "Error log during the load: " + (", ".join(f"{name} × {count}" for name, count in
                                                   log_findings(results["load_log"]).items()) or "nothing") + ".",
        "",
    ]
    if "fault" in results:
        fault = results["fault"]
        figures = fault_figures(fault)
        result = fault["result"]
        app, db = figures["app"], figures["db"]
        workers_before, workers_after = fault["workers"]

        def span(window, what):
            if not window:
                return f"{what} never failed"
            back = f"t+{window['back']:.2f} s" if window["back"] is not None else "never"
            length = f" = **{window['seconds']:.2f} s**" if window["seconds"] is not None else ""
            return f"{what} from t+{window['down']:.2f} s to {back}{length}"

        out += [
            f"## PostgreSQL restarted during load ({plan.FAULT_SECONDS} s, {plan.FAULT_CONNECTIONS} connections, "
            "mixed, cache off)",
            "",
            "t = seconds since the load started. The database is polled directly (a new connection and `SELECT 1` "
            "every 100 ms) and through the application (`GET /healthz` every 100 ms, judged when answered).",
            "",
            table(["", ""], [
                ["load", f"{result.requests} requests, {result.rps:.1f} req/s, p50 {result.p50_ms:.1f} ms, "
                         f"p99 {result.p99_ms:.1f} ms, max {result.max_ms:.0f} ms"],
                ["`pg_ctlcluster restart`", f"started at t+{figures['restart_at']:.2f} s, returned after "
                                            f"{figures['restart_seconds']:.2f} s"],
                ["database outage", span(db, "refused queries")],
                ["application outage", span(app, "/healthz not 200") + (
                    f" ({app['failed']} failed polls of {fault['polls']}); back "
                    f"{app['lag']:+.2f} s after the database" if app and app["lag"] is not None else "")],
                ["failed responses (non-2xx/3xx) per second",
                 f"{result.bad_status_count} in all: "
                 + (", ".join(f"t+{start:.1f}–{end:.1f} s × {count}" for (start, end), count in figures["timeline"].items())
                    or "none")],
                ["failed responses outside the database outage", f"{figures['errors_outside']} (± 1 s)"],
                ["socket errors (connect/read/write/timeout)",
                 "/".join(str(result.socket_errors.get(name, 0)) for name in ("connect", "read", "write", "timeout"))],
                ["afterwards, without touching gunicorn",
                 f"/healthz {fault['after']['healthz']}, the cached server's /healthz "
                 f"{fault['after']['other_healthz']}, "
                 + (f"all {len(plan.mixed_workload())} paths 200" if not fault["after"]["failing_paths"] else
                    f"failing: {fault['after']['failing_paths']}")],
                ["gunicorn workers", ("unchanged " if figures["same_workers"] else "changed ")
                 + f"({workers_before} → {workers_after})"],
                ["error log during the scenario", ", ".join(f"{name} × {count}" for name, count in
                                                            log_findings(fault["log"]).items()) or "nothing"],
            ]),
            "",
        ]
    path.write_text("\n".join(out))
    return path


def summary(results):
    return "\n".join(f"  [{'met' if flag else 'MISSED'}] {name}: {value}" for name, value, flag in targets(results))
