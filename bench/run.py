"""The benchmark behind `make bench` (bench/run): production mode (gunicorn, PostgreSQL, whitenoise) on loopback.

1. a fresh PostgreSQL database with the seed and the NeurIPS-sized demo, static files collected
1b. that programme dumped as a fixture and loaded with load_workshop into another fresh database (bench/loading.py)
2. gunicorn with the page cache off: every page with wrk, next to a static file of the timetable's size
3. a second gunicorn with the cache on (locmem), warmed: the same pages; then attempts to get past the page cache
   (plan.BYPASS_PATHS) while a cached page and /healthz are measured
4. 60 s of mixed load at 32 connections on the cached server
5. PostgreSQL restarted in the middle of a mixed load on the uncached server: the error window and the recovery
then, whatever happened: servers stopped, the static twin removed, PostgreSQL left running (started if it was
down); and if all went well, bench/RESULTS.md, overwritten.

`bench/run --only bypass` runs the cache-bypass scenario alone, on the database a full run left (neither
dropped nor changed), and prints its figures without writing RESULTS.md.
"""

import json
import os
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import app
import loading
import plan
import postgres
import probe
import report
import wrk

TWIN_NAME = "timetable-twin.html"


def step(title):
    print(f"\n== {title}", flush=True)


def prepare_database():
    postgres.recreate_database(plan.DATABASE)
    env = app.production_env(postgres.url(plan.DATABASE))
    app.manage(env, "migrate", "--noinput", "-v0")
    app.manage(env, "load_workshop", plan.SEED_FIXTURE)
    app.manage(env, "generate_demo", *plan.DEMO_ARGS)
    started = time.monotonic()
    postgres.analyze(plan.DATABASE)
    print(f"  VACUUM ANALYZE  ({time.monotonic() - started:.1f} s)", flush=True)
    app.manage(env, "collectstatic", "--noinput", "-v0")
    twin, twin_file = app.in_django(env, "render", plan.TWIN_OF.path, TWIN_NAME).split()
    print(f"  static twin of {plan.TWIN_OF.path}: {twin}")
    return env, twin, Path(twin_file)


def check_answers(server, paths, *, cached):
    """Every path answers 200; the uncached server sends no X-Cache header at all."""
    for path in paths:
        status, headers, _ = probe.get(server.base_url + path)
        if status != 200:
            raise RuntimeError(f"{server.name}: {path} answered {status}")
        if not cached and headers.get("X-Cache"):
            raise RuntimeError(f"{server.name}: {path} carries X-Cache although the page cache is off")


def warm_up(server, paths, workers=2, tries=30):
    """Requests per path, each on a new connection, until every worker has missed once (the locmem cache is per
    process) and the last three were hits, or `tries` ran out; at least one must be a hit. The wrk runs count
    X-Cache of every response afterwards. Returns {path: [X-Cache of each try]}."""
    seen = {}
    for path in paths:
        answers = seen[path] = []
        while len(answers) < tries and not (answers.count("miss") >= workers and answers[-3:] == ["hit"] * 3):
            answers.append(probe.get(server.base_url + path)[1].get("X-Cache", ""))
        if "hit" not in answers:
            raise RuntimeError(f"{server.name}: {path} never a cache hit in {tries} requests: {answers}")
    return seen


def measure(server, path, *, seconds=plan.PAGE_SECONDS, connections=plan.PAGE_CONNECTIONS, paths=None):
    """One path, or several in turn (paths; then path names them in the printout)."""
    result = wrk.run(server.base_url, paths or [path], seconds=seconds, connections=connections,
                     threads=plan.THREADS, timeout_s=plan.TIMEOUT_SECONDS)
    drained = probe.wait_idle(server.base_url)  # the next run must not start behind this one's leftovers
    print(f"  {path:<75} {result.rps:8.1f} req/s  p50 {result.p50_ms:7.1f}  p99 {result.p99_ms:7.1f} ms"
          f"  errors {result.errors}  hits {result.cache.get('hit', 0)}/{result.requests}"
          + (f"  (drained {drained:.1f} s)" if drained > 0.5 else ""), flush=True)
    return result


def measure_pages(server, twin):
    """Every page, each between two short runs of the static twin: a page's ratio is to the mean of the two runs
    around it, so that other work on the machine drifting over minutes cancels out."""
    statics = [measure(server, twin, seconds=plan.STATIC_SECONDS)]
    pages = []
    for page in plan.MEASURED:
        result = measure(server, page.path)
        statics.append(measure(server, twin, seconds=plan.STATIC_SECONDS))
        pages.append((page, result, result.rps / ((statics[-2].rps + statics[-1].rps) / 2)))
    return {"statics": statics, "pages": pages}


