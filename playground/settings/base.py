"""Settings shared by every mode. Environment variables switch the mode:

- DATABASE_URL (dj-database-url) replaces the SQLite file with e.g. PostgreSQL;
- REDIS_URL replaces the in-memory channel layer with channels_redis;
- PLAYGROUND_TASK_BACKEND (dotted path) replaces the in-process task backend:
  playground.taskbackend.CeleryBackend sends runs to Celery workers (playground/celery.py).
Nothing else changes between the embedded default and the scaled-out mode.
"""

import os
from pathlib import Path

import dj_database_url
import plotly
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-deploy")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "daphne",  # first, so `runserver` serves ASGI (websockets included)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "playground",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # after sessions, before common (i18n block below)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "playground.ratelimits.RateLimitMiddleware",  # after auth: limits per user or session, and per address
]

ROOT_URLCONF = "playground.urls"
ASGI_APPLICATION = "playground.asgi.application"

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
            ],
        },
    },
]


def _database(url):
    db = dj_database_url.parse(url)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # The run thread writes frames while requests read them: WAL lets readers
        # proceed, IMMEDIATE + timeout makes concurrent writers wait instead of failing.
        db["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif db["ENGINE"] == "django.db.backends.postgresql":
        # Fail fast when the server is away, so the run's writes retry (runguard.db_retry)
        # instead of hanging on a half-open connection.
        db.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    return db


DATABASES = {"default": _database(os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL")
if REDIS_URL:
    from redis.asyncio.retry import Retry
    from redis.backoff import ExponentialBackoff

    from playground.streams import CONTROL_CHANNELS

    # Retries: after a Redis restart the pooled connections are dead; each is replaced on first
    # use instead of failing that command. Capacity: all the viewers in one web process share
    # one Redis inbox, and channels_redis drops messages beyond it, so it must hold a few
    # seconds of every run's frames (about 20 a second each) for a process that lags; a run's
    # control channel holds at most 100 waiting controls. The prefix keeps several deployments
    # (or test sessions) on one Redis apart.
    _redis = {"address": REDIS_URL, "retry": Retry(ExponentialBackoff(cap=0.5, base=0.05), 3)}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [_redis],
                "prefix": os.environ.get("PLAYGROUND_CHANNEL_PREFIX", "asgi"),
                "capacity": 2000,
                "channel_capacity": {CONTROL_CHANNELS: 100},
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "playground.layers.PlaygroundInMemoryChannelLayer"}}

TASKS = {"default": {"BACKEND": os.environ.get("PLAYGROUND_TASK_BACKEND", "playground.taskbackend.InProcessBackend")}}
# Compute slots of the in-process backend: runs training at once (playground.slots). A paused
# run, or a paced one between chunks, lets its slot go; runs waiting for one stay "queued".
PLAYGROUND_MAX_CONCURRENT_RUNS = int(os.environ.get("PLAYGROUND_MAX_CONCURRENT_RUNS", "2"))


def _env_number(name, default, kind=int):
    return kind(os.environ.get(name, default))


# --- Limits of a public server (playground/ratelimits.py, runguard.RunLimits, consumers) ---
# Every one is on by default; 0 turns one off. Over a limit the API answers 429 with Retry-After
# and {"error": "..."}. Clients are told apart by owner (user, or anonymous session) and by
# address: REMOTE_ADDR, or behind the proxy PLAYGROUND_TRUSTED_PROXY (its address; then the
# last X-Forwarded-For entry that proxy added). Counters live in the cache (CACHES below).
PLAYGROUND_MAX_ACTIVE_RUNS_ANONYMOUS = _env_number("PLAYGROUND_MAX_ACTIVE_RUNS_ANONYMOUS", 3)  # queued+running+paused
PLAYGROUND_MAX_ACTIVE_RUNS_SIGNED_IN = _env_number("PLAYGROUND_MAX_ACTIVE_RUNS_SIGNED_IN", 10)
PLAYGROUND_MAX_ACTIVE_RUNS_PER_ADDRESS = _env_number("PLAYGROUND_MAX_ACTIVE_RUNS_PER_ADDRESS", 10)
PLAYGROUND_RUNS_PER_MINUTE = _env_number("PLAYGROUND_RUNS_PER_MINUTE", 20)  # runs started, per owner and per address
PLAYGROUND_PREDICTIONS_PER_SECOND = _env_number("PLAYGROUND_PREDICTIONS_PER_SECOND", 5)
PLAYGROUND_UPLOADS_PER_HOUR = _env_number("PLAYGROUND_UPLOADS_PER_HOUR", 30)  # staff uploads in the admin
PLAYGROUND_TRUSTED_PROXY = os.environ.get("PLAYGROUND_TRUSTED_PROXY", "")
# Log-in and sign-up: after this many failures in the window, per username and per address, 429.
PLAYGROUND_LOGIN_FAILURES = _env_number("PLAYGROUND_LOGIN_FAILURES", 5)
PLAYGROUND_LOGIN_WINDOW_S = _env_number("PLAYGROUND_LOGIN_WINDOW_S", 15 * 60)
# A run is stopped (and kept, with a message) after this long, or once paused this long with no
# control message from its page.
PLAYGROUND_RUN_WALL_CLOCK_S = _env_number("PLAYGROUND_RUN_WALL_CLOCK_S", 30 * 60, float)
PLAYGROUND_RUN_IDLE_S = _env_number("PLAYGROUND_RUN_IDLE_S", 60 * 60, float)
# The run socket: messages a second per connection (a burst over it: an error frame, then close
# 4429), and open sockets per session (the next one is closed with 4429).
PLAYGROUND_SOCKET_MESSAGES_PER_SECOND = _env_number("PLAYGROUND_SOCKET_MESSAGES_PER_SECOND", 20)
PLAYGROUND_SOCKETS_PER_SESSION = _env_number("PLAYGROUND_SOCKETS_PER_SESSION", 20)
# The counters' cache: this process's memory (embedded), or Redis shared by every web process.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "playground"}}
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("PLAYGROUND_CHANNEL_PREFIX", "asgi") + ".cache",
        }
    }
