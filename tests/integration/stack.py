"""A scaled-out stack on this machine, as real processes: a fresh PostgreSQL database, daphne
(ASGI) and Celery workers on Redis. Used by the integration tests and scripts/load.py.

Several people may run the suite at once against the same PostgreSQL and Redis, so every
stack has its own database, Celery queue and channel-layer prefix.
"""

import asyncio
import http.cookiejar
import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import websockets

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("PLAYGROUND_TEST_PG", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("PLAYGROUND_TEST_REDIS", "redis://127.0.0.1:6379/0")
# Fast clocks for the fault tests: a heartbeat a second, a run lost after 6 s without one,
# a queued run's task sent again after 4 s.
FAST = {
    "PLAYGROUND_HEARTBEAT_S": "1",
    "PLAYGROUND_WORKER_LOST_AFTER_S": "6",
    "PLAYGROUND_RECONCILE_EVERY_S": "1",
    "PLAYGROUND_REQUEUE_AFTER_S": "4",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_ping(url, timeout=2.0):
    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port or 6379), timeout=timeout) as s:
        s.sendall(b"PING\r\n")
        return s.recv(64).startswith(b"+PONG")


def missing_services():
    """None if PostgreSQL and Redis answer, else why not (for a skip message)."""
    problems = []
    try:
        psycopg.connect(PG_URL, connect_timeout=2).close()
    except psycopg.Error as exc:
        problems.append(f"PostgreSQL at {PG_URL} ({str(exc).strip().splitlines()[0]})")
    try:
        if not redis_ping(REDIS_URL):
            problems.append(f"Redis at {REDIS_URL} (no PONG)")
    except OSError as exc:
        problems.append(f"Redis at {REDIS_URL} ({exc})")
    return "; ".join(problems) or None


class TcpProxy:
    """A TCP relay that can drop every connection and refuse new ones for a while: a database
    that is briefly unreachable, without touching the shared server."""

    def __init__(self, host, port):
        self.target, self.cut_until, self.pairs = (host, port), 0.0, set()
        self.lock = threading.Lock()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return  # closed
            if time.monotonic() < self.cut_until:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            pair = (client, upstream)
            with self.lock:
                self.pairs.add(pair)
            for src, dst in (pair, pair[::-1]):
                threading.Thread(target=self._pump, args=(src, dst, pair), daemon=True).start()

    def _pump(self, src, dst, pair):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            self._drop(pair)

    def _drop(self, pair):
        with self.lock:
            self.pairs.discard(pair)
        for s in pair:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def cut(self, seconds=math.inf):
        """Drop every open connection now and refuse new ones for `seconds` (until restore())."""
        self.cut_until = time.monotonic() + seconds
        with self.lock:
            pairs = list(self.pairs)
        for pair in pairs:
            self._drop(pair)

    def restore(self):
        """Accept connections again."""
        self.cut_until = 0.0

    def close(self):
        self.server.close()
        self.cut(0)


