"""Shared fixtures: small specs and (for the web side) a fresh in-memory channel layer per test."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from hypothesis.database import DirectoryBasedExampleDatabase

ROOT_DIR = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT_DIR / "trainer" / "examples"

# Property tests (tests/fuzz.py): a few hundred examples each; under CI the same ones every time.
# Failing examples are kept in the ignored .cache/ (not a .hypothesis/ in the tree) and replayed first.
_IN_CI = bool(os.environ.get("CI"))
hypothesis_settings.register_profile(
    "playground",
    max_examples=200,
    deadline=None,
    derandomize=_IN_CI,
    database=None if _IN_CI else DirectoryBasedExampleDatabase(ROOT_DIR / ".cache" / "hypothesis"),
)
hypothesis_settings.load_profile("playground")


def example_spec(name):
    return json.loads((EXAMPLES / f"{name}.json").read_text())


@pytest.fixture
def small_spec():
    """TensorFlow Playground's default network on a small circle set: 10 steps an epoch."""
    spec = example_spec("tfp_default")
    spec["dataset"].update(samples=200, test_fraction=0.5)
    spec["epochs"] = 20
    return spec


LIVE_ENV = {}  # the live server's environment (its database), for live_manage


@pytest.fixture(scope="session")
def live_manage(live_server_url):
    """Run a manage.py command against the live server's database, e.g. createsuperuser."""

    def manage(*args, **env):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT_DIR,
            env={**LIVE_ENV, **env},
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )

    return manage


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server_url(tmp_path_factory):
    """`manage.py runserver` (daphne: HTTP, static files, websockets) in a subprocess, as `make run`
    serves it, on a free port with a fresh SQLite file. pytest-django's live_server speaks no websockets."""
    tmp_path = tmp_path_factory.mktemp("live")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "playground.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'live.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("REDIS_URL", "PLAYGROUND_TASK_BACKEND"):  # the embedded default, whatever the shell says
        env.pop(name, None)
    env["PLAYGROUND_MEDIA_ROOT"] = str(tmp_path / "media")  # uploaded datasets
    # Every browser test comes from 127.0.0.1: the per-address limits would count the whole layer
    # as one client (tests/web/test_limits.py tests them); the per-session ones stay as shipped.
    env.update(
        PLAYGROUND_RUNS_PER_MINUTE="1000",
        PLAYGROUND_MAX_ACTIVE_RUNS_PER_ADDRESS="1000",
        PLAYGROUND_PREDICTIONS_PER_SECOND="1000",
    )
    LIVE_ENV.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/api/catalog/", timeout=1)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "server.log").read_text()
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()  # never leave a server behind, whatever state it hung in
            server.wait()
        log.close()


# CI (.ci/run) sets PLAYGROUND_REQUIRE_SERVICES=1: a skipped test, or a whole skipped layer
# (the integration tests without PostgreSQL or Redis), is then a failure, never a green run.
REQUIRE_SERVICES = os.environ.get("PLAYGROUND_REQUIRE_SERVICES") == "1"


def _no_skip(report):
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped, but PLAYGROUND_REQUIRE_SERVICES=1 allows no skip: {reason}"
    return report


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    """The translation catalogs (.mo, build output of `make messages`) compiled when missing or older
    than their .po, once before any test (a fresh clone run by plain pytest): in the main process,
    before xdist starts its workers, so no test reads a catalog while another process writes it."""
    if hasattr(config, "workerinput"):
        return
    stale = sorted(
        {
            po.parent.parent.name
            for po in (ROOT_DIR / "locale").glob("*/LC_MESSAGES/*.po")  # django.po and djangojs.po
            if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
        }
    )
    if stale:
        from django.core.management import call_command  # noqa: PLC0415 (settings are configured by now)

        call_command("compilemessages", locale=stale, ignore_patterns=[".*", "staticfiles", "media"], verbosity=0)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    return _no_skip((yield))


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    return _no_skip((yield))


# `make test` runs two processes (pytest-xdist --dist loadfile): a file runs whole on one (its module
# fixtures and JAX compilations are shared), and these directories run whole on one, each its own
# server or stacks, so the browser tests and the integration stacks overlap with each other and
# with the rest instead of doubling up. (xdist_group marks cannot do it: pytest 9 ignores the
# node ids xdist rewrites for --dist loadgroup.)
SCHEDULED_TOGETHER = ("tests/browser/", "tests/integration/")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling  # noqa: PLC0415 (only under xdist)

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid):
            return next((d for d in SCHEDULED_TOGETHER if nodeid.startswith(d)), None) or super()._split_scope(nodeid)

    return Scheduling(config, log)