# --- end of the limits ---

# Scaled-out mode: playground.taskbackend.CeleryBackend sends runs to this Celery queue, and
# `celery -A playground worker -Q training` runs them (playground/celery.py).
PLAYGROUND_TASK_QUEUE = os.environ.get("PLAYGROUND_TASK_QUEUE", "training")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "redis://127.0.0.1:6379/0"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = PLAYGROUND_TASK_QUEUE
CELERY_TASK_IGNORE_RESULT = True  # a run's outcome lives in its Run row
# Threads, not prefork: JAX releases the GIL while it computes, one process keeps one
# compilation cache, and a killed worker process takes all of its runs with it (no orphan
# children that go on sending heartbeats).
CELERY_WORKER_POOL = "threads"
# Compute slots per worker process; a worker holds up to PLAYGROUND_WORKER_RUNS runs (threads), the
# others paused or pacing (playground/celery.py).
PLAYGROUND_WORKER_CONCURRENCY = int(os.environ.get("PLAYGROUND_WORKER_CONCURRENCY", "2"))
CELERY_WORKER_CONCURRENCY = int(os.environ.get("PLAYGROUND_WORKER_RUNS") or 2 * PLAYGROUND_WORKER_CONCURRENCY)
# Predict (playground.taskbackend.ask) runs where runs train: a thread of the embedded server, or
# on a worker, in PLAYGROUND_WORKER_PREDICT_THREADS threads of each worker process besides its pool
# (answered while every compute slot trains). No answer within PLAYGROUND_PREDICT_TIMEOUT_S: 503.
PLAYGROUND_PREDICT_TIMEOUT_S = _env_number("PLAYGROUND_PREDICT_TIMEOUT_S", 10, float)
PLAYGROUND_WORKER_PREDICT_THREADS = _env_number("PLAYGROUND_WORKER_PREDICT_THREADS", 2)
# A worker holds only the runs it is running: late acks keep a running run's message
# reserved, and a prefetch of one leaves waiting runs on the queue for idle workers.
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False  # a Redis restart must not kill runs
# Heartbeats: a running run's worker writes Run.heartbeat every PLAYGROUND_HEARTBEAT_S; every
# worker checks every PLAYGROUND_RECONCILE_EVERY_S for running runs whose heartbeat is older
# than PLAYGROUND_WORKER_LOST_AFTER_S and fails them ("worker lost"): within 45 s by default.
PLAYGROUND_HEARTBEAT_S = float(os.environ.get("PLAYGROUND_HEARTBEAT_S", "5"))
PLAYGROUND_WORKER_LOST_AFTER_S = float(os.environ.get("PLAYGROUND_WORKER_LOST_AFTER_S", "30"))
PLAYGROUND_RECONCILE_EVERY_S = float(os.environ.get("PLAYGROUND_RECONCILE_EVERY_S", "10"))
# A run still queued this long after its task was sent is sent again: Redis keeps nothing on
# disk, so a restart loses the waiting messages. A duplicate of a message still waiting is
# harmless (only one task can start a queued run).
PLAYGROUND_REQUEUE_AFTER_S = float(os.environ.get("PLAYGROUND_REQUEUE_AFTER_S", "60"))
# How long a run's database writes are retried while the database is unreachable (a restart,
# a failover); longer outages fail the run. Keep it under PLAYGROUND_WORKER_LOST_AFTER_S.
PLAYGROUND_DB_RETRY_S = float(os.environ.get("PLAYGROUND_DB_RETRY_S", "25"))

