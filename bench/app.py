"""The application under test: its production environment, manage.py, and gunicorn servers on loopback."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import probe

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
LOGS = Path(__file__).resolve().parent / "logs"
GUNICORN_CONFIG = Path(__file__).resolve().parent / "gunicorn_bench.py"
SECRET_KEY = "bench-throwaway-" + secrets.token_urlsafe(32)


def production_env(database_url, *, cache_seconds=0):
    """What `make serve` sets, plus the database, the page cache and persistent connections."""
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DATABASE_URL=database_url,
        DJANGO_CONN_MAX_AGE="300",
        DJANGO_CACHE_URL="locmem://",
        DJANGO_PAGE_CACHE_SECONDS=str(cache_seconds),
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def manage(env, *args):
    """Run manage.py; returns its output, or stops the benchmark with it when the command fails."""
    started = time.monotonic()
    done = subprocess.run([BIN / "python", "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    print(f"  manage.py {' '.join(args)}  ({time.monotonic() - started:.1f} s)", flush=True)
    return done.stdout


def in_django(env, *args):
    """bench/in_django.py (render a page to a file, profile a page) inside the project's settings."""
    done = subprocess.run([BIN / "python", Path(__file__).with_name("in_django.py"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"in_django.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


SOURCE_DIRS = ("workshop", "schedule", "posters", "templates", "static", "fixtures")
SOURCE_FILES = ("gunicorn.conf.py", "pyproject.toml")


def source_snapshot():
    """{path: mtime} of the application's files: other people edit them, and a server started before an edit
    serves a mix of old code and new templates (see changed_files)."""
    files = [ROOT / name for name in SOURCE_FILES]
    for folder in SOURCE_DIRS:
        files += [path for path in (ROOT / folder).rglob("*") if path.is_file() and "__pycache__" not in path.parts]
    return {str(path.relative_to(ROOT)): path.stat().st_mtime_ns for path in files if path.exists()}


def changed_files(before):
    after = source_snapshot()
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def git_state():
    """HEAD and how many files differ from it outside bench/ (the version measured, roughly)."""
    def git(*args):
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.rstrip() if done.returncode == 0 else ""  # porcelain lines start with a space

    dirty = [line for line in git("status", "--porcelain").splitlines() if not line[3:].startswith("bench/")]
    return {"head": git("rev-parse", "--short", "HEAD") or "?", "dirty": len(dirty)}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with the project's gunicorn.conf.py (2 workers, no access log) on a free loopback port."""

    def __init__(self, name, env, workers=2):
        self.name = name
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = dict(env, GUNICORN_BIND=f"127.0.0.1:{self.port}", GUNICORN_WORKERS=str(workers))
        LOGS.mkdir(exist_ok=True)
        self.log_path = LOGS / f"gunicorn-{name}.log"
        self.process = None

    def start(self, wait_seconds=30):
        log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [BIN / "gunicorn", "-c", GUNICORN_CONFIG], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a Ctrl-C reaches us, and we stop it in order
        )
        deadline = time.monotonic() + wait_seconds
        while probe.status(self.base_url + "/healthz") != 200:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn {self.name} did not become healthy; see {self.log_path}")
            time.sleep(0.2)
        print(f"  gunicorn {self.name}: {self.base_url} (master {self.process.pid}, workers {self.worker_pids()})",
              flush=True)
        return self

    def worker_pids(self):
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return sorted(int(pid) for pid in children.split())

    def log_size(self):
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_since(self, offset):
        """What gunicorn and Django wrote to the error log after offset (Django logs each 500 with a traceback)."""
        with open(self.log_path, "rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: gunicorn waits for the workers
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        print(f"  gunicorn {self.name} stopped", file=sys.stderr, flush=True)