def bypass_attempts(server):
    """Readers of a cached page and of /healthz, measured alone and then while BYPASS_CONNECTIONS connections send
    requests built to miss the page cache (a fresh random parameter or cookie each time)."""
    warm_up(server, sorted({path.split("?")[0].split(" ")[0] for path in plan.BYPASS_PATHS}))
    read = lambda path: measure(server, path, connections=plan.BYPASS_READER_CONNECTIONS)  # noqa: E731
    alone = {path: read(path) for path in plan.BYPASS_MEASURED}
    seconds = plan.PAGE_SECONDS * len(plan.BYPASS_MEASURED) + 2
    with ThreadPoolExecutor(1) as pool:
        attack = pool.submit(wrk.run, server.base_url, plan.BYPASS_PATHS, seconds=seconds,
                             connections=plan.BYPASS_CONNECTIONS, threads=plan.THREADS, timeout_s=plan.TIMEOUT_SECONDS)
        time.sleep(1)  # the attack under way before the readers start
        during = {path: read(path) for path in plan.BYPASS_MEASURED}
        attack = attack.result()
    probe.wait_idle(server.base_url)
    print(f"  bypass attempts: {attack.rps:.1f} req/s, p99 {attack.p99_ms:.1f} ms, errors {attack.errors}, "
          f"hits {attack.cache.get('hit', 0)}/{attack.requests}", flush=True)
    return {"alone": alone, "during": during, "attack": attack}


def only_bypass():
    """The bypass scenario alone, against the database a full run prepared."""
    results = {}
    env = app.production_env(postgres.url(plan.DATABASE), cache_seconds=3600)
    server = app.Server("cached", env)
    try:
        step(f"bypass attempts alone, on the existing database {plan.DATABASE}")
        postgres.ensure_running()
        app.manage(env, "collectstatic", "--noinput", "-v0")
        server.start()
        results["bypass"] = bypass_attempts(server)
    finally:
        server.stop()
    print("\n".join(report.bypass_lines(results)))
    worst, met = report.bypass_met(results)
    print(f"  [{'met' if met else 'MISSED'}] readers' worst p99 during the attempts: {worst:.1f} ms "
          f"(target < {plan.BYPASS_P99_TARGET_MS} ms)")


def database_restart(server, other):
    """A mixed load on `server` (cache off), PostgreSQL restarted part-way; /healthz and PostgreSQL itself polled
    every 100 ms."""
    workers_before = server.worker_pids()
    log_offset = server.log_size()
    paths = plan.mixed_workload()
    app_poller = probe.Poller(probe.healthz_check(server.base_url), every=0.1)
    db_poller = probe.Poller(postgres.accepts_queries, every=0.1)
    with app_poller, db_poller, ThreadPoolExecutor(1) as pool:
        load_started = time.time()
        load = pool.submit(wrk.run, server.base_url, paths, seconds=plan.FAULT_SECONDS,
                           connections=plan.FAULT_CONNECTIONS, threads=plan.THREADS, timeout_s=plan.TIMEOUT_SECONDS)
        time.sleep(plan.FAULT_RESTART_AT)
        print("  restarting PostgreSQL", flush=True)
        restart_started, restart_finished = postgres.restart()
        print(f"  PostgreSQL back after {restart_finished - restart_started:.2f} s", flush=True)
        result = load.result()
        time.sleep(1)  # a few more polls in the steady state after the load
    after = {
        "healthz": probe.status(server.base_url + "/healthz"),
        "other_healthz": probe.status(other.base_url + "/healthz") if other else None,
        "failing_paths": [path for path in paths if probe.status(server.base_url + path) != 200],
    }
    return {
        "result": result,
        "load_started": load_started,
        "restart": (restart_started, restart_finished),
        "outage": app_poller.outage(),
        "polls": len(app_poller.samples),
        "db_outage": db_poller.outage(),
        "after": after,
        "workers": (workers_before, server.worker_pids()),
        "log": server.log_since(log_offset),
    }


