"""The embedded default (`make run`): SQLite file, in-memory channel layer, runs in the web process."""

from .base import *  # noqa: F403

DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
