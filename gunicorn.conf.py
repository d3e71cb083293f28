"""gunicorn for production: `gunicorn -c gunicorn.conf.py` (make serve does this locally).

Every setting can be changed from the environment (GUNICORN_BIND, GUNICORN_WORKERS, ...), or on the command
line, which wins over this file.
"""

import multiprocessing
import os

wsgi_app = "workshop.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, two per core: pages are short CPU work plus a database round trip or a cache hit.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so that no slow leak can grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "200000"))
max_requests_jitter = 20000
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Trust X-Forwarded-* only from the proxy in front (set to its address when it is not on this machine); the
# same variable tells Django whose X-Forwarded-For to believe when it counts failed logins.
forwarded_allow_ips = os.environ.get("DJANGO_TRUSTED_PROXIES", "127.0.0.1")