# Untrusted input: a spec is a few KB; refuse anything much bigger before parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
PLAYGROUND_MAX_SPEC_BYTES = 32 * 1024

# Uploaded datasets (playground/uploads/): the uploads and their processed .npz live in
# MEDIA_ROOT (scaled out: a directory every web process and worker shares). Limits on
# untrusted files; the admin form names the one a file breaks.
MEDIA_ROOT = Path(os.environ.get("PLAYGROUND_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"  # never served: uploads are read by the server only
PLAYGROUND_UPLOAD_LIMITS = {
    "max_bytes": 50 * 1024 * 1024,  # the uploaded file
    "max_unpacked_bytes": 200 * 1024 * 1024,  # a zip's entries, added up
    "max_zip_ratio": 100,  # an entry may expand at most this many times (zip bombs)
    "max_rows": 50_000,  # samples (CSV rows, images, texts)
    "min_rows": 20,
    "max_columns": 100,
    "max_classes": 20,
    "max_image_side": 64,  # the target size chosen on upload
    "max_image_pixels": 25_000_000,  # one source picture, decoded
    "max_text_chars": 5_000,  # one text
    "max_processed_bytes": 256 * 1024 * 1024,  # the arrays a run loads
}

# Accounts (playground/account_views.py): saved experiments live on the list after log-in.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "experiments"
LOGOUT_REDIRECT_URL = "index"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Korean and English (locale/; `manage.py compilemessages` builds the .mo). LocaleMiddleware picks
# the language cookie (set_language, /i18n/setlang/), then the browser's Accept-Language, which
# Korean browsers send as ko. LANGUAGE_CODE, the source language, is only the fallback for
# clients that send neither (scripts, the API, the test client).
LANGUAGE_CODE = "en"
LANGUAGES = [("ko", "한국어"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60  # remembered for a year, not just the browser session
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# plotly.js comes from the plotly Python package: never a CDN, never committed.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor", Path(plotly.__file__).parent / "package_data"),
]
# Django's finders, but a path outside the roots (/static/../x) is a 404, not a 500 (playground/staticfinders.py).
STATICFILES_FINDERS = ["playground.staticfinders.FileSystemFinder", "playground.staticfinders.AppDirectoriesFinder"]

CSRF_FAILURE_VIEW = "playground.views.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"playground": {"handlers": ["console"], "level": "INFO"}},
}

# Content-Security-Policy (django.middleware.csp): our own scripts, styles and connections
# only; no inline script, no eval, no plugin, no framing by other sites. Pages hand data to
# their modules through json_script (type application/json: never executed, so allowed).
MIDDLEWARE = [*MIDDLEWARE, "django.middleware.csp.ContentSecurityPolicyMiddleware"]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # The one loosening plotly.js needs: its heatmaps set a style attribute computed at draw
    # time (image-rendering, a transform on reversed axes), so no hash can cover it. Style
    # attributes run no script; <style> elements stay forbidden (style-src-elem: 'self').
    "style-src-attr": [CSP.UNSAFE_INLINE],
    # data: images: Plotly draws heatmaps on a canvas and shows them as a data: PNG in its
    # SVG; the dataset page shows uploaded pictures the same way; the favicon is data:,.
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],  # 'self' also allows ws:/wss: to this host (CSP Level 3)
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
    "form-action": [CSP.SELF],
}
