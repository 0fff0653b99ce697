import pytest
from channels.layers import channel_layers
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache

from playground import services


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    # The in-memory layer's asyncio queues belong to the loop that first used them;
    # each test runs its own loop, so each gets its own layer.
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def fresh_cache():
    # The rate limits' counters (playground.ratelimits) live in the cache: none carried between tests.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def session_key(db):
    store = SessionStore()
    store.create()
    return store.session_key


@pytest.fixture
def make_run(session_key):
    def make(spec, *, steps_per_second=None, key=None):
        return services.run_create(spec, session_key=key or session_key, steps_per_second=steps_per_second)

    return make
