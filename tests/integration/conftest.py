"""The scaled-out mode for real: PostgreSQL, Redis, daphne and Celery worker processes.

Skipped, with the reason, where PostgreSQL (PLAYGROUND_TEST_PG, default 127.0.0.1:5432) or
Redis (PLAYGROUND_TEST_REDIS, default 127.0.0.1:6379) do not answer; failed instead under
PLAYGROUND_REQUIRE_SERVICES=1 (CI: .ci/run), so a skipped layer never passes for green.
"""

import copy
import json
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

if str(Path(__file__).resolve().parents[2]) not in sys.path:  # `pytest` as well as `python -m pytest`
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.integration.stack import FAST, ROOT, Stack, missing_services  # noqa: E402

MISSING = missing_services()


@pytest.fixture(scope="session", autouse=True)
def services_answer():  # session-scoped and autouse: before the stack fixtures try to start anything
    if MISSING:
        why = f"the scaled-out integration tests need PostgreSQL and Redis; not answering: {MISSING}"
        if os.environ.get("PLAYGROUND_REQUIRE_SERVICES") == "1":
            pytest.fail(why, pytrace=False)
        pytest.skip(why)


WORKERS = ("w1", "w2")


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """daphne + two workers of one run slot each; the workers reach PostgreSQL through a proxy
    the tests can cut."""
    stack = Stack(tmp_path_factory.mktemp("stack"), db_proxy=True, env=FAST)
    try:
        stack.start(workers=0)
        with ThreadPoolExecutor(2) as pool:  # start both workers at once
            list(pool.map(stack.start_worker, WORKERS))
        yield stack
    finally:
        stack.close()


def ensure_web(stack):
    if stack.web is None or stack.web[0].poll() is not None:
        stack.start_web()


@pytest.fixture
def live(stack):
    """The stack with both workers and the web server up (a test before may have killed some)."""
    ensure_web(stack)
    for name in WORKERS:
        if name not in stack.workers or stack.workers[name][0].poll() is not None:
            stack.workers.pop(name, None)
            stack.start_worker(name)
    return stack


@pytest.fixture
def impatient(stack):
    """The stack with one worker only, whose database writes give up after 2 s
    (PLAYGROUND_DB_RETRY_S; w1 and w2 retry for 25 s)."""
    ensure_web(stack)
    for name in list(stack.workers):
        stack.stop_worker(name)
    stack.start_worker("impatient", env={"PLAYGROUND_DB_RETRY_S": "2"})
    yield stack
    stack.stop_worker("impatient", signal.SIGKILL)  # the next test's `live` starts w1 and w2 again


@pytest.fixture
def paced_spec():
    """TensorFlow Playground's default network on 200 points, 10 steps an epoch, long enough
    (10,000 steps) that a test stops it; paced at 200 steps/s it sends about 10 frames a second."""
    spec = json.loads((ROOT / "trainer" / "examples" / "tfp_default.json").read_text())
    spec["dataset"].update(samples=200, test_fraction=0.5)
    spec["epochs"] = 1000
    return copy.deepcopy(spec)
