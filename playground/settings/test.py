"""pytest settings: fast hashing, in-memory layer, tasks recorded but not run unless a test asks."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CHANNEL_LAYERS = {"default": {"BACKEND": "playground.layers.PlaygroundInMemoryChannelLayer"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
# test_supervision's reconcile tests queue four runs in one session (the DummyBackend never runs
# them); the tests of the limits set the limits they test.
PLAYGROUND_MAX_ACTIVE_RUNS_ANONYMOUS = 10
MEDIA_ROOT = BASE_DIR / ".cache" / f"media-{os.getpid()}"  # uploaded datasets; tests that count files use tmp_path

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not SQLite's shared-cache memory DB: run threads write while the test
    # reads, and shared-cache table locks ignore the busy timeout. One per process, as
    # several people may run the suite in this tree at once.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".cache" / f"test-{os.getpid()}.sqlite3")}
    (BASE_DIR / ".cache").mkdir(exist_ok=True)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # DATABASE_URL=postgres://... runs the suite on PostgreSQL: a test database per process too.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
