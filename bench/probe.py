"""Single HTTP requests to the server under test, and a /healthz poller for the database-restart scenario."""

import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

# Straight to the loopback server, whatever http_proxy says.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get(url, timeout=10):
    """(status, headers, body); status 0 when no HTTP answer came (refused, reset, timed out)."""
    try:
        with _opener.open(url, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    except (OSError, urllib.error.URLError):
        return 0, {}, b""


def status(url, timeout=10):
    return get(url, timeout)[0]


def wait_idle(base_url, workers=2, quick=0.1, limit=30):
    """Wait until the server has worked off what an earlier run left queued (wrk closes its connections, but
    sync workers still answer every request already accepted): `workers`+2 concurrent /healthz must all answer
    within `quick` seconds. Returns the seconds waited."""
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers + 2) as pool:
        while time.monotonic() - started < limit:
            sent = time.monotonic()
            codes = list(pool.map(lambda _: status(base_url + "/healthz", timeout=limit), range(workers + 2)))
            if all(code == 200 for code in codes) and time.monotonic() - sent < quick:
                break
            time.sleep(0.05)
    return time.monotonic() - started


class Poller:
    """Calls check() every `every` seconds, each call in its own thread without waiting for the previous one (a
    slow answer under load must not stretch the interval); records (sent, answered, ok)."""

    def __init__(self, check, every=0.1, timeout=5):
        self.check, self.every = check, every
        self.samples = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=int(timeout / every) + 5)
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _one(self):
        sent = time.time()
        ok = self.check()
        with self._lock:
            self.samples.append((sent, time.time(), ok))

    def _loop(self):
        while not self._stop.is_set():
            self._pool.submit(self._one)
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._pool.shutdown(wait=True)

    def outage(self):
        """(first failure, first success after the last failure, failed checks), by the time each check was
        answered (a request queued behind others is judged when the server handled it), or None."""
        by_answer = sorted(self.samples, key=lambda sample: sample[1])
        failed = [answered for _, answered, ok in by_answer if not ok]
        if not failed:
            return None
        recovered = next((answered for _, answered, ok in by_answer if ok and answered > failed[-1]), None)
        return failed[0], recovered, len(failed)


def healthz_check(base_url, timeout=5):
    return lambda: status(base_url + "/healthz", timeout) == 200
