"""Settings for every environment, read from the environment.

Development needs no variables: SQLite in the project folder, DEBUG on, a throwaway key.
Production sets DJANGO_SECRET_KEY, DJANGO_DEBUG=0, DJANGO_ALLOWED_HOSTS and DATABASE_URL.
"""

import ipaddress
import os
from pathlib import Path

from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # full-text and trigram search when the database is PostgreSQL
    "django.contrib.sitemaps",
    "django_filters",
    "csp",
    "simple_history",
    "import_export",
    "axes",
    "workshop.apps.WorkshopConfig",
    "schedule",
    "posters",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cached pages are answered here, like whitenoise's files: before sessions, authentication and the view,
    # and with the Content-Security-Policy header the page was stored with (django-csp builds it per response).
    "workshop.caching.ProgrammeCacheMiddleware",
    # Below the page cache, so that a page is compressed once, when it is stored, not on every hit (the cache key
    # tells the readers who accept gzip from those who do not). A phone at the venue fetches the whole programme
    # for its offline copy: compressed, the seed's is a third of its size. Django adds random bytes to each
    # compressed page against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "workshop.middleware.RefuseMeaninglessRequestsMiddleware",
    "workshop.middleware.DatabaseUnavailableMiddleware",  # 503, not 500, while the database is away
    "django.middleware.http.ConditionalGetMiddleware",  # 304 for a matching ETag or Last-Modified
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # records who made each change
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into its lockout page
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # counts failed logins first, refuses locked-out ones
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords lock out that username from that address for fifteen minutes. The pair, not either
# alone: behind the proxy many people share an address, and anyone can type an organizer's username.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("DJANGO_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "workshop.clients.client_address"  # the client behind a TRUSTED_PROXIES proxy
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"


def trusted_proxies(name, default):
    networks = env_list(name, default)
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            # "*" too: gunicorn takes it, but it would let any client name its own address.
            raise ImproperlyConfigured(f"{name}: “{network}” is not an IP address or network.") from None
    return networks


# The TLS proxies in front (addresses or networks, comma-separated): only requests from them may name their
# client in X-Forwarded-For. gunicorn.conf.py gives the same variable to gunicorn's forwarded_allow_ips.
TRUSTED_PROXIES = trusted_proxies("DJANGO_TRUSTED_PROXIES", ["127.0.0.1"])

# Spreadsheets: importing needs the change permission, exporting the view permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Off: it only deletes a leading "=" and turns every cell into text, empty ones into "None". Formulas are
# neutralised cell by cell instead, by the resources (schedule/resources.py, escape_formula).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

ROOT_URLCONF = "workshop.urls"
WSGI_APPLICATION = "workshop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workshop.caching.fragments",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A programme fits in memory many times over, where reading a row by index costs about what reading the
    # next one does; PostgreSQL's default (4, for spinning disks) made it scan all 10,000 people of the demo
    # to join the 80 authors on a page of posters (2.4 ms instead of 0.6). The environment can still say.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", f"-c random_page_cost={os.environ.get('DJANGO_PG_RANDOM_PAGE_COST', '1.1')}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# Stored instants are UTC; each workshop names its own zone for display.
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names in production; the plain storage keeps tests free of collectstatic.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
# load_workshop refuses a larger file (its --max-size overrides this for one run). A NeurIPS-sized programme, 60
# workshops and 5,000 posters, is about 18 MB as a fixture.
PROGRAMME_FILE_MAX_BYTES = int(float(os.environ.get("DJANGO_PROGRAMME_FILE_MAX_MB", "50")) * 1024 * 1024)


def cache_from_url(url):
    """DJANGO_CACHE_URL: locmem:// (one process), redis://host:6379/0 or memcached://host:11211 (shared by
    several app servers)."""
    scheme = urlsplit(url).scheme
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "memcached":
        return {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache", "LOCATION": urlsplit(url).netloc}
    if scheme in ("locmem", ""):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "programme"}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"DJANGO_CACHE_URL: unknown cache “{scheme}”")


CACHES = {"default": cache_from_url(os.environ.get("DJANGO_CACHE_URL", "locmem://"))}
PROGRAMME_CACHE_ALIAS = "default"
# Whole pages stay cached this long unless the programme changes first (which retires them at once).
PROGRAMME_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "0" if DEBUG else "3600"))
# Costly parts of pages (a timetable's rows, a list of hundreds of people) are kept this long, keyed on the programme
# version: an edit retires them like whole pages. Off (0) in development, where pages show every edit at once.
PROGRAMME_FRAGMENT_SECONDS = int(os.environ.get("DJANGO_FRAGMENT_CACHE_SECONDS", "0" if DEBUG else "3600"))
# How often each process looks for a newer programme version; an edit reaches other workers within this.
PROGRAMME_VERSION_CHECK_SECONDS = float(os.environ.get("DJANGO_VERSION_CHECK_SECONDS", "1"))
# How long browsers and shared caches outside (a CDN, a proxy) may keep a public page without asking again
# (Cache-Control: max-age): they cannot be told of an edit, so it reaches their readers within this.
PROGRAMME_BROWSER_CACHE_SECONDS = int(os.environ.get("DJANGO_BROWSER_CACHE_SECONDS", "60"))

# No inline script or style, no other host: everything the pages use is served from here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The offline copy (workshop/offline.py): its service worker and the web app manifest, from here only.
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto; DJANGO_SECURE_SSL_REDIRECT=0 for plain
    # http on one's own machine (make serve).
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain http
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_in_one_line": {"()": "workshop.logs.ClientErrorsInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own console handler (in development) printed every django.* line a second time, the root
        # logger's handler being the other; the level stays Django's default.
        "django": {"handlers": [], "level": "INFO"},
        # Where Django logs the 4xx responses it makes from exceptions (403 for PermissionDenied and CSRF).
        "django.request": {"filters": ["client_errors_in_one_line"]},
        "django.security.csrf": {"filters": ["client_errors_in_one_line"]},
    },
}
