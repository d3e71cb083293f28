"""Runs wrk with bench/paths.lua and reads back its one-line JSON summary."""

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT = Path(__file__).with_name("paths.lua")


@dataclass
class Result:
    seconds: float
    requests: int
    bytes: int
    socket_errors: dict  # connect, read, write, timeout (wrk's own counters)
    statuses: dict  # s2xx, s3xx, s4xx, s5xx, other
    cache: dict  # hit, miss, none: the X-Cache header of each response
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    failed_at: dict = field(default_factory=dict)  # unix second -> responses not 2xx/3xx

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def bytes_per_response(self):
        return self.bytes / self.requests if self.requests else 0

    @property
    def socket_error_count(self):
        return sum(self.socket_errors.get(name, 0) for name in ("connect", "read", "write", "timeout"))

    @property
    def bad_status_count(self):
        """Responses that were neither 2xx nor 3xx."""
        return sum(self.statuses.get(name, 0) for name in ("s4xx", "s5xx", "other"))

    @property
    def errors(self):
        return self.socket_error_count + self.bad_status_count

    @property
    def hit_share(self):
        counted = sum(self.cache.values())
        return self.cache.get("hit", 0) / counted if counted else 0.0


def version():
    found = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return (found.stdout + found.stderr).splitlines()[0].strip() if shutil.which("wrk") else "missing"


def run(base_url, paths, *, seconds, connections, threads=2, timeout_s=10):
    """Hammer base_url with the paths in rotation; raises if wrk fails or prints no summary."""
    command = [
        "wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout_s}s",
        "-s", str(SCRIPT), base_url, "--", *paths,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + timeout_s + 30)
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}\n{done.stderr}")
    data = json.loads(lines[-1][len("BENCH "):])
    latency = data["latency_us"]
    integers = lambda table: {key: int(value) for key, value in (table or {}).items()}  # noqa: E731
    return Result(
        seconds=data["duration_us"] / 1e6,
        requests=int(data["requests"]),
        bytes=int(data["bytes"]),
        socket_errors=integers(data["errors"]),
        statuses=integers(data["statuses"]),
        cache=integers(data["cache"]),
        p50_ms=latency["p50"] / 1000,
        p95_ms=latency["p95"] / 1000,
        p99_ms=latency["p99"] / 1000,
        max_ms=latency["max"] / 1000,
        failed_at={int(second): int(count) for second, count in (data["failed_at"] or {}).items()},
    )