class Stack:
    """Processes of one scaled-out deployment. `env` overrides settings' environment variables."""

    def __init__(self, workdir, *, redis_url=REDIS_URL, db_proxy=False, env=None):
        self.workdir, self.tag = Path(workdir), f"{os.getpid()}_{secrets.token_hex(3)}"
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.db_name = f"playground_it_{self.tag}"
        pg = urllib.parse.urlsplit(PG_URL)
        self.db_url = pg._replace(path=f"/{self.db_name}").geturl()
        self.proxy = TcpProxy(pg.hostname, pg.port or 5432) if db_proxy else None
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PLAYGROUND_", "DJANGO_", "CELERY_"))},
            "DJANGO_SETTINGS_MODULE": "playground.settings.dev",
            "DATABASE_URL": self.db_url,
            "REDIS_URL": redis_url,
            "PLAYGROUND_TASK_BACKEND": "playground.taskbackend.CeleryBackend",
            "PLAYGROUND_TASK_QUEUE": f"training.{self.tag}",
            "PLAYGROUND_CHANNEL_PREFIX": f"asgi.{self.tag}",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.web, self.workers, self.port = None, {}, None

    # --- lifecycle ---

    def start(self, workers=1, concurrency=1):
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            _drop_orphans(admin)
            admin.execute(f'CREATE DATABASE "{self.db_name}"')
        try:
            out = subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput"],
                cwd=ROOT,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert out.returncode == 0, out.stdout + out.stderr
            self.start_web()
            for i in range(workers):
                self.start_worker(f"w{i + 1}", concurrency)
        except BaseException:
            self.close()
            raise
        return self

    def close(self):
        for name in list(self.workers):
            self.stop_worker(name, signal.SIGKILL)
        self.stop_web()
        if self.proxy:
            self.proxy.close()
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    def _spawn(self, name, args, env=None):
        log = (self.workdir / f"{name}.log").open("a")
        log.write(f"--- {time.strftime('%H:%M:%S')} {' '.join(args)}\n")
        log.flush()
        return subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ), log

    def log(self, name):
        return (self.workdir / f"{name}.log").read_text()

    def wait_for_log(self, name, text, since=0, timeout=30):
        """Wait until the log of `name` shows `text` after its first `since` characters."""
        deadline = time.monotonic() + timeout
        while text not in self.log(name)[since:]:
            assert time.monotonic() < deadline, f"{name} never logged {text!r}:\n{self.log(name)[-3000:]}"
            time.sleep(0.1)

    def start_web(self, port=None):
        self.port = port or self.port or free_port()
        self.web = self._spawn(
            "web", ["-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "playground.asgi:application"]
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "/api/catalog/", timeout=1)
                return
            except OSError:
                assert self.web[0].poll() is None and time.monotonic() < deadline, self.log("web")[-3000:]
                time.sleep(0.2)

    def stop_web(self):
        if self.web:
            _stop(self.web[0], signal.SIGTERM)
            self.web[1].close()
            self.web = None

    def start_worker(self, name, concurrency=1, env=None):
        """`env`: this worker's own overrides (e.g. a shorter PLAYGROUND_DB_RETRY_S)."""
        env = {**({"DATABASE_URL": _via(self.db_url, self.proxy.port)} if self.proxy else {}), **(env or {})}
        size = len(self.log(name)) if (self.workdir / f"{name}.log").exists() else 0
        proc = self._spawn(
            name,
            [
                "-m",
                "celery",
                "-A",
                "playground",
                "worker",
                "-Q",
                self.env["PLAYGROUND_TASK_QUEUE"],
                "-n",
                f"{name}.{self.tag}@%h",
                "-c",
                str(concurrency),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "INFO",
            ],
            env,
        )
        self.workers[name] = proc
        deadline = time.monotonic() + 60
        while " ready." not in self.log(name)[size:]:
            assert proc[0].poll() is None and time.monotonic() < deadline, self.log(name)[-3000:]
            time.sleep(0.2)
        return proc[0]

    def stop_worker(self, name, sig=signal.SIGTERM, timeout=30):
        proc, log = self.workers.pop(name)
        code = _stop(proc, sig, timeout)
        log.close()
        return code

    def worker_of(self, run_id):
        """The name of the worker whose log says it took the run."""
        names = [n for n in self.workers if f"train_run({run_id},)" in self.log(n)]
        return names[0] if len(names) == 1 else None

    # --- reading the database directly ---

    def sql(self, query, *params):
        with psycopg.connect(self.db_url) as conn:
            return conn.execute(query, params).fetchall()

    def run_row(self, run_id):
        (row,) = self.sql("SELECT status, message, heartbeat FROM playground_run WHERE id = %s", run_id)
        return dict(zip(("status", "message", "heartbeat"), row))

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"


def _drop_orphans(admin):
    """Drop the databases of earlier stacks on this machine whose process is gone (killed runs)."""
    for (name,) in admin.execute("SELECT datname FROM pg_database WHERE datname LIKE 'playground_it_%'").fetchall():
        pid = name.split("_")[2]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _via(url, port):
    """The database URL with 127.0.0.1:port (a TcpProxy) for its host."""
    parts = urllib.parse.urlsplit(url)
    user = parts.netloc.rpartition("@")[0]
    return parts._replace(netloc=f"{user}@127.0.0.1:{port}" if user else f"127.0.0.1:{port}").geturl()


def _stop(proc, sig, timeout=30):
    if proc.poll() is None:
        os.killpg(proc.pid, sig) if sig == signal.SIGKILL else proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode


class Client:
    """A browser's session: cookies, CSRF token, runs created over HTTP."""

    def __init__(self, url):
        self.url, self.jar = url, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.open(url + "/", timeout=10)  # the page sets the csrftoken cookie

    @property
    def cookie(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def create_run(self, spec, steps_per_second=None):
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = json.dumps({"spec": spec, "steps_per_second": steps_per_second}).encode()
        request = urllib.request.Request(
            self.url + "/api/runs/",
            data=body,
            headers={"Content-Type": "application/json", "X-CSRFToken": token, "Referer": self.url + "/"},
        )
        return json.load(self.opener.open(request, timeout=10))

    def run(self, run_id):
        return json.load(self.opener.open(f"{self.url}/api/runs/{run_id}/", timeout=10))

    def predict(self, run_id, body):
        """POST /api/runs/<id>/predict/: (status, the JSON answer)."""
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        request = urllib.request.Request(
            f"{self.url}/api/runs/{run_id}/predict/",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": token, "Referer": self.url + "/"},
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as exc:
            return exc.code, json.load(exc)

    def wait_until_finished(self, run_id, timeout=120):
        """The run's detail once it is no longer queued, running or paused."""
        deadline = time.monotonic() + timeout
        while (detail := self.run(run_id))["status"] in ("queued", "running", "paused"):
            assert time.monotonic() < deadline, f"run {run_id} still {detail['status']} after {timeout} s"
            time.sleep(0.5)
        return detail

    async def watch(self, run_id):
        return await Viewer.open(self.url, f"/ws/runs/{run_id}/", self.cookie)


class Viewer:
    """One websocket viewer: every frame it got, with the time it got it (time.time())."""

    def __init__(self, ws):
        self.ws, self.frames, self.times, self.waiting = ws, [], [], []

    @classmethod
    async def open(cls, url, path, cookie):
        ws = await websockets.connect(
            url.replace("http", "ws", 1) + path, max_size=None, additional_headers={"Cookie": cookie, "Origin": url}
        )
        return cls(ws)

    async def next(self, predicate=lambda f: True, timeout=30):
        """Read frames until one matches; returns it. TimeoutError if none does in time."""
        async with asyncio.timeout(timeout):
            while True:
                if not self.waiting:
                    message = json.loads(await self.ws.recv())
                    self.waiting = message if isinstance(message, list) else [message]  # frames that waited together
                frame = self.waiting.pop(0)
                self.frames.append(frame)
                self.times.append(time.time())
                if predicate(frame):
                    return frame

    async def send(self, action, value=None):
        await self.ws.send(json.dumps({"action": action} if value is None else {"action": action, "value": value}))

    def of(self, kind):
        return [f for f in self.frames if f["type"] == kind]

    async def close(self):
        await self.ws.close()


def is_status(status):
    return lambda f: f["type"] == "status" and f["status"] == status


def is_type(kind):
    return lambda f: f["type"] == kind


def run_async(coro):
    """asyncio.run in a thread of its own: the browser tests' sync Playwright keeps a loop in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