def main():
    started = time.time()
    results = {"command": " ".join(["bench/run", *sys.argv[1:]]), "started": started,
               "machine": report.machine()}
    servers = []
    twin_file = None
    sources = app.source_snapshot()
    results["git"] = app.git_state()
    try:
        step("1. database: fresh, migrated, seed and NeurIPS-sized demo, static files")
        results["postgres_was_started"] = postgres.ensure_running()
        results["postgres"] = postgres.settings("server_version", "jit", "shared_buffers", "max_connections")
        env, twin, twin_file = prepare_database()
        results["twin"] = twin
        results["prepare_seconds"] = time.time() - started

        step("1b. loading: the programme dumped as a fixture, load_workshop into a fresh database")
        results["loading"] = loading.measure(plan.DATABASE)

        print("  per-request cost inside Django, uncached then cached", flush=True)
        paths = [twin, *(page.path for page in plan.MEASURED)]
        results["costs"] = {
            "uncached": json.loads(app.in_django(env, "costs", "0.8", *paths)),
            "cached": json.loads(app.in_django(dict(env, DJANGO_PAGE_CACHE_SECONDS="3600"), "costs", "0.3", *paths)),
        }

        step("2. uncached: gunicorn with DJANGO_PAGE_CACHE_SECONDS=0")
        uncached = app.Server("uncached", app.production_env(postgres.url(plan.DATABASE), cache_seconds=0))
        servers.append(uncached.start())
        check_answers(uncached, [twin, *plan.mixed_workload()], cached=False)
        offset = uncached.log_size()
        results["uncached"] = measure_pages(uncached, twin)
        floor = measure(uncached, plan.FLOOR_PATH)
        static_after = measure(uncached, twin, seconds=plan.STATIC_SECONDS)
        results["floor"] = (floor, floor.rps / ((results["uncached"]["statics"][-1].rps + static_after.rps) / 2))
        results["uncached_log"] = uncached.log_since(offset)
        results["service_time"] = [
            (page.path, measure(uncached, page.path, connections=1, seconds=plan.SERVICE_TIME_SECONDS))
            for page in plan.MEASURED if page.kind == "search"
        ]
        results["varied_search"] = measure(
            uncached, f"{len(plan.VARIED_SEARCHES)} searches of /{plan.DEMO}/ in turn", paths=plan.VARIED_SEARCHES
        )

        step("3. cached: gunicorn with the page cache on (locmem), warmed")
        cached = app.Server("cached", app.production_env(postgres.url(plan.DATABASE), cache_seconds=3600))
        servers.append(cached.start())
        check_answers(cached, [twin], cached=True)
        results["warm_up"] = warm_up(cached, [page.path for page in plan.MEASURED])
        offset = cached.log_size()
        results["cached"] = measure_pages(cached, twin)
        results["cached_log"] = cached.log_since(offset)
        results["bypass"] = bypass_attempts(cached)

        step(f"4. load: {plan.LOAD_SECONDS} s, {plan.LOAD_CONNECTIONS} connections, mixed, cache on")
        offset = cached.log_size()
        results["load"] = wrk.run(cached.base_url, plan.mixed_workload(), seconds=plan.LOAD_SECONDS,
                                  connections=plan.LOAD_CONNECTIONS, threads=plan.THREADS,
                                  timeout_s=plan.TIMEOUT_SECONDS)
        results["load_log"] = cached.log_since(offset)
        results["load_paths"] = len(plan.mixed_workload())
        load = results["load"]
        print(f"  {load.requests} requests, {load.rps:.1f} req/s, errors {load.errors}", flush=True)

        step(f"5. fault: PostgreSQL restarted {plan.FAULT_RESTART_AT:.0f} s into {plan.FAULT_SECONDS} s of load, "
             "cache off")
        results["fault"] = database_restart(uncached, cached)
    finally:
        step("clean-up")
        for server in reversed(servers):
            server.stop()
        if twin_file is not None:
            twin_file.unlink(missing_ok=True)
            if not any(twin_file.parent.iterdir()):
                twin_file.parent.rmdir()  # the folder render made in STATIC_ROOT
        if postgres.ensure_running():
            print("  PostgreSQL was down: started it again", flush=True)
    results["runtime_seconds"] = time.time() - started
    results["changed_files"] = app.changed_files(sources)
    results["loadavg_after"], results["busy_after"] = os.getloadavg(), report.cpu_busy()
    step("6. results")
    path = report.write(results, Path(__file__).with_name("RESULTS.md"))
    print(report.summary(results))
    print(f"\nwritten to {path.relative_to(app.ROOT)} in {results['runtime_seconds']:.0f} s")


def stop_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # runs the clean-up in main's finally


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    signal.signal(signal.SIGHUP, stop_on_sigterm)
    if sys.argv[1:] == ["--only", "bypass"]:
        only_bypass()
    else:
        main()
