"""What the benchmark measures and for how long. BENCH_SECONDS, BENCH_LOAD_SECONDS and BENCH_FAULT_SECONDS
shorten or lengthen a run (e.g. BENCH_SECONDS=3 for a quick try of the whole thing)."""

import os
from dataclasses import dataclass

DATABASE = "bench_programme"
SEED_FIXTURE = "fixtures/oppo2021.json"
DEMO_ARGS = ["--workshops", "60", "--posters", "5000", "--people", "10000", "--prefix", "demo"]

# The loading step (bench/loading.py): the benchmark's programme dumped as a fixture and loaded with load_workshop
# into a database of its own; alone, from a source database of its own.
LOAD_DATABASE = "bench_programme_loaded"
LOAD_SOURCE_DATABASE = "bench_programme_load_source"
LOAD_TARGET_SECONDS = 60  # a NeurIPS-sized programme (about 44,000 objects), validated, all or nothing

SEED = "oppo2021"  # 17 sessions, 45 posters, 132 people
DEMO = "demo-1"  # one workshop of the NeurIPS-sized demo: 20 sessions, ~84 posters, in a database of 60 such

PAGE_SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))  # each page, each server
PAGE_CONNECTIONS = 8
STATIC_SECONDS = max(2, PAGE_SECONDS // 4)  # the static twin, before the first page and after each
SERVICE_TIME_SECONDS = max(2, PAGE_SECONDS // 2)  # search with a single connection: no queueing
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
LOAD_CONNECTIONS = 32
FAULT_SECONDS = int(os.environ.get("BENCH_FAULT_SECONDS", "30"))
FAULT_CONNECTIONS = 8
FAULT_RESTART_AT = FAULT_SECONDS / 3
THREADS = 2
TIMEOUT_SECONDS = 10  # wrk gives up on a response after this long and counts a timeout error

# Targets (ratios are to the static twin's throughput measured on the same server).
CACHED_RATIO_TARGET = 0.8
SEED_UNCACHED_TIMETABLE_RATIO_TARGET = 0.05
SEARCH_P95_TARGET_MS = 50  # one connection: a search's own time
SEARCH_P95_QUEUED_TARGET_MS = 150  # PAGE_CONNECTIONS connections on 2 workers: queueing included


@dataclass(frozen=True)
class Page:
    kind: str  # timetable, session, poster, search, ics, speakers
    workshop: str
    path: str


def pages(workshop, session, poster, query="double+descent"):
    return [
        Page("timetable", workshop, f"/{workshop}/"),
        Page("session", workshop, f"/{workshop}/sessions/{session}/"),
        Page("poster", workshop, f"/{workshop}/posters/{poster}/"),
        Page("search", workshop, f"/{workshop}/search/?q={query}"),
        Page("ics", workshop, f"/{workshop}/schedule.ics"),
        Page("speakers", workshop, f"/{workshop}/speakers/"),
    ]


MEASURED = pages(SEED, "feature-learning-in-infinite-width-neural-networks",
                 "on-alignment-in-deep-linear-neural-networks") + pages(DEMO, "session-2", "poster-1")
# The floor of any uncached page on this stack: the whole middleware stack, one trivial query, no template.
FLOOR_PATH = "/healthz"
TWIN_OF = MEASURED[0]  # the static file is a copy of the seed's timetable: same bytes, served by whitenoise


# Search with the words changing from request to request: a single query repeated could flatter it (the
# names a word matches are remembered per process). Topics, abstract words, people's names, filters.
VARIED_SEARCH_QUERIES = [
    "double+descent", "kernels", "implicit+regularization", "phase+transition", "feature+learning",
    "gradient+descent+dynamics", "label+noise", "random+matrix+theory", "sample+complexity+bounds", "attention",
    "scaling+width", "sparsity+pruning", "privacy", "calibration+error", "transformers+memorization",
    "benchmark+results", "convex+loss", "linear+networks", "nonlinear+features", "stochastic+gradient",
    "Hopper", "Nakamura", "Grace+Turing", "Okafor+kernels", "Larsen+learning", "Schmidt", "Mensah+descent",
    "robustness", "interpolation+regime", "diffusion+models", "fairness", "bandits", "representation+learning",
    "overparameterization", "empirical+risk", "test+error", "deep+networks+generalization",
    "kernels&kind=spotlight", "descent&kind=poster", "learning&kind=invited_talk",
]
VARIED_SEARCHES = [f"/{DEMO}/search/?q={query}" for query in VARIED_SEARCH_QUERIES]


def mixed_workload():
    """Paths for the load and fault scenarios: every page kind, the seed and four demo workshops."""
    paths = [page.path for page in MEASURED]
    paths += [page.path for page in pages(SEED, "a-universal-law-of-robustness-via-isoperimetry",
                                          "mitigating-deep-double-descent-by-concatenating-inputs", "generalization")]
    for workshop in ("demo-2", "demo-30", "demo-60"):
        paths += [page.path for page in pages(workshop, "session-7", "poster-40", "generalization")]
    return paths


# Getting past the page cache: BYPASS_CONNECTIONS connections send what once made every request a miss (an unknown
# parameter, a made-up session cookie, a zone cookie naming no zone) to the costliest pages, while readers'
# requests for a cached page and for /healthz are measured, first alone, then during that load.
BYPASS_CONNECTIONS = 8
BYPASS_READER_CONNECTIONS = 2
BYPASS_PATHS = [
    "/sitemap.xml?bust={random}",
    f"/sitemap-{DEMO}.xml?bust={{random}}",
    f"/{DEMO}/?bust={{random}}",
    f"/{SEED}/?bust={{random}}&utm_source={{random}}",
    f"/{DEMO}/ sessionid=benchsession{{random}}",
    f"/{DEMO}/ tz=Nowhere/{{random}}",
]
BYPASS_MEASURED = [f"/{SEED}/", FLOOR_PATH]
BYPASS_P99_TARGET_MS = 50  # a cached page while the cache is being attacked: milliseconds, not seconds
